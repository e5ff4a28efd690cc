//! Findings + the incidents already open + a little history → what changes.
//! Pure. One incident per root cause: a finding explained by an unreachable
//! host or by a failing dependency (`depends_on`) is a symptom attached to
//! the root's incident, not an incident of its own. Hysteresis: an incident
//! opens after `open_after` consecutive failing sweeps and resolves after
//! `resolve_after` healthy ones. A target whose state keeps changing is
//! flapping, which decide turns into an escalation.

use std::collections::{BTreeMap, BTreeSet};

use super::finding::{Finding, FindingKind, Target};
use super::incidents::{OpenIncident, resolution};
use crate::collect::Sweep;
use crate::config::Inventory;

/// Consecutive failing and healthy sweeps of one fingerprint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Streak {
    pub failing: u32,
    pub healthy: u32,
}

/// What the store remembers that a single sweep cannot show.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// By fingerprint.
    pub streaks: BTreeMap<String, Streak>,
    /// By target key: incidents opened and resolved within the flapping window.
    pub recent_changes: BTreeMap<String, u32>,
    /// By host: the containers and units last seen there, the symptoms of the
    /// host becoming unreachable.
    pub last_known: BTreeMap<String, Vec<String>>,
}

/// Where a symptom belongs: an incident already open, or one this run opens.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Root {
    Incident(i64),
    Opened(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symptom {
    pub root: Root,
    pub target_key: String,
    pub summary: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncidentChanges {
    pub opened: Vec<Finding>,
    pub persisting: Vec<(i64, Finding)>,
    pub resolved: Vec<Resolution>,
    pub symptoms: Vec<Symptom>,
    /// Every streak after this sweep; fingerprints left out are forgotten.
    pub streaks: BTreeMap<String, Streak>,
    /// Target keys that changed state at least `flapping_changes` times.
    pub flapping: BTreeSet<String>,
}

impl IncidentChanges {
    pub fn is_empty(&self) -> bool {
        self.opened.is_empty() && self.resolved.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    pub id: i64,
    pub reason: String,
}

pub fn correlate(
    inventory: &Inventory,
    sweep: &Sweep,
    findings: &[Finding],
    open: &[OpenIncident],
    history: &History,
) -> IncidentChanges {
    let mut changes = IncidentChanges::default();
    let by_fingerprint: BTreeMap<String, &Finding> = findings
        .iter()
        .map(|f| (f.fingerprint(), f))
        .rev()
        .collect();
    let open_by_fingerprint: BTreeMap<&str, &OpenIncident> =
        open.iter().map(|i| (i.fingerprint.as_str(), i)).collect();
    let roots = explained_by(inventory, findings, open);

    for (fingerprint, finding) in &by_fingerprint {
        let streak = history
            .streaks
            .get(fingerprint)
            .copied()
            .unwrap_or_default();
        let streak = Streak {
            failing: streak.failing.saturating_add(1),
            healthy: 0,
        };
        changes.streaks.insert(fingerprint.clone(), streak);
        let root = roots
            .get(&finding.target.key())
            .and_then(|root_fp| root_of(root_fp, &open_by_fingerprint, &by_fingerprint));
        match (open_by_fingerprint.get(fingerprint.as_str()), root) {
            (Some(incident), _) => changes.persisting.push((incident.id, (*finding).clone())),
            (None, Some(root)) => changes.symptoms.push(Symptom {
                root,
                target_key: finding.target.key(),
                summary: finding.summary.clone(),
            }),
            (None, None) if streak.failing >= inventory.open_after(&finding.target.key()) => {
                changes.opened.push((*finding).clone());
            }
            (None, None) => {}
        }
    }
    for incident in open
        .iter()
        .filter(|i| !by_fingerprint.contains_key(&i.fingerprint))
    {
        let Some(reason) = resolution(inventory, sweep, &incident.target) else {
            if let Some(streak) = history.streaks.get(&incident.fingerprint) {
                changes
                    .streaks
                    .insert(incident.fingerprint.clone(), *streak);
            }
            continue;
        };
        let streak = history
            .streaks
            .get(&incident.fingerprint)
            .copied()
            .unwrap_or_default();
        let streak = Streak {
            failing: 0,
            healthy: streak.healthy.saturating_add(1),
        };
        let gone = reason.contains("no longer");
        let reason = if incident.kind.is_trend() {
            "the trend no longer predicts trouble".to_string()
        } else {
            reason
        };
        if gone || streak.healthy >= inventory.resolve_after(&incident.target.key()) {
            changes.resolved.push(Resolution {
                id: incident.id,
                reason,
            });
        } else {
            changes.streaks.insert(incident.fingerprint.clone(), streak);
        }
    }
    unreachable_symptoms(inventory, findings, open, history, &mut changes);
    changes.flapping = flapping(inventory, open, history, &changes);
    changes
}

/// Target key → the fingerprint of the root that explains it: its host
/// being unreachable, or a dependency failing (followed to the end).
fn explained_by(
    inventory: &Inventory,
    findings: &[Finding],
    open: &[OpenIncident],
) -> BTreeMap<String, String> {
    let mut failing: BTreeMap<String, String> = BTreeMap::new();
    for (target, fingerprint) in open
        .iter()
        .map(|i| (i.target.key(), i.fingerprint.clone()))
        .chain(findings.iter().map(|f| (f.target.key(), f.fingerprint())))
    {
        failing.entry(target).or_insert(fingerprint);
    }
    let down: BTreeMap<&str, String> = findings
        .iter()
        .filter(|f| {
            matches!(
                f.kind,
                FindingKind::HostUnreachable | FindingKind::HostKeyRejected
            )
        })
        .filter_map(|f| Some((f.target.host()?, f.fingerprint())))
        .collect();
    let mut roots = BTreeMap::new();
    for finding in findings {
        let key = finding.target.key();
        let host = match &finding.target {
            Target::Check { name } => inventory.check(name).and_then(|c| c.host.as_deref()),
            Target::Host { .. } => None,
            other => other.host(),
        };
        if let Some(root) = host.and_then(|h| down.get(h)) {
            roots.insert(key, root.clone());
        } else if let Some(root) =
            failing_dependency(inventory, &key, &failing, &mut BTreeSet::new())
        {
            roots.insert(key, root);
        }
    }
    roots
}

/// The deepest failing dependency of `key`, if any (cycles are cut).
fn failing_dependency(
    inventory: &Inventory,
    key: &str,
    failing: &BTreeMap<String, String>,
    seen: &mut BTreeSet<String>,
) -> Option<String> {
    if !seen.insert(key.to_string()) {
        return None;
    }
    for need in inventory.depends_on.get(key).into_iter().flatten() {
        if let Some(fingerprint) = failing.get(need) {
            return Some(
                failing_dependency(inventory, need, failing, seen)
                    .unwrap_or_else(|| fingerprint.clone()),
            );
        }
        if let Some(deeper) = failing_dependency(inventory, need, failing, seen) {
            return Some(deeper);
        }
    }
    None
}

fn root_of(
    fingerprint: &str,
    open: &BTreeMap<&str, &OpenIncident>,
    findings: &BTreeMap<String, &Finding>,
) -> Option<Root> {
    match open.get(fingerprint) {
        Some(incident) => Some(Root::Incident(incident.id)),
        None if findings.contains_key(fingerprint) => Some(Root::Opened(fingerprint.to_string())),
        None => None,
    }
}

/// An unreachable host explains what was last seen on it, though this sweep
/// could not look: those become its incident's symptoms.
fn unreachable_symptoms(
    inventory: &Inventory,
    findings: &[Finding],
    open: &[OpenIncident],
    history: &History,
    changes: &mut IncidentChanges,
) {
    for finding in findings.iter().filter(|f| {
        matches!(
            f.kind,
            FindingKind::HostUnreachable | FindingKind::HostKeyRejected
        )
    }) {
        let Some(host) = finding.target.host() else {
            continue;
        };
        let fingerprint = finding.fingerprint();
        let root = match open.iter().find(|i| i.fingerprint == fingerprint) {
            Some(incident) => Root::Incident(incident.id),
            None if changes
                .opened
                .iter()
                .any(|f| f.fingerprint() == fingerprint) =>
            {
                Root::Opened(fingerprint.clone())
            }
            None => continue,
        };
        let checks = inventory
            .checks
            .iter()
            .filter(|c| c.host.as_deref() == Some(host))
            .map(|c| format!("check/{}", c.name));
        for target_key in history
            .last_known
            .get(host)
            .into_iter()
            .flatten()
            .cloned()
            .chain(checks)
        {
            if changes.symptoms.iter().any(|s| s.target_key == target_key) {
                continue;
            }
            changes.symptoms.push(Symptom {
                root: root.clone(),
                target_key,
                summary: format!("not observed while `{host}` cannot be reached"),
            });
        }
    }
}

/// Targets whose incidents opened and resolved at least `flapping_changes`
/// times within the window, counting this sweep's changes.
fn flapping(
    inventory: &Inventory,
    open: &[OpenIncident],
    history: &History,
    changes: &IncidentChanges,
) -> BTreeSet<String> {
    let mut now: BTreeMap<String, u32> = history.recent_changes.clone();
    for finding in &changes.opened {
        *now.entry(finding.target.key()).or_default() += 1;
    }
    for resolution in &changes.resolved {
        if let Some(incident) = open.iter().find(|i| i.id == resolution.id) {
            *now.entry(incident.target.key()).or_default() += 1;
        }
    }
    now.into_iter()
        .filter(|(_, n)| *n >= inventory.policy.flapping_changes)
        .map(|(key, _)| key)
        .collect()
}
