//! The inventory exactly as written in YAML: serde types that are the schema
//! (unknown keys are errors), before defaults, groups and cross-references are
//! resolved by `resolve`.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

use super::yaml::Spanned;

/// One inventory file. Several files under `inventory/` are merged.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawInventory {
    pub settings: Option<Spanned<RawSettings>>,
    pub ssh: Option<Spanned<RawSsh>>,
    pub defaults: Option<Spanned<RawHost>>,
    pub hosts: BTreeMap<String, Spanned<RawHost>>,
    pub groups: BTreeMap<String, Spanned<RawHost>>,
    pub checks: BTreeMap<String, Spanned<RawCheck>>,
    pub policy: Option<Spanned<RawPolicy>>,
    /// Extra redaction patterns (regexes) on top of medic's defaults.
    pub redact: Option<Spanned<Vec<Spanned<String>>>>,
    pub sync: Option<Spanned<RawSync>>,
    /// Target key → the target keys it needs (`check/app: [db/container/postgres]`).
    pub depends_on: BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
}

/// The safety policy's knobs; see `config::policy::Policy` for meanings.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawPolicy {
    pub max_attempts_per_hour: Option<Spanned<u32>>,
    pub max_consecutive_failures: Option<Spanned<u32>>,
    pub failure_rate_percent: Option<Spanned<f64>>,
    pub failure_rate_min_attempts: Option<Spanned<u32>>,
    pub failure_rate_window: Option<Spanned<String>>,
    pub approval_ttl: Option<Spanned<String>>,
    pub verify_timeout: Option<Spanned<String>>,
    pub data_tags: Option<Vec<String>>,
    pub critical_tags: Option<Vec<String>>,
    pub open_after: Option<Spanned<u32>>,
    pub resolve_after: Option<Spanned<u32>>,
    pub flapping_changes: Option<Spanned<u32>>,
    pub flapping_window: Option<Spanned<String>>,
    pub trends: Option<Spanned<RawTrends>>,
    pub retention: Option<Spanned<RawRetention>>,
}

/// How long samples are kept at each resolution (see `store::retention`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawRetention {
    pub raw: Option<Spanned<String>>,
    pub hourly: Option<Spanned<String>>,
    pub daily: Option<Spanned<String>>,
}

/// The trend thresholds a person may want to tune (see `analyze::trends::TrendPolicy`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawTrends {
    pub disk_window: Option<Spanned<String>>,
    pub disk_warning_within: Option<Spanned<String>>,
    pub disk_critical_within: Option<Spanned<String>>,
    pub swap_warning_within: Option<Spanned<String>>,
    pub swap_critical_within: Option<Spanned<String>>,
    pub memory_floor_percent: Option<Spanned<f64>>,
    pub restart_min_count: Option<Spanned<u32>>,
    pub restart_factor: Option<Spanned<f64>>,
    pub latency_window: Option<Spanned<String>>,
    pub latency_baseline: Option<Spanned<String>>,
    pub latency_factor: Option<Spanned<f64>>,
    pub latency_floor_ms: Option<Spanned<f64>>,
    pub certificate_warning_within: Option<Spanned<String>>,
    pub certificate_critical_within: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawSettings {
    pub concurrency: Option<Spanned<u32>>,
    pub connect_timeout: Option<Spanned<String>>,
    pub command_timeout: Option<Spanned<String>>,
    pub section_timeout: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawSsh {
    pub identity_file: Option<String>,
    pub known_hosts_file: Option<String>,
    pub config_file: Option<String>,
    pub host_key_checking: Option<HostKeyChecking>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostKeyChecking {
    /// Only keys already in known_hosts are accepted.
    #[default]
    Strict,
    /// Unknown hosts are added on first contact; a changed key is still refused.
    AcceptNew,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransportKind {
    Ssh,
    Local,
}

/// A host, a group or the defaults: the same keys, checked by context
/// (`address` only on hosts, `hosts` only on groups).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawHost {
    pub address: Option<Spanned<String>>,
    pub hosts: Option<Spanned<Vec<Spanned<String>>>>,
    pub port: Option<u16>,
    pub user: Option<String>,
    pub transport: Option<TransportKind>,
    pub tags: Vec<String>,
    pub containers: Option<Spanned<RawContainers>>,
    pub units: Vec<Spanned<String>>,
    pub disk_threshold: Option<Spanned<f64>>,
    pub disks: BTreeMap<String, Spanned<f64>>,
    /// Files medic may back up and change on this host, by absolute path.
    pub files: BTreeMap<String, Spanned<RawManagedFile>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawManagedFile {
    /// Checks the new content before it takes effect (e.g. `nginx -t`).
    pub validate: Option<String>,
    /// Makes the new content take effect (e.g. `nginx -s reload`).
    pub reload: Option<String>,
    /// Only the content's hash goes to Git.
    pub secret: bool,
}

/// `containers: all`, `containers: none` or `containers: [name, ...]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawContainers {
    All,
    None,
    Named(Vec<String>),
}

impl<'de> Deserialize<'de> for RawContainers {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawContainers;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("`all`, `none` or a list of container names")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                match v {
                    "all" => Ok(RawContainers::All),
                    "none" => Ok(RawContainers::None),
                    other => Err(E::custom(format!(
                        "expected `all`, `none` or a list of container names, found `{other}`"
                    ))),
                }
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(RawContainers::None)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element::<String>()? {
                    names.push(name);
                }
                Ok(RawContainers::Named(names))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawCheck {
    pub url: Option<Spanned<String>>,
    pub host: Option<Spanned<String>>,
    pub expect_status: Option<Spanned<u16>>,
    pub body_contains: Option<String>,
    pub timeout: Option<Spanned<String>>,
    /// Connect to this address instead of resolving the URL's host (like
    /// curl's --resolve), e.g. to check a virtual host through its proxy.
    pub connect_to: Option<Spanned<String>>,
    /// The reverse proxy serving this URL: which host, and its config file.
    pub proxy: Option<Spanned<RawProxyLink>>,
    /// The container behind the proxy.
    pub backend: Option<Spanned<RawBackendLink>>,
    /// Targets this check needs (`db/container/postgres`).
    pub depends_on: Vec<Spanned<String>>,
    /// Consecutive failing sweeps before an incident opens / healthy ones before it resolves.
    pub open_after: Option<Spanned<u32>>,
    pub resolve_after: Option<Spanned<u32>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawProxyLink {
    pub host: Option<Spanned<String>>,
    pub file: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawBackendLink {
    pub host: Option<Spanned<String>>,
    pub container: Option<String>,
    /// The container's port the proxy should reach (default: its first published one).
    pub port: Option<u16>,
}

/// Where the ops repository's commits go: pulled before a run reads
/// approvals and reverts, pushed after it commits.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawSync {
    pub remote: Option<Spanned<String>>,
    pub branch: Option<Spanned<String>>,
}
