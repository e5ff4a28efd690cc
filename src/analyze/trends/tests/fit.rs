//! `linear_fit`: exact lines are recovered, degenerate input gives None, a
//! constant has r² 0, noise has a small r² and t-statistic.

use super::*;

#[test]
fn exact_lines_are_recovered() {
    let cases: &[(&str, f64, f64)] = &[
        ("rising 2 per hour", 40.0, 2.0),
        ("falling 5 per hour", 80.0, -5.0),
        ("slow 0.01 per hour", 50.0, 0.01),
        ("steep 600 per hour", 10.0, 600.0),
    ];
    for &(name, at_now, per_hour) in cases {
        let points = series(NOW - 6 * HOUR, NOW, MINUTE, line(at_now, per_hour));
        let fit = linear_fit(&points).unwrap_or_else(|| panic!("{name}: no fit"));
        assert!(
            (fit.slope_per_hour() - per_hour).abs() < 1e-9 * per_hour.abs().max(1.0),
            "{name}: slope {}",
            fit.slope_per_hour()
        );
        assert!(
            (fit.value_at(NOW) - at_now).abs() < 1e-6,
            "{name}: value at now {}",
            fit.value_at(NOW)
        );
        assert!(
            (fit.r_squared - 1.0).abs() < 1e-9,
            "{name}: r² {}",
            fit.r_squared
        );
        assert_eq!(fit.n, points.len(), "{name}: n");
        assert!(fit.slope_t().abs() > 1e6, "{name}: t {}", fit.slope_t());
    }
}

#[test]
fn degenerate_input() {
    let cases: &[(&str, Vec<Point>, bool)] = &[
        ("empty", vec![], false),
        ("one point", vec![Point::new(NOW, 1.0)], false),
        (
            "all at one time",
            vec![Point::new(NOW, 1.0), Point::new(NOW, 2.0)],
            false,
        ),
        (
            "a NaN",
            vec![Point::new(NOW - 60, 1.0), Point::new(NOW, f64::NAN)],
            false,
        ),
        (
            "two points",
            vec![Point::new(NOW - 60, 1.0), Point::new(NOW, 2.0)],
            true,
        ),
    ];
    for (name, points, some) in cases {
        assert_eq!(linear_fit(points).is_some(), *some, "{name}");
    }
}

#[test]
fn a_constant_has_no_trend() {
    let points = series(NOW - HOUR, NOW, MINUTE, |_| 42.0);
    let fit = linear_fit(&points).expect("a fit");
    assert_eq!(fit.slope_per_second, 0.0, "slope");
    assert_eq!(fit.r_squared, 0.0, "r²");
    assert_eq!(fit.slope_t(), 0.0, "t");
}

#[test]
fn noise_has_a_small_r_squared() {
    for seed in 0..50 {
        let points = noisy(NOW - 6 * HOUR, NOW, MINUTE, 5.0, seed, |_| 50.0);
        let fit = linear_fit(&points).expect("a fit");
        assert!(fit.r_squared < 0.1, "seed {seed}: r² {}", fit.r_squared);
        assert!(
            fit.slope_t().abs() < 5.0,
            "seed {seed}: t {}",
            fit.slope_t()
        );
    }
}

#[test]
fn order_does_not_matter() {
    let mut points = series(NOW - HOUR, NOW, MINUTE, line(30.0, 3.0));
    let sorted = linear_fit(&points).expect("sorted fit");
    points.reverse();
    let reversed = linear_fit(&points).expect("reversed fit");
    assert!(
        (sorted.slope_per_second - reversed.slope_per_second).abs() < 1e-12,
        "slopes"
    );
    assert!(
        (sorted.value_at(NOW) - reversed.value_at(NOW)).abs() < 1e-6,
        "values"
    );
}
