//! Playbook selection for a decision: the library's own `select_for` (glob
//! conditions, conditions on the target, the most specific trigger wins,
//! playbooks needing parameters nobody supplies are never picked).

use std::collections::BTreeMap;

use crate::analyze::{FindingKind, Target};
use crate::config::playbook::{Playbook, select_for};

pub(super) fn select<'p>(
    playbooks: &'p [Playbook],
    kind: FindingKind,
    target: &Target,
    facts: &BTreeMap<String, String>,
) -> Option<&'p Playbook> {
    select_for(playbooks, kind, target, facts)
}
