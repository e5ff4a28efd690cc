//! Table tests of what holds every fix for now: an emergency pause (even
//! approved ones, not the asking or escalating) and targets busy with a
//! recovered action.

use super::*;

#[test]
fn pause() {
    let pause = |world: World| world.pause(Some("Ada"), "upgrading the nas");
    check(vec![
        case(
            "pause holds a low-risk fix",
            pause(World::new()),
            Hold,
            "paused by Ada: upgrading the nas; no fix runs until the pause is lifted",
        ),
        case(
            "pause holds a medium-risk fix",
            pause(World::new().risk(Risk::Medium)),
            Hold,
            "paused by Ada",
        ),
        case(
            "pause holds an approved high-risk plan",
            pause(
                World::new()
                    .risk(Risk::High)
                    .approval(3, approved(), 60, 600),
            ),
            Hold,
            "paused by Ada: upgrading the nas; `restart-app`, approved by Ada in approval #3, runs once the pause is lifted (the approval expires 2025-06-01 22:00 UTC)",
        ),
        case(
            "pause with a tripped failure rate names the pause",
            pause(World::new().history(10, 5)),
            Hold,
            "paused by Ada",
        ),
        case(
            "a pause without author",
            World::new().pause(None, "PAUSE committed"),
            Hold,
            "paused: PAUSE committed; no fix runs",
        ),
        case(
            "pause still asks for approval of a high-risk plan (asking runs nothing)",
            pause(World::new().risk(Risk::High)),
            RequestApproval,
            "approves it",
        ),
        case(
            "pause still escalates a rejection",
            pause(World::new().risk(Risk::High).approval(
                3,
                ApprovalState::Rejected {
                    by: "Bob".to_string(),
                },
                60,
                600,
            )),
            Escalate,
            "rejected by Bob in approval #3",
        ),
    ]);
    let plan = pause(World::new().history(10, 5)).plan();
    assert_eq!(
        plan.paused.as_deref(),
        Some("paused by Ada: upgrading the nas"),
        "pause: plan.paused"
    );
    let plan = World::new().pause(None, "  ").plan();
    assert_eq!(
        plan.paused.as_deref(),
        Some("paused"),
        "blank reason: plan.paused"
    );
    let plan = World::new().plan();
    assert_eq!(plan.paused, None, "no pause: plan.paused");
}

#[test]
fn busy_targets() {
    check(vec![
        case(
            "a busy target holds",
            World::new().busy(APP),
            Hold,
            "an interrupted fix of `nas/container/app` was just recovered; medic does not act on it again in this run",
        ),
        case(
            "busy comes before the breaker",
            World::new()
                .busy(APP)
                .tries(&[(20, Interrupted), (10, Failed)]),
            Hold,
            "just recovered",
        ),
        case(
            "busy holds an approved high-risk plan",
            World::new()
                .busy(APP)
                .risk(Risk::High)
                .approval(3, approved(), 60, 600),
            Hold,
            "just recovered",
        ),
        case(
            "another busy target changes nothing",
            World::new().busy("nas/container/db"),
            execute(),
            "runs `restart-app`",
        ),
    ]);
    let plan = World::new()
        .incident(incident(2, "nas", "db"))
        .busy(APP)
        .plan();
    let verdicts: Vec<(i64, &str)> = plan
        .decisions
        .iter()
        .map(|d| (d.incident, d.verdict.as_str()))
        .collect();
    assert_eq!(
        verdicts,
        [(1, "hold"), (2, "execute")],
        "busy: only the busy target holds"
    );
}

#[test]
fn a_person_reverting_a_fix_holds_the_target() {
    check(vec![case(
        "a revert escalates instead of fixing again",
        World::new().held("ada reverted the fix of #3; medic leaves it alone until `medic reset`"),
        Escalate,
        "ada reverted the fix of #3",
    )]);
}
