//! Wording shared by the trend rules: durations as people say them
//! (`3h 12m`), timestamps as RFC 3339, and the evidence of a trusted fit.
//! Takes numbers; gives strings.

use std::collections::BTreeMap;

use super::fit::Trusted;

/// `45s` → `under a minute`, `3h 12m`, `2d 4h`; rounded to the minute,
/// days only from 48 hours on. Negative durations read as their size.
pub fn human_duration(seconds: i64) -> String {
    let seconds = seconds.unsigned_abs();
    if seconds < 60 {
        return "under a minute".to_string();
    }
    let minutes = (seconds + 30) / 60;
    let (hours, minutes) = (minutes / 60, minutes % 60);
    let (days, hours_of_day) = (hours / 24, hours % 24);
    match (hours, minutes) {
        (0, m) => format!("{m}m"),
        (h, 0) if h < 48 => format!("{h}h"),
        (h, m) if h < 48 => format!("{h}h {m}m"),
        _ if hours_of_day == 0 => format!("{days}d"),
        _ => format!("{days}d {hours_of_day}h"),
    }
}

/// `in about 3h 12m`, or `within a minute`.
pub(super) fn in_about(seconds: i64) -> String {
    if seconds < 60 {
        "within a minute".to_string()
    } else {
        format!("in about {}", human_duration(seconds))
    }
}

/// RFC 3339 in UTC, or the raw number if out of range.
pub(super) fn timestamp(at: i64) -> String {
    jiff::Timestamp::from_second(at)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| format!("unix {at}"))
}

pub(super) fn percent(value: f64) -> String {
    format!("{value:.1}%")
}

/// A percentage-point rate, signed: `+2.10 percentage points per hour`.
pub(super) fn points_per_hour(rate: f64) -> String {
    format!("{rate:+.2} percentage points per hour")
}

pub(super) fn evidence<const N: usize>(pairs: [(&str, String); N]) -> BTreeMap<String, String> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// What a trusted fit rests on, for any percentage series.
pub(super) fn fit_evidence(trusted: &Trusted, now: i64) -> BTreeMap<String, String> {
    let fit = &trusted.fit;
    let mut out = evidence([
        ("window", human_duration(trusted.window)),
        ("points", trusted.points.len().to_string()),
        ("span", human_duration(trusted.span())),
        ("slope", points_per_hour(fit.slope_per_hour())),
        ("r_squared", format!("{:.3}", fit.r_squared)),
        ("slope_t", format!("{:.1}", fit.slope_t())),
        ("fitted_now", percent(fit.value_at(now))),
    ]);
    if let Some(latest) = trusted.latest() {
        out.insert("current".to_string(), percent(latest.value));
        out.insert("current_at".to_string(), timestamp(latest.at));
    }
    if let Some(cut) = trusted.cut {
        out.insert(
            "segment_start".to_string(),
            format!(
                "{} (after a jump of {:.1} percentage points; earlier points ignored)",
                timestamp(cut.at),
                cut.by
            ),
        );
    }
    out
}
