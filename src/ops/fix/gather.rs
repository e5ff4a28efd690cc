//! What `decide` reads, gathered from the database and from Git: open
//! incidents with their diagnoses, recent attempts, breaker resets,
//! committed approvals and PAUSE. `run` and `plan` build it the same way.

use jiff::{SignedDuration, Timestamp};
use rusqlite::Connection;

use crate::analyze::FindingKind;
use crate::config::Inventory;
use crate::config::playbook::Playbook;
use crate::config::policy::Policy;
use crate::decide::{
    ApprovalState, ApprovalView, Approver, Attempt, AttemptOutcome, BreakerReset, DecideInput,
    Hold, IncidentView, Pause,
};
use crate::record::{CommittedApproval, OpsRepo, committed_approvals, committed_pause};
use crate::store::{self, IncidentRecord};

/// How far back attempts are read for the breakers.
const ATTEMPT_HISTORY: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);

/// Everything `decide` reads, owned, so `plan` and `run` build it the same way.
pub struct Gathered {
    pub incidents: Vec<IncidentView>,
    pub records: Vec<IncidentRecord>,
    pub attempts: Vec<Attempt>,
    pub resets: Vec<BreakerReset>,
    pub approvals: Vec<ApprovalView>,
    pub committed_approvals: Vec<CommittedApproval>,
    pub pause: Option<Pause>,
    pub busy: Vec<String>,
    pub holds: Vec<Hold>,
    /// Target keys flapping in this sweep (correlation says so).
    pub flapping: Vec<String>,
}

impl Gathered {
    pub fn input<'a>(
        &'a self,
        now: Timestamp,
        playbooks: &'a [Playbook],
        policy: &'a Policy,
    ) -> DecideInput<'a> {
        DecideInput {
            now,
            incidents: &self.incidents,
            playbooks,
            policy,
            attempts: &self.attempts,
            resets: &self.resets,
            approvals: &self.approvals,
            pause: self.pause.as_ref(),
            busy_targets: &self.busy,
            holds: &self.holds,
            flapping: &self.flapping,
        }
    }
}

pub fn gather(
    db: &Connection,
    repo: &OpsRepo,
    inventory: &Inventory,
    policy: &Policy,
    now: Timestamp,
) -> anyhow::Result<Gathered> {
    let records = store::incidents(db, false)?;
    let mut records: Vec<IncidentRecord> = records;
    records.sort_by_key(|i| i.id);
    let incidents = records
        .iter()
        .filter_map(|i| {
            let kind = FindingKind::parse(&i.kind)?;
            let host_tags = i
                .target
                .host()
                .and_then(|h| inventory.host(h))
                .map(|h| h.tags.clone())
                .unwrap_or_default();
            Some(IncidentView {
                id: i.id,
                fingerprint: i.fingerprint.clone(),
                kind,
                target: i.target.clone(),
                facts: i.facts.clone(),
                host_tags,
                proposal: i.diagnosis.as_ref().and_then(|d| {
                    Some(crate::decide::Proposal {
                        playbook: d.playbook.clone()?,
                        params: d.params.clone(),
                        cause: d.cause.clone(),
                    })
                }),
            })
        })
        .collect();
    // Breakers have no time window (open until healthy or reset), so look
    // back well past the failure-rate window.
    let window = SignedDuration::try_from(policy.failure_rate_window.max(ATTEMPT_HISTORY))
        .unwrap_or(SignedDuration::from_hours(24 * 30));
    let since = now.checked_sub(window).unwrap_or(now);
    let mut busy = Vec::new();
    let attempts = store::actions_since(db, since)?
        .into_iter()
        .filter_map(|a| {
            let outcome = match a.status.as_str() {
                "succeeded" => AttemptOutcome::Succeeded,
                "failed" => AttemptOutcome::Failed,
                "interrupted" => AttemptOutcome::Interrupted,
                _ => {
                    busy.push(a.target_key.clone());
                    return None;
                }
            };
            let approver = if a.is_automatic() {
                Approver::Automatic
            } else {
                Approver::Person(a.approver.clone())
            };
            Some(Attempt {
                incident: a.incident,
                target_key: a.target_key,
                playbook: a.playbook,
                at: a.started_at,
                outcome,
                approver,
            })
        })
        .collect();
    let resets = store::resets(db)?
        .into_iter()
        .map(|(target_key, at)| BreakerReset { target_key, at })
        .collect();
    let committed = committed_approvals(repo)?;
    let approvals = committed
        .iter()
        .map(|c| ApprovalView {
            id: c.file.id,
            incident: c.file.incident,
            playbook: c.file.playbook.clone(),
            playbook_digest: c.file.playbook_digest.clone(),
            state: approval_state(c),
            requested_at: c.file.requested_at,
            expires_at: c.file.expires_at,
        })
        .collect();
    let pause = committed_pause(repo)?.map(|p| Pause {
        reason: p.reason,
        by: p.by,
    });
    Ok(Gathered {
        incidents,
        records,
        attempts,
        resets,
        approvals,
        committed_approvals: committed,
        pause,
        busy,
        holds: crate::ops::files::holds(db)?,
        flapping: Vec::new(),
    })
}

/// A status a person set counts only with a person as its author: a
/// commit by medic itself never approves anything.
fn approval_state(c: &CommittedApproval) -> ApprovalState {
    match (c.file.status.as_str(), &c.decided_by) {
        ("approved", Some(by)) => ApprovalState::Approved { by: by.clone() },
        ("rejected", Some(by)) => ApprovalState::Rejected { by: by.clone() },
        ("rejected", None) => ApprovalState::Rejected {
            by: "unknown".into(),
        },
        ("executed", _) => ApprovalState::Executed {
            by: c
                .file
                .approved_by
                .clone()
                .or_else(|| c.decided_by.clone())
                .unwrap_or_default(),
        },
        _ => ApprovalState::Pending,
    }
}
