//! What the store knows of open incidents, and whether a sweep shows a
//! target healthy again. Pure. A target counts as healthy only when this sweep
//! actually looked at it (a container on an unreachable host stays open), or
//! when it left the inventory.

use serde::{Deserialize, Serialize};

use super::finding::{FindingKind, Target};
use crate::collect::Sweep;
use crate::collect::probe::Section;
use crate::config::Inventory;

/// What analysis needs to know of an incident that is open in the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenIncident {
    pub id: i64,
    pub fingerprint: String,
    pub kind: FindingKind,
    pub target: Target,
}

/// Why an incident on `target` without a current finding is over, or None when
/// this sweep did not look at the target.
pub(super) fn resolution(inventory: &Inventory, sweep: &Sweep, target: &Target) -> Option<String> {
    if let Target::Check { name } = target {
        return match (
            inventory.check(name),
            sweep.checks.iter().any(|c| &c.check == name),
        ) {
            (None, _) => Some(format!("check `{name}` is no longer in the inventory")),
            (Some(_), true) => Some("the check passes again".to_string()),
            (Some(_), false) => None,
        };
    }
    let host_name = target.host()?;
    let Some(host) = inventory.host(host_name) else {
        return Some(format!("host `{host_name}` is no longer in the inventory"));
    };
    let observation = sweep.hosts.iter().find(|o| o.host == host_name)?;
    let snapshot = observation.snapshot()?;
    if let Target::Host { .. } = target {
        return Some("the host answers again".to_string());
    }
    match target {
        Target::Container { name, .. } => {
            if !host.containers.watches(name) {
                return Some(format!("container `{name}` is no longer watched"));
            }
            let containers = ok(&snapshot.containers)?;
            Some(if containers.iter().any(|c| &c.name == name) {
                "the container is healthy again".to_string()
            } else {
                "the container no longer exists".to_string()
            })
        }
        Target::Unit { name, .. } => {
            if !host.units.contains(name) {
                return Some(format!("unit `{name}` is no longer watched"));
            }
            ok(&snapshot.units)?;
            Some("the unit is healthy again".to_string())
        }
        Target::Disk { .. } => {
            ok(&snapshot.disks)?;
            Some("usage is below the threshold again".to_string())
        }
        Target::Probe { section, .. } => Some(format!("{section} can be read again")),
        Target::File { path, .. } => {
            if !host.files.contains_key(path) {
                return Some(format!("`{path}` is no longer a managed file"));
            }
            sweep
                .files
                .iter()
                .any(|f| f.host == host_name && &f.path == path && f.content.is_ok())
                .then(|| "the file matches what medic knows again".to_string())
        }
        Target::Host { .. } | Target::Check { .. } => None,
    }
}

fn ok<T>(section: &Section<T>) -> Option<&T> {
    match section {
        Section::Ok(value) => Some(value),
        _ => None,
    }
}

/// Whether a sweep shows the target of a `kind` incident healthy: looked at,
/// no finding of that kind, and — for a container with a health check — the
/// check already passing, not still starting. Gives the reason, like a
/// resolution. Verification after a fix uses this.
pub fn healthy_again(
    inventory: &Inventory,
    sweep: &Sweep,
    kind: FindingKind,
    target: &Target,
) -> Option<String> {
    let fingerprint = super::finding::fingerprint(kind, target);
    if super::findings::findings(inventory, sweep)
        .iter()
        .any(|f| f.fingerprint() == fingerprint)
    {
        return None;
    }
    if let Target::Container { host, name } = target {
        let snapshot = sweep.hosts.iter().find(|o| &o.host == host)?.snapshot()?;
        let container = ok(&snapshot.containers)?.iter().find(|c| &c.name == name)?;
        let running = container.state == crate::collect::probe::ContainerState::Running;
        let settled = !matches!(
            container.health,
            Some(
                crate::collect::probe::Health::Starting | crate::collect::probe::Health::Unhealthy
            )
        );
        if !(running && settled) {
            return None;
        }
    }
    resolution(inventory, sweep, target)
}
