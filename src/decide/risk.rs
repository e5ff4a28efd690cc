//! Effective risk: takes the selected playbook, the incident's target and
//! host tags, and the policy; gives the risk the plan runs at and why it
//! differs from the playbook's own. Production data blocks; a critical tier
//! raises one level (so high on a critical host is blocked).

use std::collections::BTreeSet;

use crate::analyze::Target;
use crate::config::playbook::{Playbook, Risk};
use crate::config::policy::Policy;

#[derive(Debug, Clone, PartialEq)]
pub(super) struct EffectiveRisk {
    pub level: Risk,
    /// The playbook's own risk, when policy raised it (not blocked).
    pub raised_from: Option<Risk>,
    /// Why the level is not the playbook's own: "host `db` is tagged `critical`".
    pub because: Option<String>,
}

impl EffectiveRisk {
    /// "medium risk" or "medium risk, raised from low because host `nas` is tagged `critical`".
    pub fn label(&self) -> String {
        match (self.raised_from, &self.because) {
            (Some(from), Some(because)) => {
                format!("{} risk, raised from {from} because {because}", self.level)
            }
            _ => format!("{} risk", self.level),
        }
    }

    /// The escalation sentence when the plan is blocked.
    pub fn blocked_reason(&self) -> Option<String> {
        (self.level == Risk::Blocked).then(|| match &self.because {
            Some(because) => format!("blocked: {because}"),
            None => "blocked".to_string(),
        })
    }
}

pub(super) fn effective_risk(
    playbook: &Playbook,
    target: &Target,
    host_tags: &BTreeSet<String>,
    policy: &Policy,
) -> EffectiveRisk {
    let host = host_phrase(target);
    if let Some(tag) = host_tags.intersection(&policy.data_tags).next() {
        return blocked(format!("{host} is tagged `{tag}`"));
    }
    if playbook.risk == Risk::Blocked {
        return blocked(format!("playbook `{}` is marked blocked", playbook.name));
    }
    // The plan's source joins here when plans can come from an LLM: its
    // proposals are at least medium, i.e. `playbook.risk.max(source.floor())`.
    let base = playbook.risk;
    let Some(tag) = host_tags.intersection(&policy.critical_tags).next() else {
        return EffectiveRisk {
            level: base,
            raised_from: None,
            because: None,
        };
    };
    let level = base.raised();
    if level == Risk::Blocked {
        return blocked(format!(
            "playbook `{}` is {base} risk and {host} is tagged `{tag}`",
            playbook.name
        ));
    }
    EffectiveRisk {
        level,
        raised_from: Some(base),
        because: Some(format!("{host} is tagged `{tag}`")),
    }
}

fn blocked(because: String) -> EffectiveRisk {
    EffectiveRisk {
        level: Risk::Blocked,
        raised_from: None,
        because: Some(because),
    }
}

/// "host `nas`", or "target `check/books`" for targets not on one host.
fn host_phrase(target: &Target) -> String {
    match target.host() {
        Some(host) => format!("host `{host}`"),
        None => format!("target `{}`", target.key()),
    }
}
