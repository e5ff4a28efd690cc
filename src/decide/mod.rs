//! Decide: takes the open incidents, the playbook library, the policy, the
//! history the guardrails weigh (past attempts, breaker resets, approvals
//! from Git, a pause, targets busy with a recovered action) and an injected
//! `now`; gives a `Plan`: one `Decision` per incident, in incident id order,
//! saying which playbook may run, at what effective risk, for whom, or why
//! not. Pure: no I/O, no clock.
//!
//! Per incident, in this order: select the playbook (none: no playbook);
//! effective risk (data tags block, critical tags raise); blocked escalates,
//! whatever was approved; a busy target holds; an open breaker (too many
//! consecutive failures) escalates; an emergency pause holds anything that
//! would run; a tripped failure rate and the per-target rate limit hold
//! automatic fixes; low and medium run automatically; high runs only with a
//! valid approval of this version of the playbook.

mod approval;
mod breakers;
pub mod input;
pub mod plan;
mod risk;
mod select;
#[cfg(test)]
mod tests;

pub use breakers::{
    AutomaticFailures, RATE_LIMIT_WINDOW, consecutive_failures, pause_reason,
    recent_automatic_attempts,
};
pub use input::{
    ApprovalState, ApprovalView, Approver, Attempt, AttemptOutcome, BreakerReset, DecideInput,
    Hold, IncidentView, Pause, Proposal,
};
pub use plan::{Decision, Plan, Verdict};

use crate::config::playbook::{Playbook, Risk};
use risk::EffectiveRisk;
use std::collections::BTreeMap;

/// What stops fixes for every incident in this run.
struct Stops {
    /// The emergency stop: nothing runs, approved or not.
    emergency: Option<String>,
    /// Too many automatic fixes failed recently: automatic fixes wait.
    failure_rate: Option<String>,
}

pub fn decide(input: &DecideInput<'_>) -> Plan {
    let policy = input.policy;
    let stops = Stops {
        emergency: input.pause.map(pause_reason),
        failure_rate: AutomaticFailures::recent(
            input.attempts,
            input.now,
            policy.failure_rate_window,
        )
        .pause_reason(policy),
    };
    let mut incidents: Vec<&IncidentView> = input.incidents.iter().collect();
    incidents.sort_by_key(|incident| incident.id);
    let decisions = incidents
        .into_iter()
        .map(|incident| decide_one(input, &stops, incident))
        .collect();
    Plan {
        decisions,
        paused: stops.emergency.or(stops.failure_rate),
    }
}

fn decide_one(input: &DecideInput<'_>, stops: &Stops, incident: &IncidentView) -> Decision {
    let no_playbook = Decision {
        incident: incident.id,
        target: incident.target.clone(),
        kind: incident.kind,
        playbook: None,
        risk: None,
        verdict: Verdict::NoPlaybook,
        reason: format!(
            "no playbook in the library remedies a `{}` finding",
            incident.kind.title()
        ),
        params: BTreeMap::new(),
    };
    let proposed = incident.proposal.as_ref().and_then(|p| {
        let playbook = input.playbooks.iter().find(|pb| pb.name == p.playbook)?;
        playbook
            .triggers
            .iter()
            .any(|t| {
                t.accepts(
                    incident.kind,
                    &crate::config::playbook::subject_facts(&incident.target, &incident.facts),
                )
            })
            .then_some((playbook, p))
    });
    let selected = match proposed {
        Some((playbook, _)) => Some(playbook),
        None => select::select(
            input.playbooks,
            incident.kind,
            &incident.target,
            &incident.facts,
        ),
    };
    let Some(playbook) = selected else {
        return no_playbook;
    };
    let risk = risk::effective_risk(
        playbook,
        &incident.target,
        &incident.host_tags,
        input.policy,
    );
    let (verdict, reason) = judge(input, stops, incident, playbook, &risk);
    let (reason, params) = match proposed {
        Some((_, proposal)) => (
            format!("diagnosed: {}; {reason}", proposal.cause),
            proposal.params.clone(),
        ),
        None => (reason, BTreeMap::new()),
    };
    Decision {
        playbook: Some(playbook.name.clone()),
        risk: Some(risk.level),
        verdict,
        reason,
        params,
        ..no_playbook
    }
}

/// Rules 3 to 10 for an incident with a playbook.
fn judge(
    input: &DecideInput<'_>,
    stops: &Stops,
    incident: &IncidentView,
    playbook: &Playbook,
    risk: &EffectiveRisk,
) -> (Verdict, String) {
    let policy = input.policy;
    let key = incident.target.key();
    if let Some(reason) = risk.blocked_reason() {
        return (Verdict::Escalate, reason);
    }
    if let Some(hold) = input.holds.iter().find(|h| h.target_key == key) {
        return (Verdict::Escalate, hold.reason.clone());
    }
    if input.flapping.contains(&key) {
        return (
            Verdict::Escalate,
            format!(
                "`{key}` is flapping ({} or more state changes within {}); medic stops fixing it until it settles",
                policy.flapping_changes,
                humantime::format_duration(policy.flapping_window)
            ),
        );
    }
    if input.busy_targets.contains(&key) {
        return (
            Verdict::Hold,
            format!(
                "an interrupted fix of `{key}` was just recovered; medic does not act on it again in this run"
            ),
        );
    }
    let failures = consecutive_failures(&key, input.attempts, input.resets);
    if failures >= policy.max_consecutive_failures {
        return (
            Verdict::Escalate,
            format!(
                "{failures} consecutive fixes of `{key}` failed; medic stops fixing it until it is healthy again or `medic reset {key}`"
            ),
        );
    }
    let label = risk.label();
    if risk.level >= Risk::High {
        return approval::consult(
            input.approvals,
            incident.id,
            playbook,
            &label,
            stops.emergency.as_deref(),
            input.now,
        );
    }
    if let Some(pause) = &stops.emergency {
        return (
            Verdict::Hold,
            format!("{pause}; no fix runs until the pause is lifted"),
        );
    }
    if let Some(pause) = &stops.failure_rate {
        return (Verdict::Hold, pause.clone());
    }
    let recent = recent_automatic_attempts(&key, input.attempts, input.now);
    if recent >= policy.max_attempts_per_hour {
        return (
            Verdict::Hold,
            format!(
                "{recent} automatic fixes of `{key}` in the last hour (limit {})",
                policy.max_attempts_per_hour
            ),
        );
    }
    let changes_files = playbook.steps.iter().any(|s| {
        matches!(
            s,
            crate::config::playbook::Step::Backup { .. }
                | crate::config::playbook::Step::Write { .. }
                | crate::config::playbook::Step::Edit { .. }
        )
    });
    let backup = if risk.level >= Risk::Medium && changes_files {
        "; files are backed up first"
    } else {
        ""
    };
    (
        Verdict::Execute {
            approver: Approver::Automatic,
        },
        format!("runs `{}` automatically ({label}){backup}", playbook.name),
    )
}
