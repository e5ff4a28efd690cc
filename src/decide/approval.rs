//! Approval of a high-risk plan: takes the approvals read from Git, the
//! incident, the selected playbook and `now`; gives what the newest approval
//! for that (incident, playbook) means — run it for the approver, ask (again),
//! wait, or escalate — with the sentence that says why. An emergency pause
//! holds even an approved plan (a tripped failure rate does not: a person
//! decided, and the rate limit counts automatic fixes only).

use jiff::Timestamp;

use super::input::{ApprovalState, ApprovalView, Approver};
use super::plan::Verdict;
use crate::config::playbook::Playbook;

/// The verdict the approvals allow; `risk` is the effective risk's label
/// ("high risk"), `pause` the emergency pause's sentence if there is one.
pub(super) fn consult(
    approvals: &[ApprovalView],
    incident: i64,
    playbook: &Playbook,
    risk: &str,
    pause: Option<&str>,
    now: Timestamp,
) -> (Verdict, String) {
    let newest = approvals
        .iter()
        .filter(|a| a.incident == incident && a.playbook == playbook.name)
        .max_by_key(|a| (a.requested_at, a.id));
    let Some(approval) = newest else {
        return (
            Verdict::RequestApproval,
            format!(
                "`{}` is {risk}: it runs only after a person approves it",
                playbook.name
            ),
        );
    };
    let id = approval.id;
    let expired = approval.expires_at <= now;
    match &approval.state {
        ApprovalState::Rejected { by } => (
            Verdict::Escalate,
            format!("rejected by {by} in approval #{id}"),
        ),
        ApprovalState::Executed { .. } => (
            Verdict::Escalate,
            format!("the approved fix (approval #{id}) already ran and the incident persists"),
        ),
        ApprovalState::Pending if expired => (
            Verdict::Escalate,
            format!("approval #{id} expired unanswered"),
        ),
        ApprovalState::Pending => (
            Verdict::AwaitApproval { approval: id },
            format!(
                "waiting for approval #{id} of `{}` ({risk}; expires {})",
                playbook.name,
                when(approval.expires_at)
            ),
        ),
        ApprovalState::Approved { by } if expired => (
            Verdict::Escalate,
            format!("approval #{id} by {by} expired before the fix could run"),
        ),
        ApprovalState::Approved { .. } if approval.playbook_digest != playbook.digest() => (
            Verdict::RequestApproval,
            format!(
                "playbook `{}` changed since approval #{id}; approval needed again",
                playbook.name
            ),
        ),
        ApprovalState::Approved { by } => match pause {
            Some(pause) => (
                Verdict::Hold,
                format!(
                    "{pause}; `{}`, approved by {by} in approval #{id}, runs once the pause is lifted (the approval expires {})",
                    playbook.name,
                    when(approval.expires_at)
                ),
            ),
            None => (
                Verdict::Execute {
                    approver: Approver::Person(by.clone()),
                },
                format!(
                    "runs `{}` ({risk}), approved by {by} in approval #{id}",
                    playbook.name
                ),
            ),
        },
    }
}

/// `2026-11-28 23:22 UTC`: minutes are precise enough for a person.
fn when(at: jiff::Timestamp) -> String {
    at.strftime("%Y-%m-%d %H:%M UTC").to_string()
}
