//! `policy.retention`: how long samples stay raw, hourly and daily. Each
//! window must outlast the one before it, and raw samples must cover the
//! longest window a trend reads, or trend analysis would silently go blind.

use super::*;
use crate::analyze::trends::TrendPolicy;
use crate::config::raw::RawRetention;
use crate::store::RetentionPolicy;

/// Daily rollups kept longer than this are a typo, not a plan.
const LONGEST_DAILY: Duration = Duration::from_secs(20 * 366 * 86_400);

impl Resolver {
    pub(super) fn retention(
        &mut self,
        raw: Option<&Spanned<RawRetention>>,
        trends: &TrendPolicy,
        policy_location: &Location,
    ) -> RetentionPolicy {
        let defaults = RetentionPolicy::default();
        let Some(raw) = raw else {
            self.raw_covers_trends(policy_location, &defaults, trends);
            return defaults;
        };
        let policy = RetentionPolicy {
            raw: self.duration(raw.raw.as_ref(), "policy.retention.raw", defaults.raw),
            hourly: self.duration(
                raw.hourly.as_ref(),
                "policy.retention.hourly",
                defaults.hourly,
            ),
            daily: self.duration(raw.daily.as_ref(), "policy.retention.daily", defaults.daily),
        };
        let raw_location = raw.raw.as_ref().map_or(&raw.location, |v| &v.location);
        self.raw_covers_trends(raw_location, &policy, trends);
        if policy.hourly <= policy.raw {
            self.problem(
                &raw.location,
                format!(
                    "`policy.retention.hourly` ({}) must be longer than `raw` ({})",
                    human(policy.hourly),
                    human(policy.raw)
                ),
            );
        }
        if policy.daily <= policy.hourly {
            self.problem(
                &raw.location,
                format!(
                    "`policy.retention.daily` ({}) must be longer than `hourly` ({})",
                    human(policy.daily),
                    human(policy.hourly)
                ),
            );
        }
        if policy.daily > LONGEST_DAILY {
            self.problem(
                &raw.location,
                format!(
                    "`policy.retention.daily` ({}) must be at most 20 years",
                    human(policy.daily)
                ),
            );
        }
        policy
    }

    fn raw_covers_trends(
        &mut self,
        location: &Location,
        policy: &RetentionPolicy,
        trends: &TrendPolicy,
    ) {
        let needed = trends.longest_window();
        if policy.raw >= needed {
            return;
        }
        self.problem(
            location,
            format!(
                "`policy.retention.raw` ({}) is shorter than the longest trend window ({}); \
                 raise `policy.retention.raw` or shorten the trend windows",
                human(policy.raw),
                human(needed)
            ),
        );
    }
}

fn human(d: Duration) -> String {
    humantime::format_duration(d).to_string()
}
