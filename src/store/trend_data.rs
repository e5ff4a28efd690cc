//! The series trend analysis reads, from `samples`: each watched target's
//! recent points over the window its rule needs, with bytes turned into
//! percentages of the host's current totals.

use std::time::Duration;

use jiff::Timestamp;
use rusqlite::{Connection, params};

use super::{StoreError, secs};
use crate::analyze::TrendData;
use crate::analyze::trends::{Point, TrendPolicy};

pub fn trend_data(
    conn: &Connection,
    now: Timestamp,
    policy: &TrendPolicy,
) -> Result<TrendData, StoreError> {
    let now = secs(now);
    let since = |window: Duration| now - window.as_secs() as i64;
    let mut data = TrendData::default();
    for (id, host, name) in current_targets(conn, "disk")? {
        data.disks.insert(
            (host, name),
            points(conn, id, "used_percent", since(policy.disk_window), 1.0)?,
        );
    }
    for (id, host, name) in current_targets(conn, "container")? {
        let window = policy.restart_window + policy.restart_baseline;
        data.restarts.insert(
            (host, name),
            points(conn, id, "restart_count", since(window), 1.0)?,
        );
    }
    for (id, _, name) in current_targets(conn, "check")? {
        let window = policy.latency_window + policy.latency_baseline;
        data.latency
            .insert(name, points(conn, id, "latency_ms", since(window), 1.0)?);
    }
    let mut stmt = conn.prepare(
        "SELECT t.id, h.name, h.mem_total, h.swap_total FROM hosts h JOIN targets t ON t.key = h.name
         WHERE h.status = 'reached'",
    )?;
    let hosts = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, Option<i64>>(3)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    for (id, host, mem_total, swap_total) in hosts {
        if let Some(total) = mem_total.filter(|t| *t > 0) {
            let percent = 100.0 / total as f64;
            data.memory.insert(
                host.clone(),
                points(
                    conn,
                    id,
                    "mem_available_bytes",
                    since(policy.memory_window),
                    percent,
                )?,
            );
        }
        if let Some(total) = swap_total.filter(|t| *t > 0) {
            let percent = 100.0 / total as f64;
            data.swap.insert(
                host,
                points(
                    conn,
                    id,
                    "swap_used_bytes",
                    since(policy.swap_window),
                    percent,
                )?,
            );
        }
    }
    Ok(data)
}

/// Targets of `kind` with a current state: (id, host or "", name).
fn current_targets(
    conn: &Connection,
    kind: &str,
) -> Result<Vec<(i64, String, String)>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT t.id, coalesce(t.host, ''), t.name FROM targets t JOIN target_states s ON s.target_id = t.id
         WHERE t.kind = ?1 ORDER BY t.key",
    )?;
    let rows = stmt.query_map([kind], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn points(
    conn: &Connection,
    target: i64,
    metric: &str,
    since: i64,
    scale: f64,
) -> Result<Vec<Point>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT at, value FROM samples WHERE target_id = ?1 AND metric = ?2 AND at > ?3 ORDER BY at")?;
    let rows = stmt.query_map(params![target, metric, since], |r| {
        Ok(Point::new(r.get(0)?, r.get::<_, f64>(1)? * scale))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
