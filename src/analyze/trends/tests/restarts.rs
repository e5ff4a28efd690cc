//! `restarts`: a burst fires at `restart_min_count` and at `restart_factor`
//! times the baseline, not one restart before; counter resets count; the
//! first sample is never a burst; the clock moves the windows.

use super::*;

/// A counter sampled every minute over the last 26 hours: `base` plus the
/// restarts at or before each sample.
fn counter(base: f64, restarts_at: &[i64]) -> Vec<Point> {
    series(NOW - 26 * HOUR, NOW, MINUTE, |at| {
        base + restarts_at.iter().filter(|&&r| r <= at).count() as f64
    })
}

/// `count` restarts evenly spread over `(from, to]`.
fn spread(count: i64, from: i64, to: i64) -> Vec<i64> {
    (1..=count)
        .map(|i| from + (to - from) * i / count)
        .collect()
}

fn both(a: Vec<i64>, b: Vec<i64>) -> Vec<i64> {
    a.into_iter().chain(b).collect()
}

#[test]
fn a_burst_fires_at_the_count_and_the_factor_and_not_one_before() {
    let recent = |n| spread(n, NOW - HOUR + MINUTE, NOW);
    // 240 restarts in the 24h before the last hour: 10 per hour.
    let busy_day = || spread(240, NOW - 25 * HOUR + MINUTE, NOW - HOUR);
    let cases: &[(&str, Vec<i64>, bool)] = &[
        ("first burst, no history: 3 restarts", recent(3), true),
        ("first burst, no history: 2 restarts", recent(2), false),
        (
            "quiet day (2 in 24h), 3 in the last hour",
            both(spread(2, NOW - 20 * HOUR, NOW - 10 * HOUR), recent(3)),
            true,
        ),
        (
            "10/h baseline, 30 in the last hour (3.0x)",
            both(busy_day(), recent(30)),
            true,
        ),
        (
            "10/h baseline, 29 in the last hour (2.9x)",
            both(busy_day(), recent(29)),
            false,
        ),
        ("nothing at all", vec![], false),
    ];
    for (name, restarts_at, fires) in cases {
        let signal = restarts(&counter(0.0, restarts_at), NOW, &policy());
        assert_eq!(signal.is_some(), *fires, "{name}");
        if let Some(signal) = signal {
            assert_eq!(signal.level, Level::Warning, "{name}: level");
            assert_eq!(signal.predicted_at, None, "{name}: predicted_at");
        }
    }
}

#[test]
fn the_summary_names_the_counts() {
    let first = restarts(
        &counter(0.0, &spread(3, NOW - HOUR + MINUTE, NOW)),
        NOW,
        &policy(),
    )
    .expect("a first burst");
    assert_eq!(
        first.summary,
        "restarted 3 times in the last hour, with none in the 24h before"
    );
    let busy = both(
        spread(24, NOW - 25 * HOUR + MINUTE, NOW - HOUR),
        spread(6, NOW - HOUR + MINUTE, NOW),
    );
    let signal = restarts(&counter(0.0, &busy), NOW, &policy()).expect("6x");
    assert_eq!(
        signal.summary,
        "restarted 6 times in the last hour, 6.0x the rate of the 24h before (1.00 per hour)"
    );
    assert_eq!(signal.evidence["baseline_restarts"], "24", "baseline count");
}

#[test]
fn counter_resets_and_the_first_sample() {
    let policy = policy();
    let at = |ago: i64| NOW - ago;
    let cases: &[(&str, Vec<Point>, bool)] = &[
        (
            "recreated (50 -> 0), then 3 restarts",
            vec![
                Point::new(at(50 * MINUTE), 50.0),
                Point::new(at(40 * MINUTE), 0.0),
                Point::new(at(30 * MINUTE), 1.0),
                Point::new(at(20 * MINUTE), 2.0),
                Point::new(at(10 * MINUTE), 3.0),
            ],
            true,
        ),
        (
            "recreated (50 -> 2): 2 since, then 1 more",
            vec![
                Point::new(at(50 * MINUTE), 50.0),
                Point::new(at(40 * MINUTE), 2.0),
                Point::new(at(10 * MINUTE), 3.0),
            ],
            true,
        ),
        (
            "recreated (50 -> 0) and 2 restarts: not 50",
            vec![
                Point::new(at(50 * MINUTE), 50.0),
                Point::new(at(40 * MINUTE), 0.0),
                Point::new(at(10 * MINUTE), 2.0),
            ],
            false,
        ),
        (
            "first sample already at 40",
            vec![
                Point::new(at(50 * MINUTE), 40.0),
                Point::new(at(10 * MINUTE), 40.0),
            ],
            false,
        ),
        ("a single sample", vec![Point::new(at(MINUTE), 7.0)], false),
    ];
    for (name, points, fires) in cases {
        assert_eq!(restarts(points, NOW, &policy).is_some(), *fires, "{name}");
    }
}

#[test]
fn the_window_edge_and_the_injected_clock() {
    let policy = policy();
    // Samples every minute; 3 restarts seen by the sample at `when`.
    let burst_seen_at = |when: i64| {
        series(NOW - 26 * HOUR, NOW + 3 * HOUR, MINUTE, move |at| {
            if at >= when { 3.0 } else { 0.0 }
        })
    };
    let cases: &[(&str, i64, i64, bool)] = &[
        ("seen 30 min ago", NOW - 30 * MINUTE, NOW, true),
        ("seen 59 min ago", NOW - 59 * MINUTE, NOW, true),
        (
            "seen exactly 1h ago: the baseline's",
            NOW - HOUR,
            NOW,
            false,
        ),
        (
            "burst 30 min before an earlier now: not yet seen",
            NOW - 30 * MINUTE,
            NOW - HOUR,
            false,
        ),
        (
            "same burst, now 2h later",
            NOW - 30 * MINUTE,
            NOW + 2 * HOUR,
            false,
        ),
    ];
    for &(name, when, now, fires) in cases {
        assert_eq!(
            restarts(&burst_seen_at(when), now, &policy).is_some(),
            fires,
            "{name}"
        );
    }
}
