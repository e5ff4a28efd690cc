//! Analyze: takes the inventory, one sweep and the incidents already open;
//! gives findings and the incident changes they imply. Pure functions, tested
//! with tables; trends and correlation across targets come later.

mod correlate;
pub mod files;
pub mod finding;
mod findings;
mod incidents;
mod trend_findings;
pub mod trends;

pub use correlate::{History, IncidentChanges, Resolution, Root, Streak, Symptom, correlate};
pub use finding::{Finding, FindingKind, Severity, Target, fingerprint};
pub use findings::{findings, human_kib};
pub use incidents::{OpenIncident, healthy_again};
pub use trend_findings::{TrendData, trend_findings};

use crate::collect::Sweep;
use crate::config::Inventory;

#[derive(Debug, Clone)]
pub struct Analysis {
    pub findings: Vec<Finding>,
    pub changes: IncidentChanges,
}

/// `more` are findings other analyses made of the same sweep (managed files).
pub fn analyze(
    inventory: &Inventory,
    sweep: &Sweep,
    open: &[OpenIncident],
    history: &History,
    more: Vec<Finding>,
) -> Analysis {
    let mut findings = findings(inventory, sweep);
    findings.extend(more);
    let changes = correlate(inventory, sweep, &findings, open, history);
    Analysis { findings, changes }
}

#[cfg(test)]
mod tests;
