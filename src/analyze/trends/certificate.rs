//! Certificate expiry: takes an HTTPS check's certificate `not_after` (unix
//! seconds), `now` and the policy; gives a critical `Signal` when at most
//! `certificate_critical_within` is left (or it has expired), a warning when
//! at most `certificate_warning_within` is left, else None. predicted_at is
//! `not_after`.

use super::format::{evidence, human_duration, timestamp};
use super::policy::{TrendPolicy, secs};
use super::{Level, Signal};

pub fn certificate(not_after: i64, now: i64, policy: &TrendPolicy) -> Option<Signal> {
    let left = not_after.saturating_sub(now);
    let (warning, critical) = (
        secs(policy.certificate_warning_within),
        secs(policy.certificate_critical_within),
    );
    let level = if left <= critical {
        Level::Critical
    } else if left <= warning {
        Level::Warning
    } else {
        return None;
    };
    let summary = if left <= 0 {
        format!(
            "certificate expired {} ago ({})",
            human_duration(left),
            timestamp(not_after)
        )
    } else {
        format!(
            "certificate expires in {} (on {})",
            human_duration(left),
            timestamp(not_after)
        )
    };
    Some(Signal {
        level,
        summary,
        predicted_at: Some(not_after),
        evidence: evidence([
            ("not_after", timestamp(not_after)),
            (
                "time_left",
                if left <= 0 {
                    "expired".to_string()
                } else {
                    human_duration(left)
                },
            ),
            ("days_left", format!("{:.2}", left as f64 / 86400.0)),
            (
                "thresholds",
                format!(
                    "critical within {}, warning within {}",
                    human_duration(critical),
                    human_duration(warning)
                ),
            ),
        ]),
    })
}
