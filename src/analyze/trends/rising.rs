//! Disk and swap: a used-% series rising towards 100%. Takes the series,
//! `now` and the policy; gives a warning or critical `Signal` with the
//! predicted time the line reaches 100%, or None (no trusted rise, already
//! full, or full beyond the warning horizon).

use std::time::Duration;

use super::fit::{Reset, trusted_fit};
use super::format::{fit_evidence, human_duration, in_about, percent, timestamp};
use super::policy::{TrendPolicy, secs};
use super::{Level, Point, Signal};

const FULL: f64 = 100.0;

/// A filesystem's used % filling up.
pub fn disk(used_percent: &[Point], now: i64, policy: &TrendPolicy) -> Option<Signal> {
    fills_up(
        used_percent,
        now,
        policy,
        &Rule {
            what: "fills up",
            window: policy.disk_window,
            warning: policy.disk_warning_within,
            critical: policy.disk_critical_within,
            reset_drop: policy.disk_reset_drop_percent,
        },
    )
}

/// Swap used % climbing to exhaustion. A host without swap has no series.
pub fn swap(used_percent: &[Point], now: i64, policy: &TrendPolicy) -> Option<Signal> {
    fills_up(
        used_percent,
        now,
        policy,
        &Rule {
            what: "swap runs out",
            window: policy.swap_window,
            warning: policy.swap_warning_within,
            critical: policy.swap_critical_within,
            reset_drop: policy.swap_reset_drop_percent,
        },
    )
}

struct Rule {
    what: &'static str,
    window: Duration,
    warning: Duration,
    critical: Duration,
    reset_drop: f64,
}

fn fills_up(series: &[Point], now: i64, policy: &TrendPolicy, rule: &Rule) -> Option<Signal> {
    let trusted = trusted_fit(
        series,
        now,
        rule.window,
        Reset::Drop(rule.reset_drop),
        policy,
    )?;
    let fit = trusted.fit;
    let latest = trusted.latest()?;
    if fit.slope_per_second <= 0.0 || latest.value >= FULL {
        return None;
    }
    let (warning, critical) = (secs(rule.warning), secs(rule.critical));
    let left = fit.time_at(FULL)? - now as f64;
    // Compare whole seconds, so a fill exactly at a horizon is at it.
    if left.is_nan() || left > warning as f64 + 1.0 {
        return None;
    }
    let left = (left.round() as i64).max(0);
    if left > warning {
        return None;
    }
    let level = if left <= critical {
        Level::Critical
    } else {
        Level::Warning
    };
    let predicted_at = now + left;
    let mut evidence = fit_evidence(&trusted, now);
    evidence.insert("predicted_full_at".to_string(), timestamp(predicted_at));
    evidence.insert("time_left".to_string(), human_duration(left));
    evidence.insert(
        "horizons".to_string(),
        format!(
            "critical within {}, warning within {}",
            human_duration(critical),
            human_duration(warning)
        ),
    );
    Some(Signal {
        level,
        summary: format!(
            "{} {} at {:.2} percentage points per hour (now {} used)",
            rule.what,
            in_about(left),
            fit.slope_per_hour(),
            percent(latest.value)
        ),
        predicted_at: Some(predicted_at),
        evidence,
    })
}
