//! Learning data: how fast medic detects, diagnoses and recovers from
//! failures, how often its fixes work and hold, and what keeps coming back —
//! the roadmap's "Metrics for Success", derived from the tables medic already
//! keeps (incidents, incident_events, actions, runs); nothing extra is stored.
//!
//! The period is the incidents *opened* in `[now − days, now]`; actions count
//! with their incident. Times are whole seconds; means are over the incidents
//! that have the value, rates are fractions, and both are None when there is
//! nothing to measure (never a division by zero).
//!
//! Per incident:
//! - started: `started_at` (best evidence of when the failure began, e.g. a
//!   container's FinishedAt) when known, else `opened_at`; never later than
//!   `opened_at` (a later one is clock skew: the failure was seen at opening).
//! - detected: `opened_at`. diagnosed: the first `diagnosed` event.
//!   recovered: `resolved_at`.
//! - fixed: resolved, with a `succeeded` action (automatic or approved).
//!
//! Metrics:
//! - time to detect: mean(opened − started), incidents with a known `started_at`.
//! - time to diagnose: mean(diagnosed − opened), incidents with a `diagnosed` event.
//! - time to recover: mean(resolved − started), resolved incidents.
//! - automatic fixes: succeeded / finished (succeeded, failed, interrupted)
//!   actions with approver `auto`; approved fixes: the same for actions a
//!   person approved. Running actions are not counted.
//! - fixes held: of the fixed incidents, those whose fingerprint did not open
//!   again within [`FIX_HOLD`] of the fix. A fix younger than that which has
//!   not broken yet is not judged (in neither count).
//! - false positives: incidents resolved without any action by the next sweep:
//!   `resolved − opened ≤ 1.5 × run interval`. The run interval is the median
//!   gap between the starts of the period's runs ([`DEFAULT_RUN_INTERVAL`] with
//!   fewer than two). 1.5, not 1: opening and resolving are written after each
//!   sweep's collection, so the next sweep's clear comes one interval plus the
//!   difference of two sweeps' durations later, and the sweep after next at
//!   about two intervals. Denominator: all incidents of the period.
//! - recurrence: of the resolved incidents, those whose fingerprint opened
//!   again within [`RECURRENCE`] of the resolution (and by `now`: a recent
//!   resolution may still recur).
//! - top kinds: incidents per kind, the fixed ones, their fix rate (fixed /
//!   incidents) and mean time to recover; most frequent first, [`TOP_KINDS`].

use jiff::Timestamp;
use rusqlite::{Connection, params};
use serde::Serialize;

use super::{StoreError, secs, timestamp};

/// A fix held when its fingerprint did not open again within this.
pub const FIX_HOLD: i64 = 3600;
/// An incident recurred when its fingerprint opened again within this.
pub const RECURRENCE: i64 = 30 * 86_400;
/// The run interval when the period has fewer than two runs.
pub const DEFAULT_RUN_INTERVAL: f64 = 60.0;
/// How many incident kinds `top_kinds` lists.
pub const TOP_KINDS: usize = 10;
/// False positive: resolved within this many run intervals (see the header).
const ONE_CYCLE: f64 = 1.5;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub now: Timestamp,
    pub since: Timestamp,
    pub days: u32,
    /// Incidents opened in the period, how many are still open, resolved,
    /// and fixed (resolved with a succeeded action).
    pub incidents: u64,
    pub open: u64,
    pub resolved: u64,
    pub fixed: u64,
    pub run_interval_seconds: f64,
    /// False: fewer than two runs in the period, the interval is the default.
    pub run_interval_measured: bool,
    pub time_to_detect: Mean,
    pub time_to_diagnose: Mean,
    pub time_to_recover: Mean,
    pub automatic_fixes: Rate,
    pub approved_fixes: Rate,
    pub fixes_held: Rate,
    pub false_positives: Rate,
    pub recurrence: Rate,
    pub top_kinds: Vec<KindStats>,
}

/// A mean duration over `count` incidents.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Mean {
    pub count: u64,
    pub seconds: Option<f64>,
}

/// `count` of `of`, and the fraction.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Rate {
    pub count: u64,
    pub of: u64,
    pub rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindStats {
    pub kind: String,
    pub incidents: u64,
    pub fixed: u64,
    pub fix_rate: Option<f64>,
    pub time_to_recover: Mean,
}

impl Mean {
    fn of(values: impl IntoIterator<Item = i64>) -> Mean {
        let (count, sum) = values
            .into_iter()
            .fold((0u64, 0i64), |(n, s), v| (n + 1, s + v));
        Mean {
            count,
            seconds: (count > 0).then(|| sum as f64 / count as f64),
        }
    }
}

impl Rate {
    pub fn new(count: u64, of: u64) -> Rate {
        Rate {
            count,
            of,
            rate: (of > 0).then(|| count as f64 / of as f64),
        }
    }
}

/// One incident of the period, with what the other tables say about it.
struct Incident {
    kind: String,
    started: i64,
    started_known: bool,
    opened: i64,
    resolved: Option<i64>,
    diagnosed: Option<i64>,
    actions: i64,
    succeeded: bool,
    /// When its fingerprint next opened (by `now`) after it resolved.
    reopened: Option<i64>,
}

impl Incident {
    fn fixed(&self) -> bool {
        self.resolved.is_some() && self.succeeded
    }

    /// Its fingerprint opened again within `limit` seconds of its resolution.
    fn reopened_within(&self, limit: i64) -> bool {
        matches!((self.resolved, self.reopened), (Some(r), Some(n)) if n - r <= limit)
    }

    fn recover(&self) -> Option<i64> {
        self.resolved.map(|r| r - self.started)
    }
}

pub fn stats(conn: &Connection, now: Timestamp, days: u32) -> Result<Stats, StoreError> {
    let now_s = secs(now);
    let since_s = now_s.saturating_sub(i64::from(days) * 86_400);
    let incidents = incidents(conn, since_s, now_s)?;
    let (interval, measured) = match median_gap(&run_starts(conn, since_s, now_s)?) {
        Some(gap) => (gap, true),
        None => (DEFAULT_RUN_INTERVAL, false),
    };
    let count = |f: &dyn Fn(&&Incident) -> bool| incidents.iter().filter(f).count() as u64;
    let resolved = count(&|i| i.resolved.is_some());
    let fixed = count(&|i| i.fixed());
    let broke = count(&|i| i.fixed() && i.reopened_within(FIX_HOLD));
    let held = count(&|i| {
        i.fixed()
            && !i.reopened_within(FIX_HOLD)
            && i.resolved.is_some_and(|r| now_s - r >= FIX_HOLD)
    });
    let false_positives = count(&|i| {
        i.actions == 0
            && i.resolved
                .is_some_and(|r| (r - i.opened) as f64 <= ONE_CYCLE * interval)
    });
    let recurred = count(&|i| i.reopened_within(RECURRENCE));
    let (automatic_fixes, approved_fixes) = action_rates(conn, since_s, now_s)?;
    Ok(Stats {
        now: timestamp(now_s),
        since: timestamp(since_s),
        days,
        incidents: incidents.len() as u64,
        open: incidents.len() as u64 - resolved,
        resolved,
        fixed,
        run_interval_seconds: interval,
        run_interval_measured: measured,
        time_to_detect: Mean::of(
            incidents
                .iter()
                .filter(|i| i.started_known)
                .map(|i| i.opened - i.started),
        ),
        time_to_diagnose: Mean::of(
            incidents
                .iter()
                .filter_map(|i| i.diagnosed.map(|d| d - i.opened)),
        ),
        time_to_recover: Mean::of(incidents.iter().filter_map(Incident::recover)),
        automatic_fixes,
        approved_fixes,
        fixes_held: Rate::new(held, held + broke),
        false_positives: Rate::new(false_positives, incidents.len() as u64),
        recurrence: Rate::new(recurred, resolved),
        top_kinds: top_kinds(&incidents),
    })
}

fn incidents(conn: &Connection, since: i64, now: i64) -> Result<Vec<Incident>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT i.kind, i.started_at, i.opened_at, i.resolved_at,
            (SELECT min(e.at) FROM incident_events e WHERE e.incident_id = i.id AND e.kind = 'diagnosed'),
            (SELECT count(*) FROM actions a WHERE a.incident_id = i.id),
            EXISTS (SELECT 1 FROM actions a WHERE a.incident_id = i.id AND a.status = 'succeeded'),
            (SELECT min(n.opened_at) FROM incidents n
             WHERE n.fingerprint = i.fingerprint AND n.id != i.id
               AND n.opened_at >= i.resolved_at AND n.opened_at <= ?2)
         FROM incidents i WHERE i.opened_at >= ?1 AND i.opened_at <= ?2 ORDER BY i.id",
    )?;
    let rows = stmt.query_map(params![since, now], |r| {
        let started_at: Option<i64> = r.get(1)?;
        let opened: i64 = r.get(2)?;
        Ok(Incident {
            kind: r.get(0)?,
            started: started_at.map_or(opened, |s| s.min(opened)),
            started_known: started_at.is_some(),
            opened,
            resolved: r.get(3)?,
            diagnosed: r.get(4)?,
            actions: r.get(5)?,
            succeeded: r.get(6)?,
            reopened: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// (automatic, approved by people): succeeded of the finished actions.
fn action_rates(conn: &Connection, since: i64, now: i64) -> Result<(Rate, Rate), StoreError> {
    let mut stmt = conn.prepare(
        "SELECT a.approver = 'auto', count(*), coalesce(sum(a.status = 'succeeded'), 0)
         FROM actions a JOIN incidents i ON i.id = a.incident_id
         WHERE i.opened_at >= ?1 AND i.opened_at <= ?2
           AND a.status IN ('succeeded', 'failed', 'interrupted')
         GROUP BY 1",
    )?;
    let (mut automatic, mut approved) = (Rate::new(0, 0), Rate::new(0, 0));
    let rows = stmt.query_map(params![since, now], |r| {
        Ok((
            r.get::<_, bool>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    for row in rows {
        let (auto, finished, succeeded) = row?;
        let rate = Rate::new(succeeded as u64, finished as u64);
        if auto {
            automatic = rate;
        } else {
            approved = rate;
        }
    }
    Ok((automatic, approved))
}

fn run_starts(conn: &Connection, since: i64, now: i64) -> Result<Vec<i64>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT started_at FROM runs WHERE started_at >= ?1 AND started_at <= ?2 ORDER BY started_at",
    )?;
    let rows = stmt.query_map(params![since, now], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The median gap between consecutive (sorted) times; None with fewer than two.
fn median_gap(starts: &[i64]) -> Option<f64> {
    let mut gaps: Vec<i64> = starts.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.sort_unstable();
    let mid = gaps.len() / 2;
    match gaps.len() {
        0 => None,
        n if n % 2 == 1 => Some(gaps[mid] as f64),
        _ => Some((gaps[mid - 1] + gaps[mid]) as f64 / 2.0),
    }
}

fn top_kinds(incidents: &[Incident]) -> Vec<KindStats> {
    let mut kinds: Vec<&str> = incidents.iter().map(|i| i.kind.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let mut top: Vec<KindStats> = kinds
        .into_iter()
        .map(|kind| {
            let of_kind = || incidents.iter().filter(move |i| i.kind == kind);
            let total = of_kind().count() as u64;
            let fixed = of_kind().filter(|i| i.fixed()).count() as u64;
            KindStats {
                kind: kind.to_string(),
                incidents: total,
                fixed,
                fix_rate: Rate::new(fixed, total).rate,
                time_to_recover: Mean::of(of_kind().filter_map(Incident::recover)),
            }
        })
        .collect();
    // Stable: equal counts stay in kind order.
    top.sort_by_key(|k| std::cmp::Reverse(k.incidents));
    top.truncate(TOP_KINDS);
    top
}

#[cfg(test)]
mod tests;
