//! `disk`: steady growth predicts time-to-full within 5%; noise, flat,
//! shrinking and full disks predict nothing; horizons fire at and not one
//! step before; too few points; sawtooth cleanups; the clock moves the window.

use super::*;

/// A line reaching 100% `left` seconds after `NOW`, sampled every minute
/// over the 6 h window.
fn fills_in(left: i64, per_hour: f64) -> Vec<Point> {
    series(NOW - 6 * HOUR, NOW, MINUTE, move |at| {
        100.0 - per_hour * (NOW + left - at) as f64 / HOUR as f64
    })
}

#[test]
fn steady_growth_predicts_time_to_full_within_5_percent() {
    // (case, pp per hour, used % at NOW, noise ±, sample step, seed)
    let cases: &[(&str, f64, f64, f64, i64, u64)] = &[
        ("0.5 pp/h from 90%, exact", 0.5, 90.0, 0.0, MINUTE, 0),
        ("2 pp/h from 91.3%, exact", 2.0, 91.3, 0.0, MINUTE, 0),
        ("5 pp/h from 85%, exact", 5.0, 85.0, 0.0, MINUTE, 0),
        ("12 pp/h from 70%, exact", 12.0, 70.0, 0.0, MINUTE, 0),
        ("1 pp/h from 80%, noise ±0.3", 1.0, 80.0, 0.3, MINUTE, 1),
        (
            "1 pp/h from 80%, noise ±0.3, seed 2",
            1.0,
            80.0,
            0.3,
            MINUTE,
            2,
        ),
        ("3 pp/h from 75%, noise ±1", 3.0, 75.0, 1.0, MINUTE, 3),
        (
            "3 pp/h from 75%, every 5 min, noise ±1",
            3.0,
            75.0,
            1.0,
            5 * MINUTE,
            4,
        ),
        (
            "0.8 pp/h from 85%, every 10 min, noise ±0.2",
            0.8,
            85.0,
            0.2,
            10 * MINUTE,
            5,
        ),
    ];
    let policy = policy();
    for &(name, per_hour, used, noise, step, seed) in cases {
        // Start where the disk was empty if that is inside the window.
        let from = (NOW - 6 * HOUR).max(NOW - (used / per_hour * HOUR as f64) as i64 + step);
        let points = noisy(from, NOW, step, noise, seed, line(used, per_hour));
        let truth = (100.0 - used) / per_hour * HOUR as f64;
        let signal = disk(&points, NOW, &policy).unwrap_or_else(|| panic!("{name}: no signal"));
        let predicted = signal.predicted_at.expect("a predicted time") - NOW;
        let error = (predicted as f64 - truth).abs() / truth;
        assert!(
            error <= 0.05,
            "{name}: predicted {predicted} s, true {truth} s ({:.1}% off)",
            error * 100.0
        );
        let want = if truth <= 4.0 * HOUR as f64 {
            Level::Critical
        } else {
            Level::Warning
        };
        assert_eq!(signal.level, want, "{name}: level");
        assert!(
            signal.summary.starts_with("fills up in about"),
            "{name}: summary {}",
            signal.summary
        );
    }
}

#[test]
fn the_summary_and_evidence_carry_the_numbers() {
    let signal = disk(
        &series(NOW - 6 * HOUR, NOW, MINUTE, line(91.3, 2.1)),
        NOW,
        &policy(),
    )
    .expect("a signal");
    assert_eq!(
        signal.summary,
        "fills up in about 4h 9m at 2.10 percentage points per hour (now 91.3% used)"
    );
    for key in [
        "window",
        "points",
        "span",
        "slope",
        "r_squared",
        "slope_t",
        "current",
        "fitted_now",
        "predicted_full_at",
        "time_left",
    ] {
        assert!(signal.evidence.contains_key(key), "evidence lacks {key}");
    }
    assert_eq!(signal.evidence["slope"], "+2.10 percentage points per hour");
    assert_eq!(
        signal.evidence["points"], "360",
        "(NOW - 6h is outside the window)"
    );
    assert_eq!(signal.evidence["window"], "6h");
}

#[test]
fn noise_without_a_trend_triggers_nothing() {
    let policy = policy();
    for &(level, amplitude) in &[(50.0, 5.0), (90.0, 2.0), (97.0, 2.5), (99.0, 0.9)] {
        for &step in &[MINUTE, 5 * MINUTE, 20 * MINUTE] {
            for seed in 0..100 {
                let points = noisy(NOW - 6 * HOUR, NOW, step, amplitude, seed, |_| level);
                assert_eq!(
                    disk(&points, NOW, &policy),
                    None,
                    "flat {level}% ±{amplitude}, every {step} s, seed {seed}"
                );
            }
        }
    }
}

#[test]
fn no_fill_predicts_nothing() {
    let cases: &[(&str, Vec<Point>)] = &[
        ("empty", vec![]),
        ("flat", series(NOW - 6 * HOUR, NOW, MINUTE, |_| 93.0)),
        (
            "shrinking",
            series(NOW - 6 * HOUR, NOW, MINUTE, line(60.0, -2.0)),
        ),
        (
            "full beyond the 24 h horizon",
            series(NOW - 6 * HOUR, NOW, MINUTE, line(90.0, 0.3)),
        ),
        (
            "already full: the threshold finding's business",
            series(NOW - 6 * HOUR, NOW, MINUTE, |at| {
                (line(100.0, 2.0)(at)).min(100.0)
            }),
        ),
        (
            "only future points",
            series(NOW + MINUTE, NOW + 6 * HOUR, MINUTE, line(90.0, 5.0)),
        ),
    ];
    for (name, points) in cases {
        assert_eq!(disk(points, NOW, &policy()), None, "{name}");
    }
}

#[test]
fn horizons_fire_at_and_not_one_step_before() {
    let cases: &[(&str, i64, Option<Level>)] = &[
        ("full in exactly 24h", DAY, Some(Level::Warning)),
        ("full in 24h + 1 min", DAY + MINUTE, None),
        ("full in exactly 4h", 4 * HOUR, Some(Level::Critical)),
        (
            "full in 4h + 1 min",
            4 * HOUR + MINUTE,
            Some(Level::Warning),
        ),
        ("full in 10 min", 10 * MINUTE, Some(Level::Critical)),
    ];
    for &(name, left, want) in cases {
        let signal = disk(&fills_in(left, 1.0), NOW, &policy());
        assert_eq!(signal.as_ref().map(|s| s.level), want, "{name}");
        if let Some(signal) = signal {
            assert_eq!(
                signal.predicted_at,
                Some(NOW + left),
                "{name}: predicted_at"
            );
        }
    }
}

#[test]
fn too_few_points_or_too_short_a_span_predicts_nothing() {
    // 6 h window: at least 10 points spanning at least 2 h.
    let cases: &[(&str, i64, i64, bool)] = &[
        ("10 points over exactly 2h", 9, 800, true),
        ("10 points over 1h 59m 51s", 9, 799, false),
        ("9 points over 2h 40m", 8, 20 * MINUTE, false),
        ("10 points over 3h", 9, 20 * MINUTE, true),
    ];
    for &(name, intervals, step, some) in cases {
        let points = series(NOW - intervals * step, NOW, step, line(90.0, 2.0));
        assert_eq!(
            disk(&points, NOW, &policy()).is_some(),
            some,
            "{name} ({} points)",
            points.len()
        );
    }
}

#[test]
fn a_sawtooth_fits_only_the_growth_after_the_last_cleanup() {
    let policy = policy();
    // 3 pp/h with a cleanup of 25 pp `ago` seconds before NOW.
    let sawtooth = |ago: i64, drop: f64| {
        series(NOW - 6 * HOUR, NOW, MINUTE, move |at| {
            let v = line(88.0, 3.0)(at);
            if at < NOW - ago { v + drop } else { v }
        })
    };
    let truth = 4 * HOUR; // (100 - 88) / 3 pp/h

    let after = disk(&sawtooth(3 * HOUR, 25.0), NOW, &policy).expect("cleanup 3h ago: a signal");
    let predicted = after.predicted_at.expect("predicted_at") - NOW;
    assert!(
        (predicted - truth).abs() as f64 <= 0.05 * truth as f64,
        "cleanup 3h ago: predicted {predicted} s, true {truth} s"
    );
    assert!(
        after.evidence.contains_key("segment_start"),
        "cleanup 3h ago: evidence names the segment"
    );
    assert_eq!(after.evidence["points"], "181", "cleanup 3h ago: points");

    assert_eq!(
        disk(&sawtooth(HOUR, 25.0), NOW, &policy),
        None,
        "cleanup 1h ago: the new segment spans under a third of the window"
    );

    // The same cleanup under ±0.5 noise is still found.
    let noisy_sawtooth = noisy(NOW - 6 * HOUR, NOW, MINUTE, 0.5, 7, |at| {
        let v = line(88.0, 3.0)(at);
        if at < NOW - 3 * HOUR { v + 25.0 } else { v }
    });
    let signal = disk(&noisy_sawtooth, NOW, &policy).expect("noisy cleanup 3h ago: a signal");
    let predicted = signal.predicted_at.expect("predicted_at") - NOW;
    assert!(
        (predicted - truth).abs() as f64 <= 0.05 * truth as f64,
        "noisy cleanup 3h ago: predicted {predicted} s, true {truth} s"
    );

    // A gradual cleanup (2 pp a minute for 5 minutes, under the 3 pp cut)
    // stays in the fit: it may predict later, never sooner.
    let gradual = series(NOW - 6 * HOUR, NOW, MINUTE, |at| {
        let v = line(88.0, 3.0)(at);
        let start = NOW - 3 * HOUR;
        let steps = ((at - start) / MINUTE).clamp(0, 5) as f64;
        v + 10.0 - 2.0 * steps
    });
    if let Some(signal) = disk(&gradual, NOW, &policy) {
        let predicted = signal.predicted_at.expect("predicted_at") - NOW;
        assert!(
            predicted as f64 >= 0.95 * truth as f64,
            "gradual cleanup: predicted {predicted} s, sooner than true {truth} s"
        );
    }
}

/// The level and predicted time, if anything.
type Expected = Option<(Level, i64)>;

#[test]
fn the_injected_clock_moves_the_window() {
    // Flat 50% for a day, then 5 pp/h for the last 6 h up to 80% at NOW.
    let points = series(NOW - 30 * HOUR, NOW, MINUTE, |at| {
        if at <= NOW - 6 * HOUR {
            50.0
        } else {
            line(80.0, 5.0)(at)
        }
    });
    let policy = policy();
    let cases: &[(&str, i64, Expected)] = &[
        (
            "now at the end",
            NOW,
            Some((Level::Critical, NOW + 4 * HOUR)),
        ),
        ("now 6h earlier: only the flat part", NOW - 6 * HOUR, None),
        ("now 12h earlier", NOW - 12 * HOUR, None),
        (
            "now 1h later, no new samples: same full time",
            NOW + HOUR,
            Some((Level::Critical, NOW + 4 * HOUR)),
        ),
    ];
    for &(name, now, want) in cases {
        let got = disk(&points, now, &policy).map(|s| (s.level, s.predicted_at.unwrap_or(0)));
        assert_eq!(got, want, "{name}");
    }
}
