//! The action journal: a fix attempt is written before it starts and closed
//! after it ends, each step and each file backup as it happens, each write
//! committed at once — so a run killed mid-action leaves a `running` row the
//! next run can find and settle instead of repeating the action blindly.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::{StoreError, secs, timestamp};

/// What starts an action, as the decide stage chose it.
#[derive(Debug, Clone)]
pub struct NewAction<'a> {
    pub incident: i64,
    pub run: i64,
    pub target_key: &'a str,
    pub playbook: &'a str,
    pub playbook_digest: &'a str,
    pub risk: &'a str,
    /// `auto`, or the person who approved.
    pub approver: &'a str,
    pub approval: Option<i64>,
    pub reason: &'a str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionRecord {
    pub id: i64,
    pub incident: i64,
    pub target_key: String,
    pub playbook: String,
    pub playbook_digest: String,
    pub risk: String,
    pub approver: String,
    pub approval: Option<i64>,
    pub reason: String,
    pub status: String,
    pub started_at: Timestamp,
    pub finished_at: Option<Timestamp>,
    pub outcome: Option<String>,
    pub steps: Vec<StepRecord>,
}

impl ActionRecord {
    pub fn is_automatic(&self) -> bool {
        self.approver == "auto"
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepRecord {
    pub seq: i64,
    pub phase: String,
    pub description: String,
    pub ok: bool,
    pub exit_code: Option<i64>,
    pub output: Option<String>,
    pub started_at: Timestamp,
    pub duration_ms: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Backup {
    pub path: String,
    pub existed: bool,
    pub content: Vec<u8>,
}

pub fn start_action(
    conn: &Connection,
    action: &NewAction,
    now: Timestamp,
) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO actions (incident_id, run_id, target_key, playbook, playbook_digest, risk, approver, approval_id,
            reason, status, started_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'running', ?10)",
        params![
            action.incident,
            action.run,
            action.target_key,
            action.playbook,
            action.playbook_digest,
            action.risk,
            action.approver,
            action.approval,
            action.reason,
            secs(now)
        ],
    )?;
    let id = conn.last_insert_rowid();
    let who = if action.approver == "auto" {
        "automatically".to_string()
    } else {
        format!("approved by {}", action.approver)
    };
    super::incidents::add_event(
        conn,
        action.incident,
        Some(action.run),
        "action",
        &format!(
            "started `{}` ({} risk, {who})",
            action.playbook, action.risk
        ),
        now,
    )?;
    Ok(id)
}

#[allow(clippy::too_many_arguments)]
pub fn record_step(
    conn: &Connection,
    action: i64,
    phase: &str,
    description: &str,
    ok: bool,
    exit_code: Option<i64>,
    output: Option<&str>,
    started_at: Timestamp,
    duration_ms: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO action_steps (action_id, seq, phase, description, ok, exit_code, output, started_at, duration_ms)
         VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM action_steps WHERE action_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![action, phase, description, ok, exit_code, output, secs(started_at), duration_ms],
    )?;
    Ok(())
}

pub fn save_backup(conn: &Connection, action: i64, backup: &Backup) -> Result<(), StoreError> {
    conn.execute(
        "INSERT OR REPLACE INTO action_backups (action_id, path, existed, content) VALUES (?1, ?2, ?3, ?4)",
        params![action, backup.path, backup.existed, backup.content],
    )?;
    Ok(())
}

pub fn backups(conn: &Connection, action: i64) -> Result<Vec<Backup>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT path, existed, content FROM action_backups WHERE action_id = ?1 ORDER BY path",
    )?;
    let rows = stmt.query_map([action], |r| {
        Ok(Backup {
            path: r.get(0)?,
            existed: r.get(1)?,
            content: r.get::<_, Option<Vec<u8>>>(2)?.unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Closes an action with its status (`succeeded`, `failed`, `interrupted`)
/// and a sentence saying what happened; the incident's timeline gets it too.
pub fn finish_action(
    conn: &Connection,
    action: i64,
    status: &str,
    outcome: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE actions SET status = ?2, outcome = ?3, finished_at = ?4 WHERE id = ?1",
        params![action, status, outcome, secs(now)],
    )?;
    let (incident, run, playbook): (i64, Option<i64>, String) = conn.query_row(
        "SELECT incident_id, run_id, playbook FROM actions WHERE id = ?1",
        [action],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    super::incidents::add_event(
        conn,
        incident,
        run,
        "action",
        &format!("`{playbook}` {status}: {outcome}"),
        now,
    )?;
    Ok(())
}

const COLUMNS: &str =
    "id, incident_id, target_key, playbook, playbook_digest, risk, approver, approval_id, reason,
    status, started_at, finished_at, outcome";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<ActionRecord> {
    Ok(ActionRecord {
        id: r.get(0)?,
        incident: r.get(1)?,
        target_key: r.get(2)?,
        playbook: r.get(3)?,
        playbook_digest: r.get(4)?,
        risk: r.get(5)?,
        approver: r.get(6)?,
        approval: r.get(7)?,
        reason: r.get(8)?,
        status: r.get(9)?,
        started_at: timestamp(r.get(10)?),
        finished_at: r.get::<_, Option<i64>>(11)?.map(timestamp),
        outcome: r.get(12)?,
        steps: Vec::new(),
    })
}

fn query(
    conn: &Connection,
    filter: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<ActionRecord>, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM actions {filter} ORDER BY started_at, id"
    ))?;
    let rows = stmt.query_map(args, from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Actions a killed run left open.
pub fn unfinished_actions(conn: &Connection) -> Result<Vec<ActionRecord>, StoreError> {
    query(conn, "WHERE status = 'running'", [])
}

/// Every attempt since `since`, for the circuit breakers.
pub fn actions_since(conn: &Connection, since: Timestamp) -> Result<Vec<ActionRecord>, StoreError> {
    query(conn, "WHERE started_at >= ?1", [secs(since)])
}

/// An incident's actions with their steps, for its report.
pub fn incident_actions(conn: &Connection, incident: i64) -> Result<Vec<ActionRecord>, StoreError> {
    let mut actions = query(conn, "WHERE incident_id = ?1", [incident])?;
    let mut stmt = conn.prepare(
        "SELECT seq, phase, description, ok, exit_code, output, started_at, duration_ms FROM action_steps
         WHERE action_id = ?1 ORDER BY seq",
    )?;
    for action in &mut actions {
        action.steps = stmt
            .query_map([action.id], |r| {
                Ok(StepRecord {
                    seq: r.get(0)?,
                    phase: r.get(1)?,
                    description: r.get(2)?,
                    ok: r.get(3)?,
                    exit_code: r.get(4)?,
                    output: r.get(5)?,
                    started_at: timestamp(r.get(6)?),
                    duration_ms: r.get(7)?,
                })
            })?
            .collect::<Result<_, _>>()?;
    }
    Ok(actions)
}

pub fn add_reset(
    conn: &Connection,
    target_key: &str,
    by: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO breaker_resets (target_key, at, by) VALUES (?1, ?2, ?3)",
        params![target_key, secs(now), by],
    )?;
    Ok(())
}

/// `medic reset` calls only: (target key, when).
pub fn explicit_resets(conn: &Connection) -> Result<Vec<(String, Timestamp)>, StoreError> {
    let mut stmt = conn.prepare("SELECT target_key, at FROM breaker_resets ORDER BY at")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, timestamp(r.get(1)?))))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// When each target's breaker was last cleared: a person's `medic reset`, or
/// the target being healthy again (its incident resolved).
pub fn resets(conn: &Connection) -> Result<Vec<(String, Timestamp)>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT target_key, at FROM breaker_resets
         UNION ALL SELECT target_key, resolved_at FROM incidents WHERE resolved_at IS NOT NULL",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, timestamp(r.get(1)?))))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The target key an action or incident is about, if the incident exists.
pub fn incident_target_key(conn: &Connection, incident: i64) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT target_key FROM incidents WHERE id = ?1",
            [incident],
            |r| r.get(0),
        )
        .optional()?)
}
