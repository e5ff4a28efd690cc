//! The safety policy: circuit-breaker limits, approval expiry, and which
//! host tags raise a plan's risk. Every number has the roadmap's default; the
//! inventory's `policy:` section may change them, never switch them off.

use std::collections::BTreeSet;
use std::time::Duration;

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policy {
    /// Automatic fix attempts per target in any rolling hour.
    pub max_attempts_per_hour: u32,
    /// Consecutive failed fixes on a target after which medic stops fixing
    /// it and escalates, until it is healthy again or a person resets it.
    pub max_consecutive_failures: u32,
    /// All automatic fixes pause when more than this share of the automatic
    /// fixes in `failure_rate_window` failed ...
    pub failure_rate_percent: f64,
    /// ... and there were at least this many of them.
    pub failure_rate_min_attempts: u32,
    pub failure_rate_window: Duration,
    /// A pending approval not decided within this time expires.
    pub approval_ttl: Duration,
    /// Host tags marking production data: any plan on such a host is blocked.
    pub data_tags: BTreeSet<String>,
    /// Host tags of critical tiers: a plan's risk goes up one level.
    pub critical_tags: BTreeSet<String>,
    /// How long verification re-probes a target before calling a fix failed,
    /// unless the playbook says otherwise.
    pub verify_timeout: Duration,
    /// Consecutive failing sweeps before an incident opens (checks may override).
    pub open_after: u32,
    /// Consecutive healthy sweeps before an incident resolves (checks may
    /// override); a fix that verified resolves at once.
    pub resolve_after: u32,
    /// A target whose state changed this often within `flapping_window` is
    /// flapping: medic stops fixing it and escalates.
    pub flapping_changes: u32,
    pub flapping_window: Duration,
    /// The thresholds of trend analysis (the defaults).
    pub trends: crate::analyze::trends::TrendPolicy,
    /// How long samples are kept raw, hourly and daily.
    pub retention: crate::store::RetentionPolicy,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            max_attempts_per_hour: 3,
            max_consecutive_failures: 2,
            failure_rate_percent: 10.0,
            failure_rate_min_attempts: 10,
            failure_rate_window: Duration::from_secs(24 * 3600),
            approval_ttl: Duration::from_secs(24 * 3600),
            data_tags: ["production-data".to_string()].into(),
            critical_tags: ["critical".to_string()].into(),
            verify_timeout: Duration::from_secs(60),
            open_after: 1,
            resolve_after: 2,
            flapping_changes: 4,
            flapping_window: Duration::from_secs(20 * 60),
            trends: Default::default(),
            retention: Default::default(),
        }
    }
}
