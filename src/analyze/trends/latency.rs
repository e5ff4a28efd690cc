//! Latency degrading: takes an HTTP check's latencies in milliseconds
//! (successful requests only), `now` and the policy; gives a warning
//! `Signal` when the median of the last `latency_window` is at least
//! `latency_factor` times the median of the `latency_baseline` before it and
//! at least `latency_floor_ms`, or None (also when either window has too few
//! points). Medians, so a few slow requests do not move it.

use super::fit::{between, median_of};
use super::format::{evidence, human_duration};
use super::policy::{TrendPolicy, at_least, secs};
use super::{Level, Point, Signal};

pub fn latency(latency_ms: &[Point], now: i64, policy: &TrendPolicy) -> Option<Signal> {
    let window = secs(policy.latency_window);
    let baseline = secs(policy.latency_baseline);
    let recent_from = now.saturating_sub(window);
    let recent = between(latency_ms, recent_from, now);
    let before = between(
        latency_ms,
        recent_from.saturating_sub(baseline),
        recent_from,
    );
    if recent.len() < policy.latency_min_recent_points
        || before.len() < policy.latency_min_baseline_points
    {
        return None;
    }
    let (now_ms, usual_ms) = (median(&recent)?, median(&before)?);
    let fires = at_least(now_ms, policy.latency_factor * usual_ms)
        && at_least(now_ms, policy.latency_floor_ms);
    if !fires {
        return None;
    }
    let ratio = if usual_ms > 0.0 {
        format!("{:.2}x", now_ms / usual_ms)
    } else {
        "unbounded (baseline median 0 ms)".to_string()
    };
    Some(Signal {
        level: Level::Warning,
        summary: format!(
            "median latency over the last {} is {now_ms:.0} ms, {} the median of {usual_ms:.0} ms over the {} before",
            human_duration(window),
            ratio,
            human_duration(baseline)
        ),
        predicted_at: None,
        evidence: evidence([
            ("recent_window", human_duration(window)),
            ("recent_median", format!("{now_ms:.1} ms")),
            ("recent_points", recent.len().to_string()),
            ("baseline_window", human_duration(baseline)),
            ("baseline_median", format!("{usual_ms:.1} ms")),
            ("baseline_points", before.len().to_string()),
            ("ratio", ratio),
            (
                "rule",
                format!(
                    "at least {}x the baseline and at least {} ms",
                    policy.latency_factor, policy.latency_floor_ms
                ),
            ),
        ]),
    })
}

fn median(points: &[Point]) -> Option<f64> {
    median_of(points.iter().map(|p| p.value).collect())
}
