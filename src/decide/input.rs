//! What `decide` takes: the open incidents, the playbook library, the policy,
//! and the history and controls the guardrails weigh (past attempts, breaker
//! resets, approvals from Git, a pause, targets busy with a recovered action).
//! Plain data, borrowed for one run; `now` is injected so the stage stays pure.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::analyze::{FindingKind, Target};
use crate::config::playbook::Playbook;
use crate::config::policy::Policy;

/// Everything one decision pass looks at. (A `source` of the plan — the
/// library or an LLM proposal, which is at least medium risk — will join
/// these when diagnosis can propose plans; see `risk::effective_risk`.)
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DecideInput<'a> {
    pub now: Timestamp,
    /// The open incidents after this run's analysis.
    pub incidents: &'a [IncidentView],
    pub playbooks: &'a [Playbook],
    pub policy: &'a Policy,
    /// Past fix attempts on all targets, in any order.
    pub attempts: &'a [Attempt],
    /// `medic reset TARGET`, and every time a target was healthy again.
    pub resets: &'a [BreakerReset],
    /// Approvals read from the Git repository.
    pub approvals: &'a [ApprovalView],
    /// `medic pause` or a committed `PAUSE` file.
    pub pause: Option<&'a Pause>,
    /// Target keys whose interrupted action was just recovered this run.
    pub busy_targets: &'a [String],
    /// Targets a person told medic to keep its hands off (by reverting one of
    /// its fixes), until `medic reset`.
    pub holds: &'a [Hold],
    /// Targets whose state keeps changing: medic stops fixing them and escalates.
    pub flapping: &'a [String],
}

/// What deciding needs to know of one open incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentView {
    pub id: i64,
    pub fingerprint: String,
    pub kind: FindingKind,
    pub target: Target,
    /// The finding's facts, which playbook triggers match on.
    pub facts: BTreeMap<String, String>,
    /// The tags of the target's host (policy's critical and data tags).
    pub host_tags: BTreeSet<String>,
    /// The fix a diagnosis proposes; it wins over trigger matching when the
    /// playbook exists and accepts this finding.
    pub proposal: Option<Proposal>,
}

/// A diagnosis's fix: which playbook, with which parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub playbook: String,
    pub params: BTreeMap<String, String>,
    /// The diagnosis's cause, for the decision's reason.
    pub cause: String,
}

/// One past run of a playbook against a target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub incident: i64,
    pub target_key: String,
    pub playbook: String,
    pub at: Timestamp,
    pub outcome: AttemptOutcome,
    pub approver: Approver,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptOutcome {
    Succeeded,
    Failed,
    /// medic stopped mid-action (crash, timeout of the whole run); counts as failed.
    Interrupted,
}

impl AttemptOutcome {
    /// Failed or interrupted.
    pub fn failed(self) -> bool {
        !matches!(self, AttemptOutcome::Succeeded)
    }
}

/// Who let a fix run: the policy (automatic) or a person's approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Approver {
    Automatic,
    Person(String),
}

impl Approver {
    pub fn is_automatic(&self) -> bool {
        matches!(self, Approver::Automatic)
    }
}

/// The breaker of a target closes again: a person reset it, or the target
/// was healthy again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakerReset {
    pub target_key: String,
    pub at: Timestamp,
}

/// An approval as read from the Git repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalView {
    pub id: i64,
    pub incident: i64,
    pub playbook: String,
    /// `Playbook::digest()` of the version the approval was requested for.
    pub playbook_digest: String,
    pub state: ApprovalState,
    pub requested_at: Timestamp,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum ApprovalState {
    Pending,
    Approved {
        by: String,
    },
    Rejected {
        by: String,
    },
    /// Approved, and medic ran the fix.
    Executed {
        by: String,
    },
}

/// The emergency stop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub reason: String,
    pub by: Option<String>,
}

/// A person's "not again": medic escalates instead of fixing this target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    pub target_key: String,
    /// Said in plans and reports, e.g. who reverted which fix.
    pub reason: String,
}
