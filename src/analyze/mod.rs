//! Analyze: takes the inventory, one sweep and the incidents already open;
//! gives findings and the incident changes they imply. Pure functions, tested
//! with tables; trends and correlation across targets come later.

pub mod finding;
mod findings;
mod incidents;

pub use finding::{Finding, FindingKind, Severity, Target, fingerprint};
pub use findings::{findings, human_kib};
pub use incidents::{IncidentChanges, OpenIncident, Resolution, correlate, healthy_again};

use crate::collect::Sweep;
use crate::config::Inventory;

#[derive(Debug, Clone)]
pub struct Analysis {
    pub findings: Vec<Finding>,
    pub changes: IncidentChanges,
}

pub fn analyze(inventory: &Inventory, sweep: &Sweep, open: &[OpenIncident]) -> Analysis {
    let findings = findings(inventory, sweep);
    let changes = correlate(inventory, sweep, &findings, open);
    Analysis { findings, changes }
}

#[cfg(test)]
mod tests;
