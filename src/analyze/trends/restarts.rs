//! Restart frequency: takes a cumulative restart counter (docker's
//! RestartCount, systemd's NRestarts), `now` and the policy; gives a warning
//! `Signal` when the last `restart_window` holds at least `restart_min_count`
//! restarts and at least `restart_factor` times the baseline's hourly rate,
//! or None.
//!
//! The counter only grows; a drop means the container was recreated (or the
//! unit's counter reset), and the new value counts as restarts since then.
//! Each increment is dated by the later of its two samples. The first sample
//! is only a starting point: a counter that is already high says nothing
//! about when those restarts happened.

use super::Point;
use super::fit::between;
use super::format::{evidence, human_duration};
use super::policy::{TrendPolicy, at_least, secs};
use super::{Level, Signal};

pub fn restarts(restart_count: &[Point], now: i64, policy: &TrendPolicy) -> Option<Signal> {
    let window = secs(policy.restart_window);
    let baseline = secs(policy.restart_baseline);
    let recent_from = now.saturating_sub(window);
    let baseline_from = recent_from.saturating_sub(baseline);
    // One sample before the baseline gives its first increment a start.
    let points = between(restart_count, i64::MIN, now);
    let (mut recent, mut before, mut resets) = (0.0, 0.0, 0u32);
    for pair in points.windows(2) {
        let (prev, cur) = (pair[0], pair[1]);
        if cur.at <= baseline_from {
            continue;
        }
        let increment = if cur.value >= prev.value {
            cur.value - prev.value
        } else {
            resets += 1;
            cur.value.max(0.0)
        };
        if cur.at > recent_from {
            recent += increment;
        } else {
            before += increment;
        }
    }
    let hours = baseline as f64 / 3600.0;
    let rate = if hours > 0.0 { before / hours } else { 0.0 };
    let window_hours = window as f64 / 3600.0;
    let recent_rate = if window_hours > 0.0 {
        recent / window_hours
    } else {
        recent
    };
    let fires = at_least(recent, f64::from(policy.restart_min_count))
        && at_least(recent_rate, policy.restart_factor * rate);
    if !fires {
        return None;
    }
    let against = if before == 0.0 {
        format!("with none in the {} before", human_duration(baseline))
    } else {
        format!(
            "{:.1}x the rate of the {} before ({:.2} per hour)",
            recent_rate / rate,
            human_duration(baseline),
            rate
        )
    };
    let mut evidence = evidence([
        ("recent_window", human_duration(window)),
        ("recent_restarts", format!("{recent:.0}")),
        ("recent_per_hour", format!("{recent_rate:.2}")),
        ("baseline_window", human_duration(baseline)),
        ("baseline_restarts", format!("{before:.0}")),
        ("baseline_per_hour", format!("{rate:.2}")),
        (
            "rule",
            format!(
                "at least {} restarts and {}x the baseline rate",
                policy.restart_min_count, policy.restart_factor
            ),
        ),
    ]);
    if resets > 0 {
        evidence.insert("counter_resets".to_string(), resets.to_string());
    }
    if rate > 0.0 {
        evidence.insert("ratio".to_string(), format!("{:.2}", recent_rate / rate));
    }
    Some(Signal {
        level: Level::Warning,
        summary: format!(
            "restarted {recent:.0} times in {}, {against}",
            the_last(window)
        ),
        predicted_at: None,
        evidence,
    })
}

/// `the last hour`, `the last 30m`.
fn the_last(seconds: i64) -> String {
    if seconds == 3600 {
        "the last hour".to_string()
    } else {
        format!("the last {}", human_duration(seconds))
    }
}
