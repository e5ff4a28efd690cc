//! The vocabulary of analysis: a `Finding` is one thing wrong with one
//! `Target`, with the evidence that shows it. Its fingerprint (kind + target)
//! is what ties repeated observations to one incident.

use std::collections::BTreeMap;
use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// What a finding is about. Serialized into the database and report front
/// matter, so variants and fields are a stable format.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Target {
    Host {
        host: String,
    },
    Container {
        host: String,
        name: String,
    },
    Unit {
        host: String,
        name: String,
    },
    Disk {
        host: String,
        mount: String,
    },
    Check {
        name: String,
    },
    /// One part of a host's probe (`containers`, `units`, ...).
    Probe {
        host: String,
        section: String,
    },
    /// A managed file on a host.
    File {
        host: String,
        path: String,
    },
}

impl Target {
    /// A stable, readable identifier: `nas`, `nas/container/calibre`, `check/books`.
    pub fn key(&self) -> String {
        match self {
            Target::Host { host } => host.clone(),
            Target::Container { host, name } => format!("{host}/container/{name}"),
            Target::Unit { host, name } => format!("{host}/unit/{name}"),
            Target::Disk { host, mount } => format!("{host}/disk/{mount}"),
            Target::Check { name } => format!("check/{name}"),
            Target::Probe { host, section } => format!("{host}/probe/{section}"),
            Target::File { host, path } => format!("{host}/file{path}"),
        }
    }

    pub fn host(&self) -> Option<&str> {
        match self {
            Target::Host { host }
            | Target::Container { host, .. }
            | Target::Unit { host, .. }
            | Target::Disk { host, .. }
            | Target::Probe { host, .. }
            | Target::File { host, .. } => Some(host),
            Target::Check { .. } => None,
        }
    }

    /// `container`, `unit`, ... for tables.
    pub fn kind(&self) -> &'static str {
        match self {
            Target::Host { .. } => "host",
            Target::Container { .. } => "container",
            Target::Unit { .. } => "unit",
            Target::Disk { .. } => "disk",
            Target::Check { .. } => "check",
            Target::Probe { .. } => "probe",
            Target::File { .. } => "file",
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    HostUnreachable,
    HostKeyRejected,
    ContainerStopped,
    ContainerUnhealthy,
    ContainerMissing,
    UnitFailed,
    UnitMissing,
    CheckFailing,
    DiskAboveThreshold,
    ProbeFailed,
    /// A managed file differs from what medic last wrote or backed up.
    FileDrift,
    /// Trends: predicted trouble, before it happens.
    DiskFillingUp,
    SwapRising,
    MemoryLow,
    RestartsFrequent,
    LatencyDegraded,
    CertificateExpiring,
}

impl FindingKind {
    /// Every kind, in the order they are listed to people.
    pub const ALL: [FindingKind; 17] = [
        FindingKind::HostUnreachable,
        FindingKind::HostKeyRejected,
        FindingKind::ContainerStopped,
        FindingKind::ContainerUnhealthy,
        FindingKind::ContainerMissing,
        FindingKind::UnitFailed,
        FindingKind::UnitMissing,
        FindingKind::CheckFailing,
        FindingKind::DiskAboveThreshold,
        FindingKind::ProbeFailed,
        FindingKind::FileDrift,
        FindingKind::DiskFillingUp,
        FindingKind::SwapRising,
        FindingKind::MemoryLow,
        FindingKind::RestartsFrequent,
        FindingKind::LatencyDegraded,
        FindingKind::CertificateExpiring,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::HostUnreachable => "host_unreachable",
            FindingKind::HostKeyRejected => "host_key_rejected",
            FindingKind::ContainerStopped => "container_stopped",
            FindingKind::ContainerUnhealthy => "container_unhealthy",
            FindingKind::ContainerMissing => "container_missing",
            FindingKind::UnitFailed => "unit_failed",
            FindingKind::UnitMissing => "unit_missing",
            FindingKind::CheckFailing => "check_failing",
            FindingKind::DiskAboveThreshold => "disk_above_threshold",
            FindingKind::ProbeFailed => "probe_failed",
            FindingKind::FileDrift => "file_drift",
            FindingKind::DiskFillingUp => "disk_filling_up",
            FindingKind::SwapRising => "swap_rising",
            FindingKind::MemoryLow => "memory_low",
            FindingKind::RestartsFrequent => "restarts_frequent",
            FindingKind::LatencyDegraded => "latency_degraded",
            FindingKind::CertificateExpiring => "certificate_expiring",
        }
    }

    /// For titles: `container stopped`.
    pub fn title(self) -> String {
        self.as_str().replace('_', " ")
    }

    /// Whether this kind predicts trouble from a trend rather than seeing it.
    pub fn is_trend(self) -> bool {
        matches!(
            self,
            FindingKind::DiskFillingUp
                | FindingKind::SwapRising
                | FindingKind::MemoryLow
                | FindingKind::RestartsFrequent
                | FindingKind::LatencyDegraded
                | FindingKind::CertificateExpiring
        )
    }

    pub fn parse(text: &str) -> Option<FindingKind> {
        serde_json::from_value(serde_json::Value::String(text.to_string())).ok()
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub target: Target,
    pub severity: Severity,
    /// One sentence naming the thing: "container `calibre` on `nas` exited with code 1".
    pub summary: String,
    /// Evidence, as shown in reports: exit code, status text, error message, ...
    pub facts: BTreeMap<String, String>,
    /// The best evidence of when the failure began (a container's FinishedAt).
    pub since: Option<Timestamp>,
}

impl Finding {
    pub fn fingerprint(&self) -> String {
        fingerprint(self.kind, &self.target)
    }
}

pub fn fingerprint(kind: FindingKind, target: &Target) -> String {
    format!("{}:{}", kind.as_str(), target.key())
}
