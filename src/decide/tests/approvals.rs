//! Table tests of effective risk and approvals: data tags and blocked
//! playbooks escalate, critical tags raise, high risk runs only approved.

use super::*;

#[test]
fn blocked() {
    check(vec![
        case(
            "a data tag blocks even with a valid approval",
            World::new()
                .risk(Risk::High)
                .tags(&["production-data"])
                .approval(3, approved(), 60, 600),
            Escalate,
            "blocked: host `nas` is tagged `production-data`",
        ),
        case(
            "a data tag blocks a low-risk playbook",
            World::new().tags(&["production-data", "critical"]),
            Escalate,
            "blocked: host `nas` is tagged `production-data`",
        ),
        case(
            "a blocked playbook escalates",
            World::new().risk(Risk::Blocked),
            Escalate,
            "blocked: playbook `restart-app` is marked blocked",
        ),
        case(
            "a blocked playbook escalates even with a valid approval",
            World::new()
                .risk(Risk::Blocked)
                .approval(3, approved(), 60, 600),
            Escalate,
            "blocked: playbook `restart-app` is marked blocked",
        ),
        case(
            "high risk on a critical host is blocked",
            World::new().risk(Risk::High).tags(&["critical"]),
            Escalate,
            "blocked: playbook `restart-app` is high risk and host `nas` is tagged `critical`",
        ),
        case(
            "blocked comes before busy",
            World::new().tags(&["production-data"]).busy(APP),
            Escalate,
            "blocked: host `nas`",
        ),
    ]);
}

#[test]
fn critical_tags_raise_the_risk() {
    check(vec![
        case(
            "low on a critical host runs as medium, backed up",
            World::new().tags(&["critical"]),
            execute(),
            "runs `restart-app` automatically (medium risk, raised from low because host `nas` is tagged `critical`)",
        ),
        case(
            "medium on a critical host needs approval",
            World::new().risk(Risk::Medium).tags(&["critical"]),
            RequestApproval,
            "`restart-app` is high risk, raised from medium because host `nas` is tagged `critical`: it runs only after a person approves it",
        ),
        case(
            "medium on a critical host with approval runs",
            World::new()
                .risk(Risk::Medium)
                .tags(&["critical"])
                .approval(3, approved(), 60, 600),
            execute_for_ada(),
            "approved by Ada in approval #3",
        ),
        case(
            "other tags change nothing",
            World::new().tags(&["media", "nas"]),
            execute(),
            "runs `restart-app` automatically (low risk)",
        ),
        case(
            "plain medium that changes files runs after a backup",
            World::new().risk(Risk::Medium).edits_files(),
            execute(),
            "runs `restart-app` automatically (medium risk); files are backed up first",
        ),
        case(
            "plain medium without files says nothing of backups",
            World::new().risk(Risk::Medium),
            execute(),
            "runs `restart-app` automatically (medium risk)",
        ),
    ]);
    let decision = |world: World| world.plan().decisions[0].risk;
    assert_eq!(
        decision(World::new().tags(&["critical"])),
        Some(Risk::Medium),
        "low+critical: effective risk"
    );
    assert_eq!(
        decision(World::new().risk(Risk::Medium).tags(&["critical"])),
        Some(Risk::High),
        "medium+critical: effective risk"
    );
    assert_eq!(
        decision(World::new().risk(Risk::High).tags(&["critical"])),
        Some(Risk::Blocked),
        "high+critical: effective risk"
    );
    assert_eq!(
        decision(World::new().tags(&["production-data"])),
        Some(Risk::Blocked),
        "low+data: effective risk"
    );
}

#[test]
fn approvals() {
    let high = || World::new().risk(Risk::High);
    let rejected = ApprovalState::Rejected {
        by: "Ada".to_string(),
    };
    let executed = ApprovalState::Executed {
        by: "Ada".to_string(),
    };
    check(vec![
        case(
            "no approval: request one",
            high(),
            RequestApproval,
            "`restart-app` is high risk: it runs only after a person approves it",
        ),
        case(
            "approved and valid: run for the approver",
            high().approval(3, approved(), 60, 600),
            execute_for_ada(),
            "runs `restart-app` (high risk), approved by Ada in approval #3",
        ),
        case(
            "rejected: escalate",
            high().approval(3, rejected.clone(), 60, 600),
            Escalate,
            "rejected by Ada in approval #3",
        ),
        case(
            "executed: escalate",
            high().approval(3, executed, 60, 600),
            Escalate,
            "the approved fix (approval #3) already ran and the incident persists",
        ),
        case(
            "pending and valid: wait",
            high().approval(3, ApprovalState::Pending, 60, 600),
            Verdict::AwaitApproval { approval: 3 },
            "waiting for approval #3 of `restart-app` (high risk; expires 2025-06-01 22:00 UTC)",
        ),
        case(
            "pending and expired: escalate",
            high().approval(3, ApprovalState::Pending, 25 * 60, -60),
            Escalate,
            "approval #3 expired unanswered",
        ),
        case(
            "pending expiring exactly now: expired",
            high().approval(3, ApprovalState::Pending, 24 * 60, 0),
            Escalate,
            "approval #3 expired unanswered",
        ),
        case(
            "approved but expired: escalate",
            high().approval(3, approved(), 25 * 60, -1),
            Escalate,
            "approval #3 by Ada expired before the fix could run",
        ),
        case(
            "approved for another version of the playbook: ask again",
            high().stale_approval(3, approved()),
            RequestApproval,
            "playbook `restart-app` changed since approval #3; approval needed again",
        ),
        case(
            "newest first: an approval after a rejection runs",
            high()
                .approval(2, rejected.clone(), 120, 600)
                .approval(3, approved(), 60, 600),
            execute_for_ada(),
            "approval #3",
        ),
        case(
            "newest first: a pending request after a stale approval waits",
            high()
                .stale_approval(2, approved())
                .approval(3, ApprovalState::Pending, 30, 600),
            Verdict::AwaitApproval { approval: 3 },
            "waiting for approval #3",
        ),
        case(
            "newest first: a rejection after an approval escalates",
            high()
                .approval(2, approved(), 120, 600)
                .approval(3, rejected, 60, 600),
            Escalate,
            "rejected by Ada in approval #3",
        ),
        case(
            "approvals of another incident do not count",
            high().approval_of(approval(3, 2, RESTART, approved(), 60, 600)),
            RequestApproval,
            "runs only after a person approves it",
        ),
        case(
            "approvals of another playbook do not count",
            high().approval_of(approval(3, 1, "other-fix", approved(), 60, 600)),
            RequestApproval,
            "runs only after a person approves it",
        ),
        case(
            "an approval does not lift a low-risk plan's rate limit",
            World::new()
                .tries(&[(10, Succeeded), (20, Succeeded), (30, Succeeded)])
                .approval(3, approved(), 60, 600),
            Hold,
            "3 automatic fixes",
        ),
    ]);
}
