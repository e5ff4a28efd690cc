//! Table tests of the circuit breakers: the per-target rate limit, the
//! consecutive-failure breaker and the global automatic failure rate.

use super::*;

#[test]
fn rate_limit() {
    check(vec![
        case(
            "3 automatic attempts in the last hour hold",
            World::new().tries(&[(10, Succeeded), (20, Succeeded), (30, Succeeded)]),
            Hold,
            "3 automatic fixes of `nas/container/app` in the last hour (limit 3)",
        ),
        case(
            "2 automatic attempts in the last hour run",
            World::new().tries(&[(10, Succeeded), (20, Succeeded)]),
            execute(),
            "runs `restart-app` automatically (low risk)",
        ),
        case(
            "an attempt 61 minutes ago is not counted",
            World::new().tries(&[(10, Succeeded), (20, Succeeded), (61, Succeeded)]),
            execute(),
            "runs `restart-app`",
        ),
        case(
            "an attempt exactly 60 minutes ago is outside the rolling hour",
            World::new().tries(&[(10, Succeeded), (20, Succeeded), (60, Succeeded)]),
            execute(),
            "runs `restart-app`",
        ),
        case(
            "an attempt 59 minutes ago is counted",
            World::new().tries(&[(10, Succeeded), (20, Succeeded), (59, Succeeded)]),
            Hold,
            "3 automatic fixes",
        ),
        case(
            "approved attempts do not count toward the automatic limit",
            World::new()
                .tried_by(10, Succeeded, ada())
                .tried_by(20, Succeeded, ada())
                .tried(30, Succeeded),
            execute(),
            "runs `restart-app`",
        ),
        case(
            "attempts on other targets do not count",
            World::new().history(3, 0),
            execute(),
            "runs `restart-app`",
        ),
        case(
            "a failed attempt counts toward the limit too",
            World::new().tries(&[(10, Succeeded), (20, Failed), (30, Succeeded)]),
            Hold,
            "3 automatic fixes",
        ),
        case(
            "an approved high-risk plan is not rate limited",
            World::new()
                .risk(Risk::High)
                .tries(&[(10, Succeeded), (20, Succeeded), (30, Succeeded)])
                .approval(3, approved(), 60, 600),
            execute_for_ada(),
            "approved by Ada in approval #3",
        ),
    ]);
}

#[test]
fn breaker() {
    let open = "2 consecutive fixes of `nas/container/app` failed; medic stops fixing it until it is healthy again or `medic reset nas/container/app`";
    check(vec![
        case(
            "2 consecutive failures escalate",
            World::new().tries(&[(200, Failed), (100, Failed)]),
            Escalate,
            open,
        ),
        case(
            "1 failure then a success runs",
            World::new().tries(&[(200, Failed), (100, Succeeded)]),
            execute(),
            "runs `restart-app`",
        ),
        case(
            "a success then 1 failure runs",
            World::new().tries(&[(200, Succeeded), (100, Failed)]),
            execute(),
            "runs `restart-app`",
        ),
        case(
            "2 failures after a success escalate, in any input order",
            World::new().tries(&[(100, Failed), (300, Succeeded), (200, Failed)]),
            Escalate,
            open,
        ),
        case(
            "an interrupted attempt counts as a failure",
            World::new().tries(&[(200, Failed), (100, Interrupted)]),
            Escalate,
            open,
        ),
        case(
            "old failures still count: the breaker has no time window",
            World::new().tries(&[(3000, Failed), (2000, Failed)]),
            Escalate,
            open,
        ),
        case(
            "a reset after the failures re-enables",
            World::new()
                .tries(&[(200, Failed), (100, Failed)])
                .reset(APP, 50),
            execute(),
            "runs `restart-app`",
        ),
        case(
            "a reset between the failures leaves one",
            World::new()
                .tried(200, Failed)
                .reset(APP, 150)
                .tried(100, Failed),
            execute(),
            "runs `restart-app`",
        ),
        case(
            "a reset before the failures does not",
            World::new()
                .reset(APP, 300)
                .tries(&[(200, Failed), (100, Failed)]),
            Escalate,
            open,
        ),
        case(
            "a reset of another target does not",
            World::new()
                .tries(&[(200, Failed), (100, Failed)])
                .reset("nas/container/db", 50),
            Escalate,
            open,
        ),
        case(
            "failed approved fixes count too",
            World::new().tried_by(200, Failed, ada()).tried(100, Failed),
            Escalate,
            open,
        ),
        case(
            "the breaker stops an approved high-risk plan",
            World::new()
                .risk(Risk::High)
                .tried_by(200, Failed, ada())
                .tried_by(100, Failed, ada())
                .approval(3, approved(), 60, 600),
            Escalate,
            open,
        ),
        case(
            "the breaker escalates even during a pause",
            World::new()
                .tries(&[(200, Failed), (100, Failed)])
                .pause(Some("Ada"), "maintenance"),
            Escalate,
            open,
        ),
    ]);
}

#[test]
fn failure_rate() {
    check(vec![
        case(
            "1 of 10 failed (10%) is not above the limit",
            World::new().history(10, 1),
            execute(),
            "runs `restart-app`",
        ),
        case(
            "2 of 10 failed (20%) pauses automatic fixes",
            World::new().history(10, 2),
            Hold,
            "automatic fixes paused: 2 of 10 automatic fixes in the last 24h failed (20%, limit 10%)",
        ),
        case(
            "3 of 12 failed, as in the design",
            World::new().history(12, 3),
            Hold,
            "automatic fixes paused: 3 of 12 automatic fixes in the last 24h failed (25%, limit 10%)",
        ),
        case(
            "9 attempts with 5 failures are below the minimum",
            World::new().history(9, 5),
            execute(),
            "runs `restart-app`",
        ),
        case(
            "failures older than the window are not counted",
            World::new()
                .history(10, 0)
                .tried_on("other/container/old", 25 * 60, Failed)
                .tried_on("other/container/old", 24 * 60, Failed),
            execute(),
            "runs `restart-app`",
        ),
        case(
            "approved attempts are not in the automatic failure rate",
            World::new()
                .history(10, 1)
                .tried_by(300, Failed, ada())
                .tried_by(200, Succeeded, ada()),
            execute(),
            "runs `restart-app`",
        ),
        case(
            "an approved high-risk plan still runs",
            World::new()
                .history(10, 5)
                .risk(Risk::High)
                .approval(3, approved(), 60, 600),
            execute_for_ada(),
            "runs `restart-app` (high risk), approved by Ada in approval #3",
        ),
        case(
            "a high-risk plan still asks for approval",
            World::new().history(10, 5).risk(Risk::High),
            RequestApproval,
            "approves it",
        ),
        case(
            "medium risk holds too",
            World::new().history(10, 5).risk(Risk::Medium),
            Hold,
            "automatic fixes paused: 5 of 10",
        ),
    ]);
}

#[test]
fn failure_rate_sets_plan_paused() {
    let plan = World::new().history(10, 2).plan();
    assert_eq!(
        plan.paused.as_deref(),
        Some(
            "automatic fixes paused: 2 of 10 automatic fixes in the last 24h failed (20%, limit 10%)"
        ),
        "2 of 10: plan.paused"
    );
    let plan = World::new().history(10, 1).plan();
    assert_eq!(plan.paused, None, "1 of 10: not paused");
    let plan = World::new().history(3, 1).plan();
    assert_eq!(plan.paused, None, "1 of 3 (33%): too few to pause");
}
