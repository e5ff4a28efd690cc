//! What `decide` gives: a `Plan`, one `Decision` per open incident (which
//! playbook, at what effective risk, the verdict and a sentence saying why),
//! and whether automatic fixes are paused as a whole.

use std::collections::BTreeMap;

use serde::Serialize;

use super::input::Approver;
use crate::analyze::{FindingKind, Target};
use crate::config::playbook::Risk;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// One per incident, in incident id order.
    pub decisions: Vec<Decision>,
    /// Why all automatic fixes are off, if they are.
    pub paused: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub incident: i64,
    pub target: Target,
    pub kind: FindingKind,
    /// The selected playbook; None when nothing in the library remedies it.
    pub playbook: Option<String>,
    /// The effective risk (after policy raised it), with a playbook.
    pub risk: Option<Risk>,
    pub verdict: Verdict,
    /// One lowercase sentence a person reads in `medic plan` and reports.
    pub reason: String,
    /// Parameters for the playbook (from a diagnosis); empty otherwise.
    pub params: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "verdict")]
pub enum Verdict {
    /// Run the playbook now.
    Execute { approver: Approver },
    /// High risk, no approval yet: write a pending approval.
    RequestApproval,
    /// A pending approval that has not expired.
    AwaitApproval { approval: i64 },
    /// Not now (paused, rate limit, busy): not a failure, try again later.
    Hold,
    /// medic will not fix this: a person must.
    Escalate,
    /// Nothing in the library remedies this finding.
    NoPlaybook,
}

impl Verdict {
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Execute { .. } => "execute",
            Verdict::RequestApproval => "request_approval",
            Verdict::AwaitApproval { .. } => "await_approval",
            Verdict::Hold => "hold",
            Verdict::Escalate => "escalate",
            Verdict::NoPlaybook => "no_playbook",
        }
    }
}
