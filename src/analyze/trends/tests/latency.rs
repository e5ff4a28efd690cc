//! `latency`: the recent median fires at `latency_factor` times the
//! baseline median and at the absolute floor, not one step before; too few
//! points in either window give nothing; outliers do not move a median; the
//! clock moves the windows.

use super::*;

/// A week of baseline at `usual` ms (every 10 min, every 7th a 3 s spike),
/// then the last 30 minutes at `recent` ms every minute (one spike).
fn checks(usual: f64, recent: f64) -> Vec<Point> {
    let mut points = series(
        NOW - 7 * DAY - 30 * MINUTE + 10 * MINUTE,
        NOW - 30 * MINUTE,
        10 * MINUTE,
        |at| {
            if (at / (10 * MINUTE)) % 7 == 0 {
                3000.0
            } else {
                usual
            }
        },
    );
    points.extend(series(NOW - 29 * MINUTE, NOW, MINUTE, |at| {
        if at == NOW - 10 * MINUTE {
            3000.0
        } else {
            recent
        }
    }));
    points
}

#[test]
fn fires_at_the_factor_and_the_floor_and_not_one_step_before() {
    let cases: &[(&str, f64, f64, bool)] = &[
        ("2.0x of 120 ms", 120.0, 240.0, true),
        ("1.99x of 120 ms", 120.0, 238.8, false),
        ("5x of 120 ms", 120.0, 600.0, true),
        ("2.5x but 99 ms, under the floor", 39.6, 99.0, false),
        ("2.5x and exactly 100 ms", 40.0, 100.0, true),
        ("unchanged", 120.0, 120.0, false),
        ("faster", 120.0, 60.0, false),
    ];
    for &(name, usual, recent, fires) in cases {
        let signal = latency(&checks(usual, recent), NOW, &policy());
        assert_eq!(signal.is_some(), fires, "{name}");
        if let Some(signal) = signal {
            assert_eq!(signal.level, Level::Warning, "{name}: level");
            assert_eq!(
                signal.evidence["recent_median"],
                format!("{recent:.1} ms"),
                "{name}: recent median"
            );
            assert_eq!(
                signal.evidence["baseline_median"],
                format!("{usual:.1} ms"),
                "{name}: baseline median"
            );
        }
    }
}

#[test]
fn too_few_points_give_nothing() {
    let baseline = |n: i64| {
        series(
            NOW - 30 * MINUTE - n * HOUR + HOUR,
            NOW - 30 * MINUTE,
            HOUR,
            |_| 100.0,
        )
    };
    let recent = |n: i64| series(NOW - (n - 1) * 5 * MINUTE, NOW, 5 * MINUTE, |_| 500.0);
    let cases: &[(&str, i64, i64, bool)] = &[
        ("20 baseline, 5 recent", 20, 5, true),
        ("19 baseline, 5 recent", 19, 5, false),
        ("20 baseline, 4 recent", 20, 4, false),
        ("no baseline", 0, 6, false),
    ];
    for &(name, before, now_points, fires) in cases {
        let mut points = baseline(before);
        points.extend(recent(now_points));
        assert_eq!(latency(&points, NOW, &policy()).is_some(), fires, "{name}");
    }
}

#[test]
fn the_summary_and_the_injected_clock() {
    let points = checks(120.0, 480.0);
    let signal = latency(&points, NOW, &policy()).expect("4x");
    assert_eq!(
        signal.summary,
        "median latency over the last 30m is 480 ms, 4.00x the median of 120 ms over the 7d before"
    );
    // 30 minutes earlier the slow samples are still in the future.
    assert_eq!(
        latency(&points, NOW - 30 * MINUTE, &policy()),
        None,
        "30 min earlier"
    );
}
