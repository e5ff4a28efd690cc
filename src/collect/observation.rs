//! What one sweep saw: per host either a probe snapshot or why it could not be
//! reached, and per HTTP check its response. Produced by `collect`, stored by
//! `store`, read by `analyze`.

use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;

use super::probe::HostSnapshot;

#[derive(Debug, Clone, Serialize)]
pub struct Sweep {
    pub started_at: Timestamp,
    pub finished_at: Timestamp,
    pub hosts: Vec<HostObservation>,
    pub checks: Vec<CheckObservation>,
    /// Managed files as read from their hosts.
    pub files: Vec<FileObservation>,
}

/// One managed file as read from its host.
#[derive(Debug, Clone, Serialize)]
pub struct FileObservation {
    pub host: String,
    pub path: String,
    /// The content (None: the file does not exist), or why it could not be read.
    #[serde(skip)]
    pub content: Result<Option<String>, String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HostObservation {
    pub host: String,
    pub observed_at: Timestamp,
    #[serde(with = "millis")]
    pub duration: Duration,
    pub outcome: HostOutcome,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum HostOutcome {
    Reached(HostSnapshot),
    Unreachable(Unreachable),
}

impl HostObservation {
    pub fn snapshot(&self) -> Option<&HostSnapshot> {
        match &self.outcome {
            HostOutcome::Reached(s) => Some(s),
            HostOutcome::Unreachable(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unreachable {
    pub reason: UnreachableReason,
    /// The transport's own words (ssh's stderr), trimmed.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnreachableReason {
    ConnectionRefused,
    TimedOut,
    /// The host's key is not the one in known_hosts (or unknown under strict
    /// checking): medic refused to connect.
    HostKeyRejected,
    AuthenticationFailed,
    /// Connected, but the probe could not run or its output was cut off.
    ProbeFailed,
    Other,
}

impl UnreachableReason {
    pub fn describe(self) -> &'static str {
        match self {
            UnreachableReason::ConnectionRefused => "connection refused",
            UnreachableReason::TimedOut => "timed out",
            UnreachableReason::HostKeyRejected => "host key rejected",
            UnreachableReason::AuthenticationFailed => "authentication failed",
            UnreachableReason::ProbeFailed => "probe failed",
            UnreachableReason::Other => "unreachable",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckObservation {
    pub check: String,
    pub observed_at: Timestamp,
    pub status: Option<u16>,
    pub latency_ms: Option<f64>,
    /// Whether `body_contains` was found; None when the check has none or no body came.
    pub body_matched: Option<bool>,
    /// The first bytes of the body, for evidence.
    pub body_excerpt: Option<String>,
    /// Why no response came (connect error, timeout).
    pub error: Option<String>,
}

mod millis {
    use std::time::Duration;

    pub fn serialize<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }
}
