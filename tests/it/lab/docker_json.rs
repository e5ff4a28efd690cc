//! The JSON docker prints, as typed structs in the real key order (Go struct
//! order; maps sorted, as Go sorts them): a `docker ps --format '{{json .}}'`
//! line and a `docker inspect` element. Only keys medic may read and their
//! neighbours are modelled; shapes were checked against docker CLI 28 with
//! Engine 20.10 on the development machine.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::ser::{PrettyFormatter, Serializer};

use super::ports::{Empty, PortMap};

/// One `docker ps --format '{{json .}}'` line (all strings except `Platform`).
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub(super) struct PsLine {
    pub(super) command: String,
    pub(super) created_at: String,
    #[serde(rename = "ID")]
    pub(super) id: String,
    pub(super) image: String,
    pub(super) labels: String,
    pub(super) local_volumes: String,
    pub(super) mounts: String,
    pub(super) names: String,
    pub(super) networks: String,
    pub(super) platform: Option<String>,
    pub(super) ports: String,
    pub(super) running_for: String,
    pub(super) size: String,
    pub(super) state: String,
    pub(super) status: String,
}

impl PsLine {
    /// One line, with Go's HTML escaping of `<`, `>` and `&` as the CLI does.
    pub(super) fn render(&self) -> String {
        go_html_escape(&serde_json::to_string(self).expect("a ps line serializes"))
    }
}

/// Go's `json.Marshal` escapes these even inside strings; outside strings
/// they cannot occur, so replacing them in the whole text is exact.
fn go_html_escape(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// One element of `docker inspect`'s array.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub(super) struct Inspect {
    pub(super) id: String,
    pub(super) created: String,
    pub(super) path: String,
    pub(super) args: Vec<String>,
    pub(super) state: State,
    pub(super) image: String,
    pub(super) resolv_conf_path: String,
    pub(super) hostname_path: String,
    pub(super) hosts_path: String,
    pub(super) log_path: String,
    pub(super) name: String,
    pub(super) restart_count: u32,
    pub(super) driver: String,
    pub(super) platform: String,
    pub(super) mount_label: String,
    pub(super) process_label: String,
    pub(super) app_armor_profile: String,
    #[serde(rename = "ExecIDs")]
    pub(super) exec_ids: Option<Vec<String>>,
    pub(super) host_config: HostConfig,
    pub(super) graph_driver: GraphDriver,
    pub(super) mounts: Vec<String>,
    pub(super) config: Config,
    pub(super) network_settings: NetworkSettings,
}

impl Inspect {
    /// Pretty-printed with 4 spaces and indented one level, ready to be put
    /// between `[` and `]` like the CLI's output.
    pub(super) fn render(&self) -> String {
        let mut out = Vec::new();
        let mut ser = Serializer::with_formatter(&mut out, PrettyFormatter::with_indent(b"    "));
        self.serialize(&mut ser)
            .expect("an inspect object serializes");
        let text = String::from_utf8(out).expect("serde_json writes UTF-8");
        text.lines()
            .map(|l| format!("    {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// `State` (Engine API `ContainerState`).
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub(super) struct State {
    pub(super) status: String,
    pub(super) running: bool,
    pub(super) paused: bool,
    pub(super) restarting: bool,
    #[serde(rename = "OOMKilled")]
    pub(super) oom_killed: bool,
    pub(super) dead: bool,
    pub(super) pid: u32,
    pub(super) exit_code: i32,
    pub(super) error: String,
    pub(super) started_at: String,
    pub(super) finished_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) health: Option<Health>,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub(super) struct Health {
    pub(super) status: String,
    pub(super) failing_streak: u32,
    pub(super) log: Vec<HealthLog>,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub(super) struct HealthLog {
    pub(super) start: String,
    pub(super) end: String,
    pub(super) exit_code: i32,
    pub(super) output: String,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub(super) struct HostConfig {
    pub(super) binds: Option<Vec<String>>,
    #[serde(rename = "ContainerIDFile")]
    pub(super) container_id_file: String,
    pub(super) log_config: LogConfig,
    pub(super) network_mode: String,
    pub(super) port_bindings: PortMap,
    pub(super) restart_policy: RestartPolicy,
    pub(super) auto_remove: bool,
    pub(super) volume_driver: String,
    pub(super) volumes_from: Option<Vec<String>>,
    pub(super) cap_add: Option<Vec<String>>,
    pub(super) cap_drop: Option<Vec<String>>,
    pub(super) ipc_mode: String,
    pub(super) oom_score_adj: i32,
    pub(super) pid_mode: String,
    pub(super) privileged: bool,
    pub(super) readonly_rootfs: bool,
    pub(super) shm_size: u64,
    pub(super) runtime: String,
    pub(super) memory: u64,
    pub(super) nano_cpus: u64,
    pub(super) oom_kill_disable: bool,
    pub(super) pids_limit: Option<u64>,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub(super) struct LogConfig {
    #[serde(rename = "Type")]
    pub(super) kind: String,
    pub(super) config: BTreeMap<String, String>,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub(super) struct RestartPolicy {
    pub(super) name: String,
    pub(super) maximum_retry_count: u32,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub(super) struct GraphDriver {
    pub(super) data: BTreeMap<String, String>,
    pub(super) name: String,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub(super) struct Config {
    pub(super) hostname: String,
    pub(super) domainname: String,
    pub(super) user: String,
    pub(super) attach_stdin: bool,
    pub(super) attach_stdout: bool,
    pub(super) attach_stderr: bool,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(super) exposed_ports: BTreeMap<String, Empty>,
    pub(super) tty: bool,
    pub(super) open_stdin: bool,
    pub(super) stdin_once: bool,
    pub(super) env: Vec<String>,
    pub(super) cmd: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) healthcheck: Option<Healthcheck>,
    pub(super) image: String,
    pub(super) volumes: Option<BTreeMap<String, String>>,
    pub(super) working_dir: String,
    pub(super) entrypoint: Option<Vec<String>>,
    pub(super) on_build: Option<Vec<String>>,
    pub(super) labels: BTreeMap<String, String>,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub(super) struct Healthcheck {
    pub(super) test: Vec<String>,
    pub(super) interval: u64,
    pub(super) retries: u32,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub(super) struct NetworkSettings {
    pub(super) bridge: String,
    #[serde(rename = "SandboxID")]
    pub(super) sandbox_id: String,
    pub(super) hairpin_mode: bool,
    #[serde(rename = "LinkLocalIPv6Address")]
    pub(super) link_local_ipv6_address: String,
    #[serde(rename = "LinkLocalIPv6PrefixLen")]
    pub(super) link_local_ipv6_prefix_len: u32,
    pub(super) ports: PortMap,
    pub(super) sandbox_key: String,
    #[serde(rename = "SecondaryIPAddresses")]
    pub(super) secondary_ip_addresses: Option<Vec<String>>,
    #[serde(rename = "SecondaryIPv6Addresses")]
    pub(super) secondary_ipv6_addresses: Option<Vec<String>>,
    #[serde(rename = "EndpointID")]
    pub(super) endpoint_id: String,
    pub(super) gateway: String,
    #[serde(rename = "GlobalIPv6Address")]
    pub(super) global_ipv6_address: String,
    #[serde(rename = "GlobalIPv6PrefixLen")]
    pub(super) global_ipv6_prefix_len: u32,
    #[serde(rename = "IPAddress")]
    pub(super) ip_address: String,
    #[serde(rename = "IPPrefixLen")]
    pub(super) ip_prefix_len: u32,
    #[serde(rename = "IPv6Gateway")]
    pub(super) ipv6_gateway: String,
    pub(super) mac_address: String,
    pub(super) networks: BTreeMap<String, Endpoint>,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub(super) struct Endpoint {
    #[serde(rename = "IPAMConfig")]
    pub(super) ipam_config: Option<BTreeMap<String, String>>,
    pub(super) links: Option<Vec<String>>,
    pub(super) aliases: Option<Vec<String>>,
    #[serde(rename = "NetworkID")]
    pub(super) network_id: String,
    #[serde(rename = "EndpointID")]
    pub(super) endpoint_id: String,
    pub(super) gateway: String,
    #[serde(rename = "IPAddress")]
    pub(super) ip_address: String,
    #[serde(rename = "IPPrefixLen")]
    pub(super) ip_prefix_len: u32,
    #[serde(rename = "IPv6Gateway")]
    pub(super) ipv6_gateway: String,
    #[serde(rename = "GlobalIPv6Address")]
    pub(super) global_ipv6_address: String,
    #[serde(rename = "GlobalIPv6PrefixLen")]
    pub(super) global_ipv6_prefix_len: u32,
    pub(super) mac_address: String,
    pub(super) driver_opts: Option<BTreeMap<String, String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ps_line_escapes_like_go() {
        assert_eq!(
            go_html_escape(r#"{"Command":"\"sh -c 'a >&2'\""}"#),
            r#"{"Command":"\"sh -c 'a \u003e\u00262'\""}"#
        );
    }
}
