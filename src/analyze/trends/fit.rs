//! Least squares over points, and the rules that decide whether a fit may
//! predict anything. Takes points (and a window, `now`, the policy); gives a
//! `Fit`, or the `Trusted` fit of the window's recent segment.

use std::time::Duration;

use serde::Serialize;

use super::Point;
use super::policy::{TrendPolicy, at_least, secs};

/// A least-squares line `value = intercept + slope_per_second * at`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Fit {
    pub slope_per_second: f64,
    /// The line's value at unix time 0.
    pub intercept: f64,
    /// Share of the variance the line explains, 0..=1; 0 for a constant
    /// series (there is no variation for a trend to explain).
    pub r_squared: f64,
    pub n: usize,
}

impl Fit {
    pub fn value_at(&self, at: i64) -> f64 {
        self.intercept + self.slope_per_second * at as f64
    }

    /// When the line reaches `value`; None for a flat line.
    pub fn time_at(&self, value: f64) -> Option<f64> {
        if self.slope_per_second == 0.0 {
            return None;
        }
        Some((value - self.intercept) / self.slope_per_second)
    }

    pub fn slope_per_hour(&self) -> f64 {
        self.slope_per_second * 3600.0
    }

    /// The slope's t-statistic (slope over its standard error), signed;
    /// `sqrt(r² (n - 2) / (1 - r²))`. Zero for a flat line or under 3 points.
    pub fn slope_t(&self) -> f64 {
        if self.n < 3 || self.slope_per_second == 0.0 {
            return 0.0;
        }
        let sign = self.slope_per_second.signum();
        if self.r_squared >= 1.0 {
            return sign * f64::INFINITY;
        }
        sign * (self.r_squared * (self.n - 2) as f64 / (1.0 - self.r_squared)).sqrt()
    }
}

/// The least-squares line through `points` (any order). None for fewer than
/// two points, a non-finite value, or points all at one time.
pub fn linear_fit(points: &[Point]) -> Option<Fit> {
    if points.len() < 2 || points.iter().any(|p| !p.value.is_finite()) {
        return None;
    }
    // Centre on the first time so sums stay small and exact-ish.
    let origin = points[0].at;
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| (p.at - origin) as f64).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.value).sum::<f64>() / n;
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for p in points {
        let dx = (p.at - origin) as f64 - mean_x;
        let dy = p.value - mean_y;
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
    }
    if sxx == 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    let r_squared = if syy == 0.0 {
        0.0
    } else {
        (sxy * sxy / (sxx * syy)).clamp(0.0, 1.0)
    };
    let at_origin = mean_y - slope * mean_x;
    Some(Fit {
        slope_per_second: slope,
        intercept: at_origin - slope * origin as f64,
        r_squared,
        n: points.len(),
    })
}

/// The finite points in `(from, to]`, sorted by time.
pub(super) fn between(points: &[Point], from: i64, to: i64) -> Vec<Point> {
    let mut inside: Vec<Point> = points
        .iter()
        .filter(|p| p.at > from && p.at <= to && p.value.is_finite())
        .copied()
        .collect();
    inside.sort_by_key(|p| p.at);
    inside
}

/// Which jump between two consecutive samples starts a new segment.
#[derive(Debug, Clone, Copy)]
pub(super) enum Reset {
    /// A fall of at least this many percentage points (a cleanup).
    Drop(f64),
    /// A rise of at least this many (memory freed).
    Rise(f64),
}

/// Where the fitted segment starts after a reset: the first sample after
/// the jump, and the jump's size.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cut {
    pub at: i64,
    pub by: f64,
}

/// A reset's jump must also exceed this many times the median absolute
/// change between consecutive samples.
const RESET_OVER_TYPICAL_STEP: f64 = 5.0;

/// ... and hold: the samples after it (up to this many) all stay at least
/// the reset's size away from the median of as many samples before it.
const RESET_HELD_FOR: usize = 3;

/// The median absolute change between consecutive samples; 0 for fewer
/// than two.
fn median_step(points: &[Point]) -> f64 {
    let steps: Vec<f64> = points
        .windows(2)
        .map(|pair| (pair[1].value - pair[0].value).abs())
        .collect();
    median_of(steps).unwrap_or(0.0)
}

fn median(points: &[Point]) -> f64 {
    median_of(points.iter().map(|p| p.value).collect()).unwrap_or(f64::NAN)
}

/// The median; the mean of the middle two for an even count.
pub(super) fn median_of(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    match values.len() {
        0 => None,
        n if n % 2 == 1 => values.get(mid).copied(),
        _ => Some((values.get(mid - 1)? + values.get(mid)?) / 2.0),
    }
}

/// Whether the jump into `points[i]` starts a new segment: at least the
/// reset's size, well above the typical step (noise makes jumps of its own
/// size every few samples, and cutting there would start the segment at a
/// low or high sample and bias the slope), and held by the samples after it.
fn is_reset(points: &[Point], i: usize, reset: Reset, typical: f64) -> bool {
    let before = i.checked_sub(1).and_then(|j| points.get(j));
    let (Some(before), Some(after)) = (before, points.get(i)) else {
        return false;
    };
    let from = median(&points[i.saturating_sub(RESET_HELD_FOR)..i]);
    // Signed so that the direction of a reset is positive.
    let away = |value: f64| match reset {
        Reset::Drop(_) => from - value,
        Reset::Rise(_) => value - from,
    };
    let jump = match reset {
        Reset::Drop(_) => before.value - after.value,
        Reset::Rise(_) => after.value - before.value,
    };
    let (Reset::Drop(by) | Reset::Rise(by)) = reset;
    at_least(jump, by)
        && jump > RESET_OVER_TYPICAL_STEP * typical
        && points[i..]
            .iter()
            .take(RESET_HELD_FOR)
            .all(|p| at_least(away(p.value), by))
}

/// A fit the policy trusts, with the points it rests on.
#[derive(Debug, Clone)]
pub(super) struct Trusted {
    pub fit: Fit,
    pub points: Vec<Point>,
    pub cut: Option<Cut>,
    pub window: i64,
}

impl Trusted {
    pub fn span(&self) -> i64 {
        match (self.points.first(), self.points.last()) {
            (Some(first), Some(last)) => last.at - first.at,
            _ => 0,
        }
    }

    /// The latest sample.
    pub fn latest(&self) -> Option<Point> {
        self.points.last().copied()
    }
}

/// The fit of the window's points after the last reset, if it meets every
/// rule: enough points, enough span, r² and slope significance.
pub(super) fn trusted_fit(
    series: &[Point],
    now: i64,
    window: Duration,
    reset: Reset,
    policy: &TrendPolicy,
) -> Option<Trusted> {
    let window = secs(window);
    let mut points = between(series, now.saturating_sub(window), now);
    let mut cut = None;
    let typical = median_step(&points);
    if let Some(i) = (1..points.len())
        .rev()
        .find(|&i| is_reset(&points, i, reset, typical))
    {
        cut = Some(Cut {
            at: points[i].at,
            by: (points[i].value - points[i - 1].value).abs(),
        });
        points.drain(..i);
    }
    let trusted = Trusted {
        fit: linear_fit(&points)?,
        points,
        cut,
        window,
    };
    let enough = trusted.points.len() >= policy.min_points
        && at_least(
            trusted.span() as f64,
            policy.min_span_fraction * window as f64,
        );
    let significant = at_least(trusted.fit.r_squared, policy.min_r_squared)
        && at_least(trusted.fit.slope_t().abs(), policy.min_slope_t);
    (enough && significant).then_some(trusted)
}
