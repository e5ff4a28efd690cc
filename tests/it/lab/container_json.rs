//! docker's JSON for one state of a fake container: the `docker ps` line
//! (with moby's `Status` text and the daemon's `Command` quoting) and the
//! `docker inspect` object, from the parts that never change (id, image,
//! network) and the state that does.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::Timestamp;

use super::container_render::{HealthState, Snapshot, Status};
use super::docker_json::{
    Config, Endpoint, GraphDriver, Health, HealthLog, Healthcheck, HostConfig, Inspect, LogConfig,
    NetworkSettings, PsLine, RestartPolicy, State,
};
use super::docker_time::{self, Moment, ZERO_TIME};
use super::fake_container::{FakeContainer, HealthStatus, Phase};
use super::ports::{self, PortMap};
use super::random;

const DAY: Duration = Duration::from_secs(86_400);

/// What does not change between states.
pub(super) struct Fixed {
    id: String,
    created: Moment,
    image_id: String,
    network_id: String,
    endpoint_id: String,
    sandbox_id: String,
    ip_suffix: u8,
    pid: u32,
}

impl Fixed {
    pub(super) fn new(c: &FakeContainer, id: &str, now: Timestamp) -> Self {
        let since = c.since.unwrap_or_default();
        let byte = u8::from_str_radix(&id[..2], 16).unwrap_or(0);
        let pid_seed = u32::from_str_radix(&id[2..6], 16).unwrap_or(0);
        Self {
            id: id.to_string(),
            created: Moment::ago(now, (3 * DAY).max(since + DAY)),
            image_id: format!("sha256:{}", random::hex(32)),
            network_id: random::hex(32),
            endpoint_id: random::hex(32),
            sandbox_id: random::hex(32),
            ip_suffix: 2 + byte % 250,
            pid: 1000 + pid_seed % 60_000,
        }
    }

    pub(super) fn snapshot(&self, c: &FakeContainer, s: &Status, now: Timestamp) -> Snapshot {
        let (word, running, paused, restarting, dead, exit_code) = match s.phase {
            Phase::Created => ("created", false, false, false, false, 0),
            Phase::Running => ("running", true, false, false, false, 0),
            Phase::Paused => ("paused", true, true, false, false, 0),
            Phase::Restarting(code) => ("restarting", true, false, true, false, code),
            Phase::Exited(code) => ("exited", false, false, false, false, code),
            Phase::Dead(code) => ("dead", false, false, false, true, code),
        };
        let has_process = matches!(s.phase, Phase::Running | Phase::Paused);
        let state = State {
            status: word.to_string(),
            running,
            paused,
            restarting,
            oom_killed: s.oom_killed,
            dead,
            pid: if has_process { self.pid } else { 0 },
            exit_code,
            error: String::new(),
            started_at: s.started.map_or(ZERO_TIME.to_string(), Moment::rfc3339),
            finished_at: s.finished.map_or(ZERO_TIME.to_string(), Moment::rfc3339),
            health: s.health.map(|h| self.health(c, h, s.health_streak)),
        };
        let ps = PsLine {
            command: go_quote(&ps_command(&c.cmd)),
            created_at: match self.created {
                Moment::At(t) => docker_time::created_at(t),
                Moment::ShimNow => unreachable!("creation is always a known moment"),
            },
            id: self.id.clone(),
            image: c.image.clone(),
            labels: c
                .labels
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(","),
            local_volumes: "0".into(),
            mounts: String::new(),
            names: c.name.clone(),
            networks: "bridge".into(),
            platform: None,
            ports: if has_process {
                ports::display(&c.ports)
            } else {
                String::new()
            },
            running_for: format!("{} ago", docker_time::human(self.created.elapsed(now))),
            size: "0B (virtual 12.3MB)".into(),
            state: word.to_string(),
            status: status_text(s, now),
        };
        let inspect = self.inspect(c, s, state, has_process);
        Snapshot {
            state: word,
            ps_json: ps.render(),
            inspect_json: inspect.render(),
        }
    }

    fn health(&self, c: &FakeContainer, h: HealthState, streak: Option<u32>) -> Health {
        let (count, exit_code, default_output) = match h.status {
            HealthStatus::Starting => (0, 0, ""),
            HealthStatus::Healthy => (5, 0, ""),
            HealthStatus::Unhealthy => (5, 1, "health check failed\n"),
        };
        let output = c.health_output.as_deref().unwrap_or(default_output);
        let log = (0..count)
            .rev()
            .map(|i| {
                let start = h.last_check.minus(Duration::from_secs(30 * i));
                HealthLog {
                    start: start.rfc3339(),
                    end: start.plus(Duration::from_millis(52)).rfc3339(),
                    exit_code,
                    output: output.to_string(),
                }
            })
            .collect();
        let failing = match h.status {
            HealthStatus::Unhealthy => 5,
            _ => 0,
        };
        Health {
            status: h.status.word().to_string(),
            failing_streak: streak.unwrap_or(failing),
            log,
        }
    }

    fn inspect(&self, c: &FakeContainer, s: &Status, state: State, has_process: bool) -> Inspect {
        let dir = format!("/var/lib/docker/containers/{}", self.id);
        let ip = if has_process {
            format!("172.17.0.{}", self.ip_suffix)
        } else {
            String::new()
        };
        let mac = if has_process {
            format!("02:42:ac:11:00:{:02x}", self.ip_suffix)
        } else {
            String::new()
        };
        let gateway = if has_process {
            "172.17.0.1".to_string()
        } else {
            String::new()
        };
        let endpoint_id = if has_process {
            self.endpoint_id.clone()
        } else {
            String::new()
        };
        let prefix = if has_process { 16 } else { 0 };
        let endpoint = Endpoint {
            ipam_config: None,
            links: None,
            aliases: None,
            network_id: self.network_id.clone(),
            endpoint_id: endpoint_id.clone(),
            gateway: gateway.clone(),
            ip_address: ip.clone(),
            ip_prefix_len: prefix,
            ipv6_gateway: String::new(),
            global_ipv6_address: String::new(),
            global_ipv6_prefix_len: 0,
            mac_address: mac.clone(),
            driver_opts: None,
        };
        let layer = &self.image_id[7..];
        Inspect {
            id: self.id.clone(),
            created: self.created.rfc3339(),
            path: c.cmd[0].clone(),
            args: c.cmd[1..].to_vec(),
            state,
            image: self.image_id.clone(),
            resolv_conf_path: format!("{dir}/resolv.conf"),
            hostname_path: format!("{dir}/hostname"),
            hosts_path: format!("{dir}/hosts"),
            log_path: format!("{dir}/{}-json.log", self.id),
            name: format!("/{}", c.name),
            restart_count: s.restart_count,
            driver: "overlay2".into(),
            platform: "linux".into(),
            mount_label: String::new(),
            process_label: String::new(),
            app_armor_profile: String::new(),
            exec_ids: None,
            host_config: HostConfig {
                binds: None,
                container_id_file: String::new(),
                log_config: LogConfig {
                    kind: "json-file".into(),
                    config: BTreeMap::new(),
                },
                network_mode: "default".into(),
                port_bindings: ports::port_map(&c.ports),
                restart_policy: RestartPolicy {
                    name: c.restart_policy.clone(),
                    maximum_retry_count: 0,
                },
                auto_remove: false,
                volume_driver: String::new(),
                volumes_from: None,
                cap_add: None,
                cap_drop: None,
                ipc_mode: "private".into(),
                oom_score_adj: 0,
                pid_mode: String::new(),
                privileged: false,
                readonly_rootfs: false,
                shm_size: 67_108_864,
                runtime: "runc".into(),
                memory: 0,
                nano_cpus: 0,
                oom_kill_disable: false,
                pids_limit: None,
            },
            graph_driver: GraphDriver {
                data: BTreeMap::from([
                    (
                        "LowerDir".into(),
                        format!("/var/lib/docker/overlay2/{layer}-init/diff"),
                    ),
                    (
                        "MergedDir".into(),
                        format!("/var/lib/docker/overlay2/{layer}/merged"),
                    ),
                    (
                        "UpperDir".into(),
                        format!("/var/lib/docker/overlay2/{layer}/diff"),
                    ),
                    (
                        "WorkDir".into(),
                        format!("/var/lib/docker/overlay2/{layer}/work"),
                    ),
                ]),
                name: "overlay2".into(),
            },
            mounts: Vec::new(),
            config: Config {
                hostname: self.id[..12].to_string(),
                domainname: String::new(),
                user: String::new(),
                attach_stdin: false,
                attach_stdout: false,
                attach_stderr: false,
                exposed_ports: ports::exposed(&c.ports),
                tty: false,
                open_stdin: false,
                stdin_once: false,
                env: vec![
                    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
                ],
                cmd: c.cmd.clone(),
                healthcheck: c.health.map(|_| Healthcheck {
                    test: vec![
                        "CMD-SHELL".into(),
                        "wget -q -O /dev/null http://localhost/ || exit 1".into(),
                    ],
                    interval: 30_000_000_000,
                    retries: 3,
                }),
                image: c.image.clone(),
                volumes: None,
                working_dir: String::new(),
                entrypoint: None,
                on_build: None,
                labels: c.labels.clone(),
            },
            network_settings: NetworkSettings {
                bridge: String::new(),
                sandbox_id: self.sandbox_id.clone(),
                hairpin_mode: false,
                link_local_ipv6_address: String::new(),
                link_local_ipv6_prefix_len: 0,
                ports: if has_process {
                    ports::port_map(&c.ports)
                } else {
                    PortMap::new()
                },
                sandbox_key: format!("/var/run/docker/netns/{}", &self.sandbox_id[..12]),
                secondary_ip_addresses: None,
                secondary_ipv6_addresses: None,
                endpoint_id,
                gateway,
                global_ipv6_address: String::new(),
                global_ipv6_prefix_len: 0,
                ip_address: ip,
                ip_prefix_len: prefix,
                ipv6_gateway: String::new(),
                mac_address: mac,
                networks: BTreeMap::from([("bridge".to_string(), endpoint)]),
            },
        }
    }
}

/// The daemon's `Command` for `docker ps`: the path, then the arguments,
/// those with a space wrapped in single quotes.
fn ps_command(cmd: &[String]) -> String {
    cmd.iter()
        .enumerate()
        .map(|(i, a)| {
            if i > 0 && a.contains(' ') {
                format!("'{a}'")
            } else {
                a.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Go's `strconv.Quote` for the characters a command may hold.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// moby's `State.String()`: the `Status` column of `docker ps`.
fn status_text(s: &Status, now: Timestamp) -> String {
    let ago = |m: Option<Moment>| docker_time::human(m.map_or(Duration::ZERO, |m| m.elapsed(now)));
    match s.phase {
        Phase::Paused => format!("Up {} (Paused)", ago(s.started)),
        Phase::Restarting(code) => format!("Restarting ({code}) {} ago", ago(s.finished)),
        Phase::Running => match s.health {
            Some(HealthState {
                status: HealthStatus::Starting,
                ..
            }) => {
                format!("Up {} (health: starting)", ago(s.started))
            }
            Some(h) => format!("Up {} ({})", ago(s.started), h.status.word()),
            None => format!("Up {}", ago(s.started)),
        },
        Phase::Dead(_) => "Dead".into(),
        Phase::Created => "Created".into(),
        Phase::Exited(code) => format!("Exited ({code}) {} ago", ago(s.finished)),
    }
}
