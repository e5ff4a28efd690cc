//! The current state at a glance, read from the store: hosts, their
//! containers, units and disks, HTTP checks and open incidents. What
//! `medic status` and STATUS.md show.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::incidents::{IncidentRecord, incidents};
use super::{StoreError, timestamp};

#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    pub last_run: Option<RunRow>,
    pub hosts: Vec<HostRow>,
    pub targets: Vec<TargetRow>,
    pub checks: Vec<CheckRow>,
    pub open_incidents: Vec<IncidentRecord>,
}

impl StatusView {
    /// The containers, units or disks (`kind`) of one host.
    pub fn targets_of<'a>(
        &'a self,
        host: &'a str,
        kind: &'a str,
    ) -> impl Iterator<Item = &'a TargetRow> + 'a {
        self.targets
            .iter()
            .filter(move |t| t.kind == kind && t.host.as_deref() == Some(host))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RunRow {
    pub id: i64,
    pub started_at: Timestamp,
    pub hosts_total: i64,
    pub hosts_reached: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct HostRow {
    pub name: String,
    pub address: String,
    pub transport: String,
    pub status: String,
    pub reason: Option<String>,
    pub message: Option<String>,
    pub checked_at: Timestamp,
    pub uptime_seconds: Option<f64>,
    pub load1: Option<f64>,
    pub mem_total: Option<i64>,
    pub mem_available: Option<i64>,
}

/// A container, unit or disk with its last observed state.
#[derive(Debug, Clone, Serialize)]
pub struct TargetRow {
    pub key: String,
    pub kind: String,
    pub host: Option<String>,
    pub name: String,
    pub state: String,
    pub health: Option<String>,
    pub detail: Option<String>,
    pub observed_at: Timestamp,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckRow {
    pub name: String,
    pub host: Option<String>,
    pub detail: Option<String>,
    pub failing: bool,
    pub observed_at: Timestamp,
}

pub fn status(conn: &Connection) -> Result<StatusView, StoreError> {
    let last_run = conn
        .query_row(
            "SELECT id, started_at, hosts_total, hosts_reached FROM runs ORDER BY id DESC LIMIT 1",
            [],
            |r| {
                Ok(RunRow {
                    id: r.get(0)?,
                    started_at: timestamp(r.get(1)?),
                    hosts_total: r.get(2)?,
                    hosts_reached: r.get(3)?,
                })
            },
        )
        .optional()?;
    let mut stmt = conn.prepare(
        "SELECT name, address, transport, status, reason, message, checked_at, uptime_seconds, load1, mem_total, mem_available
         FROM hosts ORDER BY name",
    )?;
    let hosts = stmt
        .query_map([], |r| {
            Ok(HostRow {
                name: r.get(0)?,
                address: r.get(1)?,
                transport: r.get(2)?,
                status: r.get(3)?,
                reason: r.get(4)?,
                message: r.get(5)?,
                checked_at: timestamp(r.get(6)?),
                uptime_seconds: r.get(7)?,
                load1: r.get(8)?,
                mem_total: r.get(9)?,
                mem_available: r.get(10)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut stmt = conn.prepare(
        "SELECT t.key, t.kind, t.host, t.name, s.state, s.health, s.detail, s.observed_at
         FROM targets t JOIN target_states s ON s.target_id = t.id
         WHERE t.kind IN ('container', 'unit', 'disk') ORDER BY t.host, t.kind, t.name",
    )?;
    let targets = stmt
        .query_map([], |r| {
            Ok(TargetRow {
                key: r.get(0)?,
                kind: r.get(1)?,
                host: r.get(2)?,
                name: r.get(3)?,
                state: r.get(4)?,
                health: r.get(5)?,
                detail: r.get(6)?,
                observed_at: timestamp(r.get(7)?),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let open_incidents = incidents(conn, false)?;
    let mut stmt = conn.prepare(
        "SELECT t.name, t.host, s.detail, s.observed_at, t.key FROM targets t JOIN target_states s ON s.target_id = t.id
         WHERE t.kind = 'check' ORDER BY t.name",
    )?;
    let checks = stmt
        .query_map([], |r| {
            let key: String = r.get(4)?;
            Ok(CheckRow {
                name: r.get(0)?,
                host: r.get(1)?,
                detail: r.get(2)?,
                failing: open_incidents.iter().any(|i| i.target.key() == key),
                observed_at: timestamp(r.get(3)?),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(StatusView {
        last_run,
        hosts,
        targets,
        checks,
        open_incidents,
    })
}
