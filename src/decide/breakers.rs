//! Circuit breakers: takes past attempts, breaker resets, a pause and `now`;
//! gives the numbers the guardrails compare with the policy (consecutive
//! failures per target, automatic attempts per target in the rolling hour,
//! the automatic failure rate) and the sentences that explain a stop.

use std::time::Duration;

use jiff::Timestamp;

use super::input::{Attempt, BreakerReset, Pause};
use crate::config::policy::Policy;

/// The rolling window of `Policy::max_attempts_per_hour`.
pub const RATE_LIMIT_WINDOW: Duration = Duration::from_secs(3600);

/// Failed or interrupted attempts on the target since the latest of its last
/// success and its latest breaker reset (an attempt at the very instant of a
/// reset is before it). Every attempt counts, automatic or approved.
pub fn consecutive_failures(
    target_key: &str,
    attempts: &[Attempt],
    resets: &[BreakerReset],
) -> u32 {
    let on_target = || attempts.iter().filter(|a| a.target_key == target_key);
    let last_success = on_target()
        .filter(|a| !a.outcome.failed())
        .map(|a| a.at)
        .max();
    let last_reset = resets
        .iter()
        .filter(|r| r.target_key == target_key)
        .map(|r| r.at)
        .max();
    // None sorts before any Some: no success and no reset counts everything.
    let since = last_success.max(last_reset);
    count(on_target().filter(|a| a.outcome.failed() && since.is_none_or(|s| a.at > s)))
}

/// Automatic attempts on the target in the rolling hour before `now`
/// (`at > now - 1h`), whatever their outcome.
pub fn recent_automatic_attempts(target_key: &str, attempts: &[Attempt], now: Timestamp) -> u32 {
    let since = window_start(now, RATE_LIMIT_WINDOW);
    count(
        attempts
            .iter()
            .filter(|a| a.target_key == target_key && a.approver.is_automatic() && a.at > since),
    )
}

/// Automatic attempts on all targets within a window, and how many failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AutomaticFailures {
    pub attempts: u32,
    pub failed: u32,
}

impl AutomaticFailures {
    /// Automatic attempts in `window` before `now` (`at > now - window`).
    pub fn recent(attempts: &[Attempt], now: Timestamp, window: Duration) -> Self {
        let since = window_start(now, window);
        let recent = || {
            attempts
                .iter()
                .filter(move |a| a.approver.is_automatic() && a.at > since)
        };
        AutomaticFailures {
            attempts: count(recent()),
            failed: count(recent().filter(|a| a.outcome.failed())),
        }
    }

    /// The failed share in percent; 0 without attempts.
    pub fn percent(&self) -> f64 {
        if self.attempts == 0 {
            return 0.0;
        }
        f64::from(self.failed) * 100.0 / f64::from(self.attempts)
    }

    /// Whether the policy pauses automatic fixes: enough attempts, and a
    /// failed share strictly above the limit.
    pub fn trips(&self, policy: &Policy) -> bool {
        self.attempts > 0
            && self.attempts >= policy.failure_rate_min_attempts
            && self.percent() > policy.failure_rate_percent
    }

    /// The pause sentence when the rate trips the policy.
    pub fn pause_reason(&self, policy: &Policy) -> Option<String> {
        self.trips(policy).then(|| {
            format!(
                "automatic fixes paused: {} of {} automatic fixes in the last {} failed ({}%, limit {}%)",
                self.failed,
                self.attempts,
                window_text(policy.failure_rate_window),
                percent_text(self.percent()),
                percent_text(policy.failure_rate_percent),
            )
        })
    }
}

/// "paused by Ada: upgrading the nas", "paused: PAUSE committed".
pub fn pause_reason(pause: &Pause) -> String {
    let who = match &pause.by {
        Some(by) => format!("paused by {by}"),
        None => "paused".to_string(),
    };
    match pause.reason.trim() {
        "" => who,
        reason => format!("{who}: {reason}"),
    }
}

fn window_start(now: Timestamp, window: Duration) -> Timestamp {
    now.saturating_sub(window).unwrap_or(Timestamp::MIN)
}

fn count<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}

/// "24h", "30m", "90s": the largest unit that divides the window.
fn window_text(window: Duration) -> String {
    let secs = window.as_secs();
    if secs >= 3600 && secs.is_multiple_of(3600) {
        format!("{}h", secs / 3600)
    } else if secs >= 60 && secs.is_multiple_of(60) {
        format!("{}m", secs / 60)
    } else {
        format!("{secs}s")
    }
}

/// "25", "33.3": whole percentages without decimals, others to one.
fn percent_text(percent: f64) -> String {
    let tenths = (percent * 10.0).round();
    if tenths % 10.0 == 0.0 {
        format!("{:.0}", tenths / 10.0)
    } else {
        format!("{:.1}", tenths / 10.0)
    }
}
