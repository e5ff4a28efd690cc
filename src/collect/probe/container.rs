//! The container model the Docker parser produces.
//!
//! Takes: nothing (plain data types).
//! Gives: [`Container`], [`ContainerState`] and [`Health`], serialisable for
//! storage; timestamps are stored as RFC 3339 strings.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One container, from `docker ps` joined with its `docker inspect` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Container {
    /// Full 64-hex ID.
    pub id: String,
    /// Name without the leading `/`.
    pub name: String,
    /// Image as the user named it (`nginx:1.25`), not the sha256.
    pub image: String,
    pub state: ContainerState,
    /// `docker ps` "Status", e.g. `Exited (137) 3 minutes ago`.
    pub status_text: String,
    /// None when the container has no healthcheck.
    pub health: Option<Health>,
    pub failing_streak: Option<u64>,
    /// Output of the latest healthcheck run, trimmed, at most 500 chars.
    pub last_health_output: Option<String>,
    /// Last exit code; None while running, paused or never started.
    pub exit_code: Option<i64>,
    pub oom_killed: bool,
    pub restart_count: u64,
    /// `no`, `always`, `unless-stopped`, `on-failure`.
    pub restart_policy: Option<String>,
    #[serde(with = "rfc3339")]
    pub started_at: Option<jiff::Timestamp>,
    #[serde(with = "rfc3339")]
    pub finished_at: Option<jiff::Timestamp>,
    /// `State.Error` when non-empty.
    pub error: Option<String>,
    pub labels: BTreeMap<String, String>,
    /// The full inspect object, kept for storage; None if inspect missed it.
    pub inspect: Option<serde_json::Value>,
}

/// `State.Status` / `docker ps` State.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ContainerState {
    Created,
    Running,
    Paused,
    Restarting,
    Removing,
    Exited,
    Dead,
    Other(String),
}

impl ContainerState {
    /// Reads Docker's lowercase state word; anything else is `Other`.
    pub fn parse(text: &str) -> Self {
        match text.trim() {
            "created" => Self::Created,
            "running" => Self::Running,
            "paused" => Self::Paused,
            "restarting" => Self::Restarting,
            "removing" => Self::Removing,
            "exited" => Self::Exited,
            "dead" => Self::Dead,
            other => Self::Other(other.to_owned()),
        }
    }

    /// Docker's word for the state.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Created => "created",
            Self::Running => "running",
            Self::Paused => "paused",
            Self::Restarting => "restarting",
            Self::Removing => "removing",
            Self::Exited => "exited",
            Self::Dead => "dead",
            Self::Other(other) => other,
        }
    }
}

impl std::fmt::Display for ContainerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Healthcheck status (`State.Health.Status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    Starting,
    Healthy,
    Unhealthy,
}

impl Health {
    /// `starting` / `healthy` / `unhealthy`; None for `none`, empty and others.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "starting" => Some(Self::Starting),
            "healthy" => Some(Self::Healthy),
            "unhealthy" => Some(Self::Unhealthy),
            _ => None,
        }
    }

    /// From `docker ps` Status text: `Up 2 hours (healthy)`,
    /// `Up 5 seconds (health: starting)`, `Up 1 minute (unhealthy)`.
    pub fn from_status_text(status: &str) -> Option<Self> {
        if status.contains("(unhealthy)") {
            Some(Self::Unhealthy)
        } else if status.contains("(healthy)") {
            Some(Self::Healthy)
        } else if status.contains("(health: starting)") {
            Some(Self::Starting)
        } else {
            None
        }
    }

    /// The lowercase word Docker uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Starting => "starting",
            Self::Healthy => "healthy",
            Self::Unhealthy => "unhealthy",
        }
    }
}

impl std::fmt::Display for Health {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `Option<jiff::Timestamp>` as an optional RFC 3339 string (jiff is used
/// without its serde feature).
mod rfc3339 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(ts: &Option<jiff::Timestamp>, s: S) -> Result<S::Ok, S::Error> {
        match ts {
            Some(ts) => s.collect_str(ts),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<jiff::Timestamp>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|text| text.parse().map_err(serde::de::Error::custom))
            .transpose()
    }
}
