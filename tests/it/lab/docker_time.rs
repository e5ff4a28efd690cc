//! Time as docker prints it: go-units' `HumanDuration` ("2 hours",
//! "Less than a second"), RFC 3339 with nanoseconds, and `docker ps`'s
//! `CreatedAt`. Transitions the shims apply later carry the placeholder
//! [`NOW`], replaced by the shim's clock when it applies them.

use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// Placeholder for "the moment the shim applies this variant".
pub(super) const NOW: &str = "@@NOW@@";
/// Go's zero time, docker's "never".
pub(super) const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// When something happened: a known moment, or the moment a shim applies a
/// transition.
#[derive(Clone, Copy, Debug)]
pub(super) enum Moment {
    At(Timestamp),
    ShimNow,
}

impl Moment {
    /// `now - ago`.
    pub(super) fn ago(now: Timestamp, ago: Duration) -> Self {
        let span = jiff::SignedDuration::try_from(ago).expect("lab durations are small");
        Self::At(
            now.checked_sub(span)
                .expect("lab durations stay after year 1"),
        )
    }

    /// RFC 3339 with nanoseconds, like Go's `time.RFC3339Nano`.
    pub(super) fn rfc3339(self) -> String {
        match self {
            Self::At(t) => t.to_string(),
            Self::ShimNow => NOW.to_string(),
        }
    }

    /// How long before `now` this was (zero for [`Moment::ShimNow`]).
    pub(super) fn elapsed(self, now: Timestamp) -> Duration {
        match self {
            Self::At(t) => Duration::try_from(now.duration_since(t)).unwrap_or_default(),
            Self::ShimNow => Duration::ZERO,
        }
    }

    /// Shifted back by `offset`.
    pub(super) fn minus(self, offset: Duration) -> Self {
        match self {
            Self::At(t) => {
                let span = jiff::SignedDuration::try_from(offset).expect("lab durations are small");
                Self::At(t.checked_sub(span).expect("lab times stay after year 1"))
            }
            Self::ShimNow => Self::ShimNow,
        }
    }

    /// Shifted by `offset` (e.g. health check times after a start).
    pub(super) fn plus(self, offset: Duration) -> Self {
        match self {
            Self::At(t) => {
                let span = jiff::SignedDuration::try_from(offset).expect("lab durations are small");
                Self::At(t.checked_add(span).expect("lab durations are small"))
            }
            Self::ShimNow => Self::ShimNow,
        }
    }
}

/// `docker ps`'s `CreatedAt`: `2024-05-01 09:00:00 +0000 UTC`.
pub(super) fn created_at(t: Timestamp) -> String {
    t.to_zoned_datetime(TimeZone::UTC)
        .strftime("%Y-%m-%d %H:%M:%S +0000 UTC")
        .to_string()
}

/// go-units `HumanDuration`, as in `Up 2 hours` and `Exited (1) 3 minutes ago`.
pub(super) fn human(d: Duration) -> String {
    let seconds = d.as_secs();
    let minutes = seconds / 60;
    let hours = ((d.as_secs_f64() / 3600.0) + 0.5) as u64;
    if seconds < 1 {
        "Less than a second".into()
    } else if seconds == 1 {
        "1 second".into()
    } else if seconds < 60 {
        format!("{seconds} seconds")
    } else if minutes == 1 {
        "About a minute".into()
    } else if minutes < 60 {
        format!("{minutes} minutes")
    } else if hours == 1 {
        "About an hour".into()
    } else if hours < 48 {
        format!("{hours} hours")
    } else if hours < 24 * 7 * 2 {
        format!("{} days", hours / 24)
    } else if hours < 24 * 30 * 2 {
        format!("{} weeks", hours / 24 / 7)
    } else if hours < 24 * 365 * 2 {
        format!("{} months", hours / 24 / 30)
    } else {
        format!("{} years", seconds / 3600 / 24 / 365)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_durations_match_go_units() {
        let s = Duration::from_secs;
        assert_eq!(human(Duration::from_millis(300)), "Less than a second");
        assert_eq!(human(s(1)), "1 second");
        assert_eq!(human(s(59)), "59 seconds");
        assert_eq!(human(s(60)), "About a minute");
        assert_eq!(human(s(180)), "3 minutes");
        assert_eq!(human(s(3600)), "About an hour");
        assert_eq!(human(s(2 * 3600)), "2 hours");
        assert_eq!(human(s(3 * 86400)), "3 days");
        assert_eq!(human(s(21 * 86400)), "3 weeks");
        assert_eq!(human(s(90 * 86400)), "3 months");
        assert_eq!(human(s(800 * 86400)), "2 years");
    }

    #[test]
    fn created_at_is_docker_ps_format() {
        let t: Timestamp = "2024-05-01T09:00:00Z".parse().expect("valid");
        assert_eq!(created_at(t), "2024-05-01 09:00:00 +0000 UTC");
        assert_eq!(
            Moment::At("2024-05-01T09:00:00.5Z".parse().expect("valid")).rfc3339(),
            "2024-05-01T09:00:00.5Z"
        );
    }
}
