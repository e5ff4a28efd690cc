//! Table tests of the pub helpers the CLI prints: consecutive failures,
//! recent automatic attempts, the automatic failure rate and its sentence.

use super::*;

#[test]
fn helpers() {
    let at = |minutes, outcome, approver| attempt(APP, ago(minutes), outcome, approver);
    let reset = |minutes| BreakerReset {
        target_key: APP.to_string(),
        at: ago(minutes),
    };
    let auto = Approver::Automatic;
    let cases: Vec<(&str, Vec<Attempt>, Vec<BreakerReset>, u32)> = vec![
        ("nothing", vec![], vec![], 0),
        ("one failure", vec![at(10, Failed, auto.clone())], vec![], 1),
        (
            "three failures, one interrupted",
            vec![
                at(30, Failed, auto.clone()),
                at(20, Interrupted, auto.clone()),
                at(10, Failed, ada()),
            ],
            vec![],
            3,
        ),
        (
            "failures before a success",
            vec![
                at(30, Failed, auto.clone()),
                at(20, Failed, auto.clone()),
                at(10, Succeeded, auto.clone()),
            ],
            vec![],
            0,
        ),
        (
            "a failure at the instant of a reset is before it",
            vec![at(10, Failed, auto.clone())],
            vec![reset(10)],
            0,
        ),
        (
            "the latest reset counts",
            vec![
                at(30, Failed, auto.clone()),
                at(20, Failed, auto.clone()),
                at(10, Failed, auto.clone()),
            ],
            vec![reset(25), reset(40)],
            2,
        ),
        (
            "other targets do not count",
            vec![attempt("nas/container/db", ago(10), Failed, auto.clone())],
            vec![],
            0,
        ),
    ];
    for (name, attempts, resets, expected) in cases {
        assert_eq!(
            consecutive_failures(APP, &attempts, &resets),
            expected,
            "consecutive_failures: {name}"
        );
    }

    let attempts = vec![
        at(10, Succeeded, auto.clone()),
        at(59, Failed, auto.clone()),
        at(60, Succeeded, auto.clone()),
        at(5, Succeeded, ada()),
        attempt("nas/container/db", ago(5), Succeeded, auto.clone()),
    ];
    assert_eq!(
        recent_automatic_attempts(APP, &attempts, now()),
        2,
        "recent_automatic_attempts: only automatic, on the target, in the hour"
    );
    assert_eq!(
        recent_automatic_attempts("pi", &attempts, now()),
        0,
        "recent_automatic_attempts: unknown target"
    );

    let rate = AutomaticFailures::recent(&attempts, now(), Duration::from_secs(24 * 3600));
    assert_eq!(
        rate,
        AutomaticFailures {
            attempts: 4,
            failed: 1
        },
        "AutomaticFailures: automatic ones in the window"
    );
    assert_eq!(rate.percent(), 25.0, "AutomaticFailures: percent");
    let none = AutomaticFailures {
        attempts: 0,
        failed: 0,
    };
    assert_eq!(none.percent(), 0.0, "AutomaticFailures: no attempts");
    let policy = Policy {
        failure_rate_min_attempts: 0,
        ..Policy::default()
    };
    assert!(
        !none.trips(&policy),
        "AutomaticFailures: nothing never trips"
    );
    let third = AutomaticFailures {
        attempts: 30,
        failed: 10,
    };
    assert_eq!(
        third.pause_reason(&Policy::default()).as_deref(),
        Some(
            "automatic fixes paused: 10 of 30 automatic fixes in the last 24h failed (33.3%, limit 10%)"
        ),
        "AutomaticFailures: a share that is not whole"
    );
    let short = Policy {
        failure_rate_window: Duration::from_secs(90 * 60),
        ..Policy::default()
    };
    assert!(
        third
            .pause_reason(&short)
            .is_some_and(|r| r.contains("in the last 90m failed")),
        "AutomaticFailures: a window in minutes"
    );
}
