//! Memory: available % under a floor. Takes the series, `now` and the
//! policy; gives a critical `Signal` when the samples have been at or under
//! the floor for `memory_sustained`, a warning when a trusted falling fit
//! crosses the floor within `memory_warning_within`, or None.

use super::fit::{Reset, between, trusted_fit};
use super::format::{evidence, fit_evidence, human_duration, in_about, percent, timestamp};
use super::policy::{TrendPolicy, secs};
use super::{Level, Point, Signal};

pub fn memory(available_percent: &[Point], now: i64, policy: &TrendPolicy) -> Option<Signal> {
    sustained(available_percent, now, policy).or_else(|| falling(available_percent, now, policy))
}

/// Every sample of the trailing run is at or under the floor, and the run's
/// samples span at least `memory_sustained`.
fn sustained(series: &[Point], now: i64, policy: &TrendPolicy) -> Option<Signal> {
    let floor = policy.memory_floor_percent;
    let need = secs(policy.memory_sustained);
    let lookback = secs(policy.memory_window).max(need);
    let points = between(series, now.saturating_sub(lookback), now);
    let latest = *points.last()?;
    let start = points
        .iter()
        .rev()
        .take_while(|p| p.value <= floor)
        .last()?
        .at;
    let under = latest.at - start;
    if under < need {
        return None;
    }
    let run = points.iter().filter(|p| p.at >= start).count();
    Some(Signal {
        level: Level::Critical,
        summary: format!(
            "available memory has been at or under the {} floor for {} (now {} available)",
            percent(floor),
            human_duration(under),
            percent(latest.value)
        ),
        predicted_at: Some(start),
        evidence: evidence([
            ("floor", percent(floor)),
            ("under_since", timestamp(start)),
            ("under_for", human_duration(under)),
            ("sustained_needed", human_duration(need)),
            ("points_under", run.to_string()),
            ("current", percent(latest.value)),
            ("current_at", timestamp(latest.at)),
        ]),
    })
}

/// A trusted falling fit that reaches the floor within the horizon.
fn falling(series: &[Point], now: i64, policy: &TrendPolicy) -> Option<Signal> {
    let floor = policy.memory_floor_percent;
    let trusted = trusted_fit(
        series,
        now,
        policy.memory_window,
        Reset::Rise(policy.memory_reset_rise_percent),
        policy,
    )?;
    let fit = trusted.fit;
    let latest = trusted.latest()?;
    if fit.slope_per_second >= 0.0 {
        return None;
    }
    let horizon = secs(policy.memory_warning_within);
    let left = fit.time_at(floor)? - now as f64;
    if left.is_nan() || left > horizon as f64 + 1.0 {
        return None;
    }
    let left = (left.round() as i64).max(0);
    if left > horizon {
        return None;
    }
    let predicted_at = now + left;
    let mut evidence = fit_evidence(&trusted, now);
    evidence.insert("floor".to_string(), percent(floor));
    evidence.insert("predicted_floor_at".to_string(), timestamp(predicted_at));
    evidence.insert("time_left".to_string(), human_duration(left));
    evidence.insert("horizon".to_string(), human_duration(horizon));
    Some(Signal {
        level: Level::Warning,
        summary: format!(
            "available memory falls to the {} floor {} at {:.2} percentage points per hour (now {} available)",
            percent(floor),
            in_about(left),
            fit.slope_per_hour(),
            percent(latest.value)
        ),
        predicted_at: Some(predicted_at),
        evidence,
    })
}
