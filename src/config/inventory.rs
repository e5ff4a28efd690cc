//! The validated inventory every later stage reads: hosts with everything
//! resolved (defaults and groups applied), HTTP checks, SSH options and run
//! settings. Built only by `resolve`, so holding one means it is valid.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

pub use super::raw::{HostKeyChecking, TransportKind};

#[derive(Debug, Clone, Serialize)]
pub struct Inventory {
    pub settings: Settings,
    pub ssh: SshOptions,
    pub hosts: Vec<Host>,
    pub groups: BTreeMap<String, Vec<String>>,
    pub checks: Vec<HttpCheck>,
    pub policy: super::policy::Policy,
    /// Extra redaction patterns, already compiled once by validation.
    pub redact: Vec<String>,
    pub sync: Option<Sync>,
    /// Target key → the target keys it needs; a failing dependency explains
    /// its dependents.
    pub depends_on: BTreeMap<String, Vec<String>>,
}

/// A remote the ops repository is kept in step with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sync {
    pub remote: String,
    /// None: the branch checked out.
    pub branch: Option<String>,
}

impl Inventory {
    /// Consecutive failing sweeps before an incident on `target_key` opens.
    pub fn open_after(&self, target_key: &str) -> u32 {
        self.check_of(target_key)
            .and_then(|c| c.open_after)
            .unwrap_or(self.policy.open_after)
            .max(1)
    }

    /// Consecutive healthy sweeps before an incident on `target_key` resolves.
    pub fn resolve_after(&self, target_key: &str) -> u32 {
        self.check_of(target_key)
            .and_then(|c| c.resolve_after)
            .unwrap_or(self.policy.resolve_after)
            .max(1)
    }

    fn check_of(&self, target_key: &str) -> Option<&HttpCheck> {
        self.check(target_key.strip_prefix("check/")?)
    }

    pub fn host(&self, name: &str) -> Option<&Host> {
        self.hosts.iter().find(|h| h.name == name)
    }

    pub fn check(&self, name: &str) -> Option<&HttpCheck> {
        self.checks.iter().find(|c| c.name == name)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    /// Hosts swept at the same time.
    pub concurrency: usize,
    pub connect_timeout: Duration,
    /// The whole probe on one host, connection included.
    pub command_timeout: Duration,
    /// One tool (`docker`, `systemctl`, `df`) inside the probe.
    pub section_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            concurrency: 16,
            connect_timeout: Duration::from_secs(5),
            command_timeout: Duration::from_secs(30),
            section_timeout: Duration::from_secs(10),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SshOptions {
    pub identity_file: Option<PathBuf>,
    pub known_hosts_file: Option<PathBuf>,
    pub config_file: Option<PathBuf>,
    pub host_key_checking: HostKeyChecking,
}

impl Serialize for HostKeyChecking {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match self {
            HostKeyChecking::Strict => "strict",
            HostKeyChecking::AcceptNew => "accept-new",
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Host {
    pub name: String,
    /// What ssh connects to; the host's name unless `address` is given, so
    /// aliases from ~/.ssh/config work.
    pub address: String,
    pub port: Option<u16>,
    pub user: Option<String>,
    pub transport: TransportKind,
    pub tags: BTreeSet<String>,
    pub groups: Vec<String>,
    pub containers: ContainerWatch,
    pub units: Vec<String>,
    /// Percent used above which a filesystem is a finding.
    pub disk_threshold: f64,
    /// Per mount point thresholds overriding `disk_threshold`.
    pub disk_thresholds: BTreeMap<String, f64>,
    /// Files medic may back up and change, by absolute path.
    pub files: BTreeMap<String, ManagedFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManagedFile {
    pub path: String,
    pub validate: Option<String>,
    pub reload: Option<String>,
    pub secret: bool,
}

impl Host {
    pub fn threshold_for(&self, mount: &str) -> f64 {
        self.disk_thresholds
            .get(mount)
            .copied()
            .unwrap_or(self.disk_threshold)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContainerWatch {
    None,
    All,
    Named(BTreeSet<String>),
}

impl ContainerWatch {
    pub fn is_none(&self) -> bool {
        matches!(self, ContainerWatch::None)
    }

    pub fn watches(&self, name: &str) -> bool {
        match self {
            ContainerWatch::None => false,
            ContainerWatch::All => true,
            ContainerWatch::Named(names) => names.contains(name),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct HttpCheck {
    pub name: String,
    pub url: String,
    /// The host this check belongs to, for status and correlation.
    pub host: Option<String>,
    pub expect_status: u16,
    pub body_contains: Option<String>,
    pub timeout: Duration,
    pub connect_to: Option<std::net::IpAddr>,
    pub proxy: Option<ProxyLink>,
    pub backend: Option<BackendLink>,
    /// Overrides of the policy's hysteresis for this check.
    pub open_after: Option<u32>,
    pub resolve_after: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProxyLink {
    pub host: String,
    pub file: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackendLink {
    pub host: String,
    pub container: String,
    pub port: Option<u16>,
}

pub const DEFAULT_DISK_THRESHOLD: f64 = 90.0;
pub const DEFAULT_CHECK_TIMEOUT: Duration = Duration::from_secs(10);
