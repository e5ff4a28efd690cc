//! Retention of the time series, so the database stays bounded for years.
//! Raw `samples` are kept for a window (14 days by default), then folded into
//! `samples_hourly` (min, max, mean and count per target, metric and hour);
//! hourly rows older than a second window (90 days) fold into `samples_daily`,
//! and daily rows older than five years are deleted. `apply` does the three
//! steps in one transaction and is idempotent; `retention_marks` remembers the
//! cutoffs already applied, so the minutes in which no hour crossed the window
//! cost one read. `series` reads a trend across raw and rolled-up rows.
//!
//! Cutoffs are aligned (raw: to the hour, hourly: to the UTC day), so an hour
//! or a day is always rolled whole. Every step walks the series one at a time
//! through the `(target_id, metric, time)` primary keys: no step scans a table.

use std::time::Duration;

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::{StoreError, secs};

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// How long each resolution is kept, counted back from now.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RetentionPolicy {
    /// Raw samples (one per sweep); older ones become hourly rows.
    pub raw: Duration,
    /// Hourly rollups; older ones become daily rows.
    pub hourly: Duration,
    /// Daily rollups; older ones are deleted.
    pub daily: Duration,
}

impl Default for RetentionPolicy {
    /// 14 days raw, 90 days hourly, 5 years (1826 days) daily.
    fn default() -> Self {
        let days = |n: u64| Duration::from_secs(n * DAY as u64);
        Self {
            raw: days(14),
            hourly: days(90),
            daily: days(1826),
        }
    }
}

/// What one `apply` did; all zero when nothing crossed a window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionReport {
    /// Raw samples folded into hourly rows and deleted.
    pub raw_rolled: u64,
    /// Hourly rows written (new or merged).
    pub hourly_written: u64,
    /// Hourly rows folded into daily rows and deleted.
    pub hourly_rolled: u64,
    /// Daily rows written (new or merged).
    pub daily_written: u64,
    /// Daily rows older than the daily window, deleted.
    pub daily_pruned: u64,
}

impl RetentionReport {
    pub fn is_noop(&self) -> bool {
        *self == Self::default()
    }
}

/// The series' target, by id or by key (`nas`, `nas/container/calibre`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetRef<'a> {
    Id(i64),
    Key(&'a str),
}

impl From<i64> for TargetRef<'_> {
    fn from(id: i64) -> Self {
        TargetRef::Id(id)
    }
}

impl<'a> From<&'a str> for TargetRef<'a> {
    fn from(key: &'a str) -> Self {
        TargetRef::Key(key)
    }
}

/// Times before which rows were (or are to be) rolled up or deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Marks {
    raw: i64,
    hourly: i64,
    daily: i64,
}

impl Marks {
    fn due(now: i64, policy: &RetentionPolicy) -> Self {
        let before = |window: Duration, step: i64| {
            let window = i64::try_from(window.as_secs()).unwrap_or(i64::MAX);
            now.saturating_sub(window).div_euclid(step) * step
        };
        Marks {
            raw: before(policy.raw, HOUR),
            hourly: before(policy.hourly, DAY),
            daily: before(policy.daily, DAY),
        }
    }

    fn read(conn: &Connection) -> Result<Self, StoreError> {
        let marks = conn
            .query_row(
                "SELECT raw_before, hourly_before, daily_before FROM retention_marks WHERE id = 1",
                [],
                |row| {
                    Ok(Marks {
                        raw: row.get(0)?,
                        hourly: row.get(1)?,
                        daily: row.get(2)?,
                    })
                },
            )
            .optional()?;
        Ok(marks.unwrap_or(Marks {
            raw: i64::MIN,
            hourly: i64::MIN,
            daily: i64::MIN,
        }))
    }
}

/// Rolls up and prunes what `policy` says is past its window at `now`, in
/// one transaction. Running it again at the same `now` changes nothing.
pub fn apply(
    conn: &Connection,
    now: Timestamp,
    policy: &RetentionPolicy,
) -> Result<RetentionReport, StoreError> {
    let due = Marks::due(secs(now), policy);
    let done = Marks::read(conn)?;
    if due.raw <= done.raw && due.hourly <= done.hourly && due.daily <= done.daily {
        return Ok(RetentionReport::default());
    }
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let done = Marks::read(&tx)?;
    let mut report = RetentionReport::default();
    // A step also runs when the one before it wrote rows already past the
    // step's own cutoff (samples that arrived late, or a policy whose hourly
    // window is shorter than its raw one), so they go all the way in one run.
    let mut oldest_hour = None;
    if due.raw > done.raw {
        let folded = fold(&tx, &RAW_TO_HOURLY, due.raw)?;
        (report.raw_rolled, report.hourly_written, oldest_hour) = folded;
    }
    let mut oldest_day = None;
    if due.hourly > done.hourly || oldest_hour.is_some_and(|h| h < due.hourly) {
        let folded = fold(&tx, &HOURLY_TO_DAILY, due.hourly)?;
        (report.hourly_rolled, report.daily_written, oldest_day) = folded;
    }
    if due.daily > done.daily || oldest_day.is_some_and(|d| d < due.daily) {
        report.daily_pruned = prune_daily(&tx, due.daily)?;
    }
    tx.execute(
        "INSERT INTO retention_marks (id, raw_before, hourly_before, daily_before)
         VALUES (1, ?1, ?2, ?3)
         ON CONFLICT(id) DO UPDATE SET raw_before = max(raw_before, excluded.raw_before),
           hourly_before = max(hourly_before, excluded.hourly_before),
           daily_before = max(daily_before, excluded.daily_before)",
        params![due.raw, due.hourly, due.daily],
    )?;
    tx.commit()?;
    Ok(report)
}

/// One rollup step: rows of `from` before a cutoff become rows of the next
/// table (merged into rows already there), then leave `from`.
struct Fold {
    from: &'static str,
    fold: &'static str,
    delete: &'static str,
}

const RAW_TO_HOURLY: Fold = Fold {
    from: "samples",
    fold: "INSERT INTO samples_hourly (target_id, metric, hour, min, max, mean, count)
           SELECT target_id, metric, at - at % 3600 AS hour, min(value), max(value), avg(value), count(*)
           FROM samples WHERE target_id = ?1 AND metric = ?2 AND at < ?3 GROUP BY hour
           ON CONFLICT (target_id, metric, hour) DO UPDATE SET
             min = min(min, excluded.min), max = max(max, excluded.max),
             mean = (mean * count + excluded.mean * excluded.count) / (count + excluded.count),
             count = count + excluded.count
           RETURNING hour",
    delete: "DELETE FROM samples WHERE target_id = ?1 AND metric = ?2 AND at < ?3",
};

const HOURLY_TO_DAILY: Fold = Fold {
    from: "samples_hourly",
    fold: "INSERT INTO samples_daily (target_id, metric, day, min, max, mean, count)
           SELECT target_id, metric, hour - hour % 86400 AS day, min(min), max(max),
             sum(mean * count) / sum(count), sum(count)
           FROM samples_hourly WHERE target_id = ?1 AND metric = ?2 AND hour < ?3 GROUP BY day
           ON CONFLICT (target_id, metric, day) DO UPDATE SET
             min = min(min, excluded.min), max = max(max, excluded.max),
             mean = (mean * count + excluded.mean * excluded.count) / (count + excluded.count),
             count = count + excluded.count
           RETURNING day",
    delete: "DELETE FROM samples_hourly WHERE target_id = ?1 AND metric = ?2 AND hour < ?3",
};

/// Returns the rows folded (and deleted from `from`), the rows written, and
/// the oldest hour (or day) written.
fn fold(tx: &Transaction, step: &Fold, before: i64) -> Result<(u64, u64, Option<i64>), StoreError> {
    let mut fold = tx.prepare_cached(step.fold)?;
    let mut delete = tx.prepare_cached(step.delete)?;
    let (mut folded, mut written, mut oldest) = (0, 0, None::<i64>);
    for (target, metric) in series_in(tx, step.from)? {
        let mut rows = fold.query(params![target, metric, before])?;
        while let Some(row) = rows.next()? {
            let bucket: i64 = row.get(0)?;
            written += 1;
            oldest = Some(oldest.map_or(bucket, |o| o.min(bucket)));
        }
        folded += delete.execute(params![target, metric, before])? as u64;
    }
    Ok((folded, written, oldest))
}

fn prune_daily(tx: &Transaction, before: i64) -> Result<u64, StoreError> {
    let mut delete = tx.prepare_cached(
        "DELETE FROM samples_daily WHERE target_id = ?1 AND metric = ?2 AND day < ?3",
    )?;
    let mut pruned = 0;
    for (target, metric) in series_in(tx, "samples_daily")? {
        pruned += delete.execute(params![target, metric, before])? as u64;
    }
    Ok(pruned)
}

/// The distinct (target, metric) pairs of `table`, hopping from one to the
/// next along its primary key: the next metric of the same target, else the
/// first of the next target (one index seek per series, not a scan).
fn series_in(tx: &Transaction, table: &str) -> Result<Vec<(i64, String)>, StoreError> {
    let (same, next) = hops(table);
    let mut same = tx.prepare_cached(&same)?;
    let mut next = tx.prepare_cached(&next)?;
    let pair = |row: &rusqlite::Row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?));
    let mut series = Vec::new();
    let mut after = (i64::MIN, String::new());
    loop {
        let found = match same.query_row(params![after.0, after.1], pair).optional()? {
            Some(found) => Some(found),
            None => next.query_row([after.0], pair).optional()?,
        };
        let Some(found) = found else {
            return Ok(series);
        };
        series.push(found.clone());
        after = found;
    }
}

/// The two seeks of `series_in`. (A row-value `(target_id, metric) > (?, ?)`
/// seeks on the target only and then walks its rows.)
fn hops(table: &str) -> (String, String) {
    (
        format!(
            "SELECT target_id, metric FROM {table} WHERE target_id = ?1 AND metric > ?2
             ORDER BY metric LIMIT 1"
        ),
        format!(
            "SELECT target_id, metric FROM {table} WHERE target_id > ?1
             ORDER BY target_id, metric LIMIT 1"
        ),
    )
}

/// Raw points, and rollup means where an hour (or a day) has no finer data,
/// placed at the middle of their hour (day). Ordered by time.
const SERIES_SQL: &str = "
    SELECT at, value FROM samples
     WHERE target_id = ?1 AND metric = ?2 AND at BETWEEN ?3 AND ?4
    UNION ALL
    SELECT h.hour + 1800, h.mean FROM samples_hourly h
     WHERE h.target_id = ?1 AND h.metric = ?2 AND h.hour BETWEEN ?3 - 1800 AND ?4 - 1800
       AND NOT EXISTS (SELECT 1 FROM samples s WHERE s.target_id = ?1 AND s.metric = ?2
                        AND s.at >= h.hour AND s.at < h.hour + 3600)
    UNION ALL
    SELECT d.day + 43200, d.mean FROM samples_daily d
     WHERE d.target_id = ?1 AND d.metric = ?2 AND d.day BETWEEN ?3 - 43200 AND ?4 - 43200
       AND NOT EXISTS (SELECT 1 FROM samples_hourly h WHERE h.target_id = ?1 AND h.metric = ?2
                        AND h.hour >= d.day AND h.hour < d.day + 86400)
       AND NOT EXISTS (SELECT 1 FROM samples s WHERE s.target_id = ?1 AND s.metric = ?2
                        AND s.at >= d.day AND s.at < d.day + 86400)
    ORDER BY 1";

/// The trend of `metric` on `target` from `since` to `until` (both included):
/// (unix seconds, value) pairs. An unknown target is an empty series.
pub fn series<'a>(
    conn: &Connection,
    target: impl Into<TargetRef<'a>>,
    metric: &str,
    since: Timestamp,
    until: Timestamp,
) -> Result<Vec<(i64, f64)>, StoreError> {
    let id = match target.into() {
        TargetRef::Id(id) => id,
        TargetRef::Key(key) => {
            let mut find = conn.prepare_cached("SELECT id FROM targets WHERE key = ?1")?;
            match find.query_row([key], |row| row.get(0)).optional()? {
                Some(id) => id,
                None => return Ok(Vec::new()),
            }
        }
    };
    let mut query = conn.prepare_cached(SERIES_SQL)?;
    let points = query
        .query_map(params![id, metric, secs(since), secs(until)], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?
        .collect::<Result<_, _>>()?;
    Ok(points)
}

#[cfg(test)]
mod tests;
