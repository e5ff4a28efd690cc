//! What correlation needs from the store and writes back: streaks for
//! hysteresis, recent state changes for flapping, what was last seen on each
//! host, and the symptoms attached to root incidents.

use std::collections::BTreeMap;

use jiff::Timestamp;
use rusqlite::{Connection, params};
use serde::Serialize;

use super::{StoreError, secs, timestamp};
use crate::analyze::{History, Root, Streak, Symptom};

pub fn history(
    conn: &Connection,
    flapping_window: std::time::Duration,
    now: Timestamp,
) -> Result<History, StoreError> {
    let mut history = History::default();
    let mut stmt = conn.prepare("SELECT fingerprint, failing, healthy FROM streaks")?;
    for row in stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, u32>(1)?,
            r.get::<_, u32>(2)?,
        ))
    })? {
        let (fingerprint, failing, healthy) = row?;
        history
            .streaks
            .insert(fingerprint, Streak { failing, healthy });
    }
    let since = secs(now) - flapping_window.as_secs() as i64;
    let mut stmt = conn.prepare(
        "SELECT i.target_key, count(*) FROM incident_events e JOIN incidents i ON i.id = e.incident_id
         WHERE e.kind IN ('opened', 'resolved') AND e.at > ?1 GROUP BY i.target_key",
    )?;
    for row in stmt.query_map([since], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?))
    })? {
        let (key, changes) = row?;
        history.recent_changes.insert(key, changes);
    }
    let mut stmt = conn.prepare(
        "SELECT t.host, t.key FROM targets t JOIN target_states s ON s.target_id = t.id
         WHERE t.kind IN ('container', 'unit') AND t.host IS NOT NULL ORDER BY t.host, t.key",
    )?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (host, key) = row?;
        history.last_known.entry(host).or_default().push(key);
    }
    Ok(history)
}

/// Replaces all streaks with this sweep's.
pub fn save_streaks(
    conn: &Connection,
    streaks: &BTreeMap<String, Streak>,
) -> Result<(), StoreError> {
    conn.execute("DELETE FROM streaks", [])?;
    let mut stmt =
        conn.prepare("INSERT INTO streaks (fingerprint, failing, healthy) VALUES (?1, ?2, ?3)")?;
    for (fingerprint, streak) in streaks {
        stmt.execute(params![fingerprint, streak.failing, streak.healthy])?;
    }
    Ok(())
}

/// Attaches symptoms to their roots; `opened` maps this run's new
/// incidents' fingerprints to their ids.
pub fn attach_symptoms(
    conn: &Connection,
    symptoms: &[Symptom],
    opened: &BTreeMap<String, i64>,
    now: Timestamp,
) -> Result<(), StoreError> {
    for symptom in symptoms {
        let id = match &symptom.root {
            Root::Incident(id) => *id,
            Root::Opened(fingerprint) => match opened.get(fingerprint) {
                Some(id) => *id,
                None => continue,
            },
        };
        let inserted = conn.execute(
            "INSERT INTO incident_symptoms (incident_id, target_key, summary, first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?4)
             ON CONFLICT(incident_id, target_key) DO UPDATE SET last_seen = excluded.last_seen, summary = excluded.summary,
               cleared_at = NULL, cleared = NULL",
            params![id, symptom.target_key, symptom.summary, secs(now)],
        )?;
        if inserted > 0 && !symptom_known(conn, id, &symptom.target_key)? {
            super::incidents::add_event(
                conn,
                id,
                None,
                "symptom",
                &format!("`{}`: {}", symptom.target_key, symptom.summary),
                now,
            )?;
        }
    }
    Ok(())
}

fn symptom_known(conn: &Connection, incident: i64, target_key: &str) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT first_seen != last_seen FROM incident_symptoms WHERE incident_id = ?1 AND target_key = ?2",
        params![incident, target_key],
        |r| r.get(0),
    )?)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SymptomRecord {
    pub target_key: String,
    pub summary: String,
    pub first_seen: Timestamp,
    pub cleared_at: Option<Timestamp>,
    pub cleared: Option<String>,
}

pub fn symptoms(conn: &Connection, incident: i64) -> Result<Vec<SymptomRecord>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT target_key, summary, first_seen, cleared_at, cleared FROM incident_symptoms WHERE incident_id = ?1 ORDER BY target_key",
    )?;
    let rows = stmt.query_map([incident], |r| {
        Ok(SymptomRecord {
            target_key: r.get(0)?,
            summary: r.get(1)?,
            first_seen: timestamp(r.get(2)?),
            cleared_at: r.get::<_, Option<i64>>(3)?.map(timestamp),
            cleared: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Marks a symptom healthy again, with how that was seen.
pub fn clear_symptom(
    conn: &Connection,
    incident: i64,
    target_key: &str,
    how: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    let changed = conn.execute(
        "UPDATE incident_symptoms SET cleared_at = ?3, cleared = ?4 WHERE incident_id = ?1 AND target_key = ?2 AND cleared_at IS NULL",
        params![incident, target_key, secs(now), how],
    )?;
    if changed > 0 {
        super::incidents::add_event(
            conn,
            incident,
            None,
            "symptom",
            &format!("`{target_key}` {how}"),
            now,
        )?;
    }
    Ok(())
}
