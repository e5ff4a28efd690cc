//! Trends: takes time series of samples (points of one metric of one target,
//! read from SQLite by the caller), the injected `now` and a `TrendPolicy`;
//! gives at most one `Signal` per series: a warning or critical finding with
//! the numbers that justify it and, where there is one, the predicted time of
//! the bad thing. Pure: no I/O and no clock.
//!
//! The rules, in brief (defaults in `policy.rs`):
//!
//! - **Trusting a fit** (disk, swap, memory): only points in `(now - window,
//!   now]` count. At least `min_points` points spanning at least
//!   `min_span_fraction` of the window, a least-squares fit with
//!   `r² >= min_r_squared` AND a slope whose t-statistic
//!   (`|slope| / standard error`) is at least `min_slope_t`. For a flat
//!   series with independent noise, r² is about `1/n`, so from about 20
//!   points on the r² rule (r² of 0.5 needs `t >= sqrt(n - 2)`) makes a
//!   false trend practically impossible (none in 20 000 seeded runs at 36 or
//!   more points); at the 10-18 points of a sparse series the t rule holds
//!   false trends to the t-distribution's tail, about 4 in 10 000 evaluations
//!   at 10-12 points. A real fill's line explains most of the variance. A
//!   constant series has r² = 0 (nothing to explain).
//! - **Cleanups (sawtooth)**: a fall of at least `*_reset_drop_percent`
//!   percentage points between two consecutive samples (for memory: a rise of
//!   `memory_reset_rise_percent`, memory freed) starts a new segment when it
//!   is also more than 5 times the median step between samples and the next
//!   3 samples stay that far below the median of the 3 before it. Only the
//!   segment after the last such jump is fitted, and it must meet the point
//!   and span rules on its own: after a cleanup nothing is predicted until
//!   the new growth spans a third of the window. Jumps the size of the noise
//!   never cut (cutting at a noisy low sample would bias the slope upwards);
//!   a gradual or noise-sized cleanup stays in the fit and only flattens the
//!   slope, which predicts later, never sooner.
//! - **Disk / swap**: the fit must rise; predicted_at is when the line
//!   reaches 100% (never before `now`). Critical when it is within
//!   `*_critical_within`, warning within `*_warning_within`, else nothing. A
//!   series whose latest sample is already at or over 100% gives nothing: a
//!   full disk is the threshold finding's business, and a full but stable
//!   swap is a state, not a trend (memory pressure is the memory rule's).
//! - **Memory** (available %): critical when every sample of the trailing
//!   run at or under `memory_floor_percent` spans at least `memory_sustained`
//!   (predicted_at: the first sample of that run); otherwise warning when the
//!   fit falls and crosses the floor within `memory_warning_within`.
//! - **Restarts** (a cumulative counter): the increments between consecutive
//!   samples, a drop counting as a reset after which the new value is new
//!   restarts; each increment belongs to the later sample's time. Warning
//!   when the last `restart_window` has at least `restart_min_count` restarts
//!   and at least `restart_factor` times the hourly rate of the
//!   `restart_baseline` before it (unobserved time counts as no restarts, so a
//!   first burst meets a baseline of 0). The first sample is a starting
//!   point, never a burst.
//! - **Latency**: warning when the median of the last `latency_window` is at
//!   least `latency_factor` times the median of the `latency_baseline` before
//!   it AND at least `latency_floor_ms`, with enough points in both windows.
//!   The caller passes successful checks' latencies only.
//! - **Certificate**: critical when `not_after - now <= 3 days` (or expired),
//!   warning when `<= 14 days`; predicted_at is `not_after`.
//!
//! Thresholds compare with "at or beyond": a value exactly at a threshold
//! fires.

mod certificate;
mod fit;
mod format;
mod latency;
mod memory;
mod policy;
mod restarts;
mod rising;

use std::collections::BTreeMap;

use serde::Serialize;

pub use certificate::certificate;
pub use fit::{Fit, linear_fit};
pub use format::human_duration;
pub use latency::latency;
pub use memory::memory;
pub use policy::TrendPolicy;
pub use restarts::restarts;
pub use rising::{disk, swap};

/// One sample of a series: when (unix seconds) and what.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    pub at: i64,
    pub value: f64,
}

impl Point {
    pub fn new(at: i64, value: f64) -> Point {
        Point { at, value }
    }
}

/// How urgent a trend is; `Critical` sorts above `Warning`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Warning,
    Critical,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Warning => "warning",
            Level::Critical => "critical",
        }
    }
}

impl From<Level> for super::Severity {
    fn from(level: Level) -> Self {
        match level {
            Level::Warning => super::Severity::Warning,
            Level::Critical => super::Severity::Critical,
        }
    }
}

/// A trend worth a finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Signal {
    pub level: Level,
    /// One lowercase sentence with the numbers, without the target's name
    /// (the caller prepends it).
    pub summary: String,
    /// When the bad thing happens: full, swap exhausted, floor crossed,
    /// certificate expires. None where nothing is predicted (restarts,
    /// latency).
    pub predicted_at: Option<i64>,
    /// The numbers behind the decision, each with its unit.
    pub evidence: BTreeMap<String, String>,
}

#[cfg(test)]
mod tests;
