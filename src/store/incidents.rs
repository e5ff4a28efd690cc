//! Incidents in the store: the open ones analysis needs, applying the changes
//! analysis decided (open, persist, resolve, each with a timeline event), and
//! the records reports and the CLI show.

use std::collections::BTreeMap;

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use serde::Serialize;

use super::{StoreError, secs, timestamp};
use crate::analyze::{FindingKind, IncidentChanges, OpenIncident, Severity, Target};

pub fn open_incidents(conn: &Connection) -> Result<Vec<OpenIncident>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, fingerprint, kind, target FROM incidents WHERE status = 'open' ORDER BY id",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
        ))
    })?;
    let mut open = Vec::new();
    for row in rows {
        let (id, fingerprint, kind, target) = row?;
        let Some(kind) = FindingKind::parse(&kind) else {
            tracing::warn!(incident = id, kind = %kind, "incident of a kind this medic does not know; left as it is");
            continue;
        };
        open.push(OpenIncident {
            id,
            fingerprint,
            kind,
            target: serde_json::from_str(&target)?,
        });
    }
    Ok(open)
}

#[derive(Debug, Clone, Default)]
pub struct AppliedChanges {
    pub opened: Vec<i64>,
    pub resolved: Vec<i64>,
}

pub fn apply_changes(
    tx: &Transaction,
    run: i64,
    changes: &IncidentChanges,
    now: Timestamp,
) -> Result<AppliedChanges, StoreError> {
    let now_s = secs(now);
    let mut applied = AppliedChanges::default();
    for finding in &changes.opened {
        tx.execute(
            "INSERT INTO incidents (fingerprint, kind, target, target_key, host, severity, status, summary, facts,
                started_at, opened_at, last_seen_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7, ?8, ?9, ?10, ?10)",
            params![
                finding.fingerprint(),
                finding.kind.as_str(),
                serde_json::to_string(&finding.target)?,
                finding.target.key(),
                finding.target.host(),
                finding.severity.as_str(),
                finding.summary,
                serde_json::to_string(&finding.facts)?,
                finding.since.map(secs),
                now_s,
            ],
        )?;
        let id = tx.last_insert_rowid();
        add_event(tx, id, Some(run), "opened", &finding.summary, now)?;
        applied.opened.push(id);
    }
    for (id, _) in &changes.persisting {
        tx.execute(
            "UPDATE incidents SET last_seen_at = ?2, observations = observations + 1 WHERE id = ?1",
            params![id, now_s],
        )?;
    }
    for resolution in &changes.resolved {
        tx.execute(
            "UPDATE incidents SET status = 'resolved', resolved_at = ?2, resolution = ?3, escalation = NULL
             WHERE id = ?1",
            params![resolution.id, now_s, resolution.reason],
        )?;
        add_event(
            tx,
            resolution.id,
            Some(run),
            "resolved",
            &resolution.reason,
            now,
        )?;
        applied.resolved.push(resolution.id);
    }
    tx.execute(
        "UPDATE runs SET opened = ?2, resolved = ?3 WHERE id = ?1",
        params![
            run,
            applied.opened.len() as i64,
            applied.resolved.len() as i64
        ],
    )?;
    Ok(applied)
}

/// Adds to an incident's timeline; its report is due to be written again.
pub fn add_event(
    conn: &Connection,
    incident: i64,
    run: Option<i64>,
    kind: &str,
    message: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO incident_events (incident_id, run_id, at, kind, message) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![incident, run, secs(now), kind, message],
    )?;
    // Reported before: its report is stale now. Never reported: still new.
    conn.execute(
        "UPDATE incidents SET reported_status = 'stale' WHERE id = ?1 AND reported_status IS NOT NULL",
        [incident],
    )?;
    Ok(())
}

/// Resolves an open incident outside analysis (a verified fix).
pub fn resolve_incident(
    conn: &Connection,
    id: i64,
    run: i64,
    reason: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    let changed = conn.execute(
        "UPDATE incidents SET status = 'resolved', resolved_at = ?2, resolution = ?3, escalation = NULL
         WHERE id = ?1 AND status = 'open'",
        params![id, secs(now), reason],
    )?;
    if changed == 0 {
        return Ok(());
    }
    add_event(conn, id, Some(run), "resolved", reason, now)?;
    conn.execute(
        "UPDATE runs SET resolved = resolved + 1 WHERE id = ?1",
        [run],
    )?;
    // A verified fix ends the failing streak too.
    conn.execute(
        "DELETE FROM streaks WHERE fingerprint = (SELECT fingerprint FROM incidents WHERE id = ?1)",
        [id],
    )?;
    Ok(())
}

/// Records why medic will not fix an incident; only a change is an event,
/// so an escalation is said once, not every run.
pub fn set_escalation(
    conn: &Connection,
    id: i64,
    run: i64,
    reason: Option<&str>,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let current: Option<String> = conn.query_row(
        "SELECT escalation FROM incidents WHERE id = ?1",
        [id],
        |r| r.get(0),
    )?;
    if current.as_deref() == reason {
        return Ok(false);
    }
    conn.execute(
        "UPDATE incidents SET escalation = ?2 WHERE id = ?1",
        params![id, reason],
    )?;
    if let Some(reason) = reason {
        add_event(conn, id, Some(run), "escalated", reason, now)?;
    }
    Ok(true)
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentRecord {
    pub id: i64,
    pub fingerprint: String,
    pub kind: String,
    pub target: Target,
    pub severity: String,
    pub status: String,
    pub summary: String,
    pub facts: BTreeMap<String, String>,
    pub started_at: Option<Timestamp>,
    pub opened_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub resolved_at: Option<Timestamp>,
    pub resolution: Option<String>,
    pub observations: i64,
    pub escalation: Option<String>,
    /// The status the committed report shows (`stale` when it is behind);
    /// None when no report was committed yet.
    #[serde(skip)]
    pub reported_status: Option<String>,
    /// What collect gathered for the diagnosis.
    pub context: Option<crate::diagnose::Context>,
    /// None with `diagnosed`: no known pattern matched.
    pub diagnosis: Option<crate::diagnose::Diagnosis>,
    pub diagnosed: bool,
    pub events: Vec<EventRecord>,
    pub actions: Vec<super::actions::ActionRecord>,
    pub symptoms: Vec<super::correlation::SymptomRecord>,
}

impl IncidentRecord {
    pub fn is_open(&self) -> bool {
        self.status == "open"
    }

    /// Open, and no report of it was committed yet.
    pub fn is_new(&self) -> bool {
        self.is_open() && self.reported_status.is_none()
    }

    /// Resolved, and the committed report does not say so yet.
    pub fn is_newly_resolved(&self) -> bool {
        !self.is_open() && self.reported_status.as_deref() != Some("resolved")
    }

    pub fn severity(&self) -> Severity {
        if self.severity == "warning" {
            Severity::Warning
        } else {
            Severity::Critical
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct EventRecord {
    pub at: Timestamp,
    pub kind: String,
    pub message: String,
}

const COLUMNS: &str =
    "id, fingerprint, kind, target, severity, status, summary, facts, started_at, opened_at,
    last_seen_at, resolved_at, resolution, observations, escalation, reported_status, context, diagnosis, diagnosed";

type Parts = (
    IncidentRecord,
    String,
    String,
    (Option<String>, Option<String>),
);

fn from_row(row: &Row) -> rusqlite::Result<Parts> {
    let record = IncidentRecord {
        id: row.get(0)?,
        fingerprint: row.get(1)?,
        kind: row.get(2)?,
        target: Target::Host {
            host: String::new(),
        },
        severity: row.get(4)?,
        status: row.get(5)?,
        summary: row.get(6)?,
        facts: BTreeMap::new(),
        started_at: row.get::<_, Option<i64>>(8)?.map(timestamp),
        opened_at: timestamp(row.get(9)?),
        last_seen_at: timestamp(row.get(10)?),
        resolved_at: row.get::<_, Option<i64>>(11)?.map(timestamp),
        resolution: row.get(12)?,
        observations: row.get(13)?,
        escalation: row.get(14)?,
        reported_status: row.get(15)?,
        context: None,
        diagnosis: None,
        diagnosed: row.get(18)?,
        events: Vec::new(),
        actions: Vec::new(),
        symptoms: Vec::new(),
    };
    Ok((
        record,
        row.get(3)?,
        row.get(7)?,
        (row.get(16)?, row.get(17)?),
    ))
}

fn complete(
    conn: &Connection,
    (mut record, target, facts, (context, diagnosis)): Parts,
) -> Result<IncidentRecord, StoreError> {
    record.target = serde_json::from_str(&target)?;
    record.facts = serde_json::from_str(&facts)?;
    record.context = context.as_deref().map(serde_json::from_str).transpose()?;
    record.diagnosis = diagnosis.as_deref().map(serde_json::from_str).transpose()?;
    let mut stmt = conn.prepare(
        "SELECT at, kind, message FROM incident_events WHERE incident_id = ?1 ORDER BY at, id",
    )?;
    record.events = stmt
        .query_map([record.id], |row| {
            Ok(EventRecord {
                at: timestamp(row.get(0)?),
                kind: row.get(1)?,
                message: row.get(2)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    record.actions = super::actions::incident_actions(conn, record.id)?;
    record.symptoms = super::correlation::symptoms(conn, record.id)?;
    Ok(record)
}

pub fn incident(conn: &Connection, id: i64) -> Result<Option<IncidentRecord>, StoreError> {
    let row = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM incidents WHERE id = ?1"),
            [id],
            from_row,
        )
        .optional()?;
    row.map(|r| complete(conn, r)).transpose()
}

/// Open incidents, or all of them with `include_resolved`, newest first.
pub fn incidents(
    conn: &Connection,
    include_resolved: bool,
) -> Result<Vec<IncidentRecord>, StoreError> {
    let filter = if include_resolved {
        ""
    } else {
        "WHERE status = 'open'"
    };
    query(
        conn,
        &format!("SELECT {COLUMNS} FROM incidents {filter} ORDER BY id DESC"),
    )
}

/// Incidents whose report in Git does not show their current status yet.
pub fn unreported(conn: &Connection) -> Result<Vec<IncidentRecord>, StoreError> {
    query(
        conn,
        &format!(
            "SELECT {COLUMNS} FROM incidents WHERE reported_status IS NULL OR reported_status != status ORDER BY id"
        ),
    )
}

fn query(conn: &Connection, sql: &str) -> Result<Vec<IncidentRecord>, StoreError> {
    let mut stmt = conn.prepare(sql)?;
    let rows: Vec<_> = stmt.query_map([], from_row)?.collect::<Result<_, _>>()?;
    rows.into_iter().map(|r| complete(conn, r)).collect()
}

pub fn mark_reported(conn: &Connection, reported: &[(i64, String)]) -> Result<(), StoreError> {
    for (id, status) in reported {
        conn.execute(
            "UPDATE incidents SET reported_status = ?2 WHERE id = ?1",
            params![id, status],
        )?;
    }
    Ok(())
}

pub fn incident_count(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT count(*) FROM incidents", [], |r| r.get(0))?)
}

/// Puts incidents read back from reports into an empty store, with their
/// original numbers, evidence and timelines, marked as already reported — so
/// the reports stay byte-identical and nothing is committed for the recovery.
pub fn import_reported(
    tx: &Transaction,
    reported: &[crate::record::ReportedIncident],
) -> Result<usize, StoreError> {
    let mut imported = 0;
    for r in reported {
        let status = if r.status == "open" {
            "open"
        } else {
            "resolved"
        };
        let resolution = r
            .events
            .iter()
            .rev()
            .find(|(_, kind, _)| kind == "resolved")
            .map(|(_, _, m)| m.clone());
        let inserted = tx.execute(
            "INSERT OR IGNORE INTO incidents (id, fingerprint, kind, target, target_key, host, severity, status, summary,
                facts, started_at, opened_at, last_seen_at, resolved_at, resolution, escalation, reported_status,
                diagnosed, diagnosis)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13, ?14, ?15, ?8, ?16, ?17)",
            params![
                r.id,
                r.fingerprint,
                r.kind,
                serde_json::to_string(&r.target)?,
                r.target.key(),
                r.target.host(),
                r.severity,
                status,
                r.summary,
                serde_json::to_string(&r.facts)?,
                r.started_at.map(secs),
                secs(r.opened_at),
                r.resolved_at.map(secs),
                resolution,
                r.escalation,
                r.diagnosed,
                r.diagnosis.as_ref().map(serde_json::to_string).transpose()?,
            ],
        )?;
        if inserted == 1 {
            for (at, kind, message) in &r.events {
                tx.execute(
                    "INSERT INTO incident_events (incident_id, at, kind, message) VALUES (?1, ?2, ?3, ?4)",
                    params![r.id, secs(*at), kind, message],
                )?;
            }
            imported += 1;
        }
    }
    Ok(imported)
}

/// Stores what was gathered and concluded for an incident, once.
pub fn set_diagnosis(
    conn: &Connection,
    id: i64,
    run: i64,
    context: &crate::diagnose::Context,
    diagnosis: Option<&crate::diagnose::Diagnosis>,
    now: Timestamp,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE incidents SET context = ?2, diagnosis = ?3, diagnosed = 1 WHERE id = ?1",
        params![
            id,
            serde_json::to_string(context)?,
            diagnosis.map(serde_json::to_string).transpose()?
        ],
    )?;
    let message = match diagnosis {
        Some(d) => format!(
            "{} ({} confidence, rule `{}`)",
            d.cause,
            d.confidence.as_str(),
            d.rule
        ),
        None => "no known pattern matched".to_string(),
    };
    add_event(conn, id, Some(run), "diagnosed", &message, now)
}
