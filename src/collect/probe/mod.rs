//! Agentless host probe: one POSIX `sh` script sent over SSH, and the parser
//! for what it prints.
//!
//! Takes: a [`ProbeSpec`] (what to look at) and a per-run nonce.
//! Gives: [`script`] (the text to run with `sh -c`) and [`parse`] (its stdout
//! to a [`HostSnapshot`], one [`Section`] per kind of fact).

pub mod container;
pub mod df;
pub mod docker;
pub mod error;
mod frame;
pub mod proc;
pub mod script;
pub mod section;
mod snapshot;
pub mod systemd;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use container::{Container, ContainerState, Health};
pub use df::{Filesystem, parse_df};
pub use docker::parse_containers;
pub use error::ParseError;
pub use proc::{Load, Memory, parse_loadavg, parse_meminfo, parse_uptime};
pub use script::{new_nonce, script, sh_quote};
pub use section::Section;
pub use snapshot::parse;
pub use systemd::{Unit, parse_units};

/// What the probe should look at on one host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeSpec {
    /// Collect `docker ps` + `docker inspect`.
    pub containers: bool,
    /// systemd units to `systemctl show`; none = skip the section.
    pub units: Vec<String>,
    /// Limit for each probed command (docker, systemctl, df); 0 counts as 1.
    pub section_timeout_secs: u32,
}

/// Everything one probe run learned about a host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostSnapshot {
    pub hostname: Option<String>,
    pub containers: Section<Vec<Container>>,
    pub units: Section<Vec<Unit>>,
    pub disks: Section<Vec<Filesystem>>,
    pub memory: Section<Memory>,
    pub load: Section<Load>,
    pub uptime_seconds: Section<f64>,
}

impl HostSnapshot {
    /// `(section, message)` for every `Failed` section, in field order.
    pub fn failures(&self) -> Vec<(&'static str, &str)> {
        [
            (
                "containers",
                self.containers.is_failed(),
                self.containers.problem(),
            ),
            ("units", self.units.is_failed(), self.units.problem()),
            ("disks", self.disks.is_failed(), self.disks.problem()),
            ("memory", self.memory.is_failed(), self.memory.problem()),
            ("load", self.load.is_failed(), self.load.problem()),
            (
                "uptime",
                self.uptime_seconds.is_failed(),
                self.uptime_seconds.problem(),
            ),
        ]
        .into_iter()
        .filter_map(|(name, failed, text)| Some((name, text.filter(|_| failed)?)))
        .collect()
    }
}
