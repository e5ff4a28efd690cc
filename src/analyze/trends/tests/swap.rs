//! `swap`: rising swap fires at its horizons and not one step before; no
//! swap, flat, noisy, falling or already-full swap gives nothing; a swap-in
//! (a drop) restarts the fit.

use super::*;

/// Swap used % reaching 100% `left` seconds after `NOW`, at `per_hour`.
fn exhausted_in(left: i64, per_hour: f64) -> Vec<Point> {
    series(NOW - 6 * HOUR, NOW, MINUTE, move |at| {
        100.0 - per_hour * (NOW + left - at) as f64 / HOUR as f64
    })
}

#[test]
fn rising_swap_fires_at_its_horizons_and_not_one_step_before() {
    let cases: &[(&str, i64, f64, Option<Level>)] = &[
        ("exhausted in exactly 24h", DAY, 3.0, Some(Level::Warning)),
        ("exhausted in 24h + 1 min", DAY + MINUTE, 3.0, None),
        (
            "exhausted in exactly 4h",
            4 * HOUR,
            3.0,
            Some(Level::Critical),
        ),
        (
            "exhausted in 4h + 1 min",
            4 * HOUR + MINUTE,
            3.0,
            Some(Level::Warning),
        ),
        (
            "exhausted in 12h at 1 pp/h",
            12 * HOUR,
            1.0,
            Some(Level::Warning),
        ),
    ];
    for &(name, left, per_hour, want) in cases {
        let signal = swap(&exhausted_in(left, per_hour), NOW, &policy());
        assert_eq!(signal.as_ref().map(|s| s.level), want, "{name}");
        if let Some(signal) = signal {
            assert_eq!(
                signal.predicted_at,
                Some(NOW + left),
                "{name}: predicted_at"
            );
            assert!(
                signal.summary.starts_with("swap runs out in about"),
                "{name}: summary {}",
                signal.summary
            );
        }
    }
}

#[test]
fn no_rise_gives_nothing() {
    let cases: &[(&str, Vec<Point>)] = &[
        ("a host without swap has no series", vec![]),
        ("flat", series(NOW - 6 * HOUR, NOW, MINUTE, |_| 40.0)),
        (
            "falling",
            series(NOW - 6 * HOUR, NOW, MINUTE, line(20.0, -1.0)),
        ),
        (
            "already full: a state, not a trend",
            series(NOW - 6 * HOUR, NOW, MINUTE, |at| {
                line(100.0, 3.0)(at).min(100.0)
            }),
        ),
        (
            "rising too slowly for the horizon",
            series(NOW - 6 * HOUR, NOW, MINUTE, line(50.0, 1.0)),
        ),
    ];
    for (name, points) in cases {
        assert_eq!(swap(points, NOW, &policy()), None, "{name}");
    }
}

#[test]
fn noise_without_a_trend_triggers_nothing() {
    for &(level, amplitude) in &[(5.0, 4.0), (60.0, 10.0), (95.0, 4.0)] {
        for seed in 0..100 {
            let points = noisy(NOW - 6 * HOUR, NOW, MINUTE, amplitude, seed, |_| level);
            assert_eq!(
                swap(&points, NOW, &policy()),
                None,
                "flat {level}% ±{amplitude}, seed {seed}"
            );
        }
    }
}

#[test]
fn a_swap_in_restarts_the_fit() {
    // 4 pp/h, with 30 pp swapped back in `ago` seconds before NOW.
    let swapped_in = |ago: i64| {
        series(NOW - 6 * HOUR, NOW, MINUTE, move |at| {
            let v = line(60.0, 4.0)(at);
            if at < NOW - ago { v + 30.0 } else { v }
        })
    };
    let signal = swap(&swapped_in(3 * HOUR), NOW, &policy()).expect("swap-in 3h ago: a signal");
    assert_eq!(signal.predicted_at, Some(NOW + 10 * HOUR), "swap-in 3h ago");
    assert_eq!(
        swap(&swapped_in(90 * MINUTE), NOW, &policy()),
        None,
        "swap-in 90 min ago: too short a segment"
    );
}
