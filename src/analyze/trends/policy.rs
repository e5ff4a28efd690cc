//! The trend policy: every window, horizon, floor and factor the trend rules
//! use, with the defaults. Takes nothing; gives `TrendPolicy`.

use std::time::Duration;

use serde::Serialize;

const MINUTE: u64 = 60;
const HOUR: u64 = 3600;
const DAY: u64 = 24 * HOUR;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendPolicy {
    /// Fewest points a fit (or a median) may rest on.
    pub min_points: usize,
    /// The points must span at least this share of the window.
    pub min_span_fraction: f64,
    /// A fit predicts only when it explains at least this share of the
    /// variance ...
    pub min_r_squared: f64,
    /// ... and its slope is at least this many standard errors from zero.
    pub min_slope_t: f64,

    /// Disk used %: the fit's window, the horizons of a warning and of a
    /// critical prediction, and the fall between two samples that counts as
    /// a cleanup.
    pub disk_window: Duration,
    pub disk_warning_within: Duration,
    pub disk_critical_within: Duration,
    pub disk_reset_drop_percent: f64,

    /// Swap used %: the same four knobs.
    pub swap_window: Duration,
    pub swap_warning_within: Duration,
    pub swap_critical_within: Duration,
    pub swap_reset_drop_percent: f64,

    /// Memory available %: the floor, the fit's window, the horizon of a
    /// warning, how long under the floor is critical, and the rise between
    /// two samples that counts as memory freed.
    pub memory_floor_percent: f64,
    pub memory_window: Duration,
    pub memory_warning_within: Duration,
    pub memory_sustained: Duration,
    pub memory_reset_rise_percent: f64,

    /// Restarts: the recent window, the baseline before it, the fewest
    /// restarts and the factor over the baseline's rate.
    pub restart_window: Duration,
    pub restart_baseline: Duration,
    pub restart_min_count: u32,
    pub restart_factor: f64,

    /// Latency: the recent window, the baseline before it, the factor of
    /// the medians, the absolute floor, and the fewest points in each window.
    pub latency_window: Duration,
    pub latency_baseline: Duration,
    pub latency_factor: f64,
    pub latency_floor_ms: f64,
    pub latency_min_recent_points: usize,
    pub latency_min_baseline_points: usize,

    /// Certificates: time left that warns, and that is critical.
    pub certificate_warning_within: Duration,
    pub certificate_critical_within: Duration,
}

impl Default for TrendPolicy {
    fn default() -> Self {
        TrendPolicy {
            min_points: 10,
            min_span_fraction: 1.0 / 3.0,
            min_r_squared: 0.5,
            min_slope_t: 5.0,

            disk_window: Duration::from_secs(6 * HOUR),
            disk_warning_within: Duration::from_secs(DAY),
            disk_critical_within: Duration::from_secs(4 * HOUR),
            disk_reset_drop_percent: 3.0,

            swap_window: Duration::from_secs(6 * HOUR),
            swap_warning_within: Duration::from_secs(DAY),
            swap_critical_within: Duration::from_secs(4 * HOUR),
            swap_reset_drop_percent: 5.0,

            memory_floor_percent: 10.0,
            memory_window: Duration::from_secs(3 * HOUR),
            memory_warning_within: Duration::from_secs(6 * HOUR),
            memory_sustained: Duration::from_secs(15 * MINUTE),
            memory_reset_rise_percent: 5.0,

            restart_window: Duration::from_secs(HOUR),
            restart_baseline: Duration::from_secs(DAY),
            restart_min_count: 3,
            restart_factor: 3.0,

            latency_window: Duration::from_secs(30 * MINUTE),
            latency_baseline: Duration::from_secs(7 * DAY),
            latency_factor: 2.0,
            latency_floor_ms: 100.0,
            latency_min_recent_points: 5,
            latency_min_baseline_points: 20,

            certificate_warning_within: Duration::from_secs(14 * DAY),
            certificate_critical_within: Duration::from_secs(3 * DAY),
        }
    }
}

impl TrendPolicy {
    /// How far back any trend reads raw samples: retention must keep at
    /// least this much raw history or trends would go blind.
    pub fn longest_window(&self) -> Duration {
        [
            self.disk_window,
            self.swap_window,
            self.memory_window,
            self.restart_window + self.restart_baseline,
            self.latency_window + self.latency_baseline,
        ]
        .into_iter()
        .max()
        .unwrap_or_default()
    }
}

/// A policy duration in whole seconds, saturating.
pub(super) fn secs(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

/// `value >= threshold`, forgiving the last bits of floating-point error so a
/// value computed to be exactly at a threshold counts as at it.
pub(super) fn at_least(value: f64, threshold: f64) -> bool {
    value >= threshold - 1e-9 * threshold.abs().max(1.0)
}
