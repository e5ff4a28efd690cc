//! `memory`: a falling fit warns at its horizon and not one step after; a
//! sustained stay at or under the floor is critical at `memory_sustained`
//! and not a minute before; noise, rising memory and a freed-then-falling
//! series behave.

use super::*;

/// Available % reaching the 10% floor `left` seconds after `NOW`.
fn floor_in(left: i64, per_hour: f64) -> Vec<Point> {
    series(NOW - 3 * HOUR, NOW, MINUTE, move |at| {
        10.0 + per_hour * (NOW + left - at) as f64 / HOUR as f64
    })
}

#[test]
fn a_falling_fit_warns_at_the_horizon_and_not_one_step_before() {
    let cases: &[(&str, i64, Option<i64>)] = &[
        ("floor in exactly 6h", 6 * HOUR, Some(NOW + 6 * HOUR)),
        ("floor in 6h + 1 min", 6 * HOUR + MINUTE, None),
        ("floor in 1h", HOUR, Some(NOW + HOUR)),
    ];
    for &(name, left, want) in cases {
        let signal = memory(&floor_in(left, 4.0), NOW, &policy());
        assert_eq!(signal.as_ref().and_then(|s| s.predicted_at), want, "{name}");
        if let Some(signal) = signal {
            assert_eq!(signal.level, Level::Warning, "{name}: level");
            assert!(
                signal
                    .summary
                    .starts_with("available memory falls to the 10.0% floor"),
                "{name}: summary {}",
                signal.summary
            );
        }
    }
}

#[test]
fn under_the_floor_for_the_sustained_time_is_critical() {
    // Only the under-floor samples, every minute: a constant has no trend,
    // so only the sustained rule can fire.
    let cases: &[(&str, i64, f64, bool)] = &[
        ("8% for exactly 15m", 15 * MINUTE, 8.0, true),
        ("8% for 14m", 14 * MINUTE, 8.0, false),
        ("8% for an hour", HOUR, 8.0, true),
        (
            "exactly at the floor for 15m counts as under",
            15 * MINUTE,
            10.0,
            true,
        ),
        ("10.01% for an hour is not under", HOUR, 10.01, false),
    ];
    for &(name, under, value, fires) in cases {
        let points = series(NOW - under, NOW, MINUTE, |_| value);
        let signal = memory(&points, NOW, &policy());
        assert_eq!(
            signal.as_ref().map(|s| s.level),
            fires.then_some(Level::Critical),
            "{name}"
        );
        if let Some(signal) = signal {
            assert_eq!(
                signal.predicted_at,
                Some(NOW - under),
                "{name}: predicted_at"
            );
        }
    }
}

#[test]
fn the_sustained_run_is_the_trailing_one() {
    let policy = policy();
    // Plenty of memory, then 20 minutes at 6%.
    let dropped = series(NOW - 3 * HOUR, NOW, MINUTE, |at| {
        if at > NOW - 20 * MINUTE { 6.0 } else { 40.0 }
    });
    let signal = memory(&dropped, NOW, &policy).expect("20 min under: a signal");
    assert_eq!(signal.level, Level::Critical, "20 min under: level");
    assert_eq!(
        signal.predicted_at,
        Some(NOW - 19 * MINUTE),
        "20 min under: since the first sample under"
    );

    // 20 minutes under, recovered for the last two samples.
    let recovered = series(NOW - 3 * HOUR, NOW, MINUTE, |at| {
        if at > NOW - 22 * MINUTE && at <= NOW - 2 * MINUTE {
            6.0
        } else {
            40.0
        }
    });
    assert_eq!(memory(&recovered, NOW, &policy), None, "recovered");
}

#[test]
fn noise_and_rising_memory_give_nothing() {
    for seed in 0..100 {
        let points = noisy(NOW - 3 * HOUR, NOW, MINUTE, 3.0, seed, |_| 15.0);
        assert_eq!(
            memory(&points, NOW, &policy()),
            None,
            "flat 15% ±3, seed {seed}"
        );
    }
    let rising = series(NOW - 3 * HOUR, NOW, MINUTE, line(30.0, 2.0));
    assert_eq!(memory(&rising, NOW, &policy()), None, "rising");
}

#[test]
fn memory_freed_restarts_the_fit() {
    // Falling 4 pp/h; 30 pp freed (a restart) 2h ago, then falling again.
    let freed = series(NOW - 3 * HOUR, NOW, MINUTE, |at| {
        let v = line(30.0, -4.0)(at);
        if at < NOW - 2 * HOUR { v - 30.0 } else { v }
    });
    let signal = memory(&freed, NOW, &policy()).expect("freed 2h ago: a signal");
    assert_eq!(signal.predicted_at, Some(NOW + 5 * HOUR), "freed 2h ago");
    assert!(
        signal.evidence.contains_key("segment_start"),
        "freed 2h ago: evidence"
    );
}
