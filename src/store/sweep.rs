//! Writes one sweep: a `runs` row, the current state of every host and target
//! (containers that vanished are dropped from the current view), and samples
//! for the time series.

use std::collections::BTreeMap;

use rusqlite::{Transaction, params};
use serde_json::json;

use super::{StoreError, secs};
use crate::analyze::Target;
use crate::collect::probe::{HostSnapshot, Section};
use crate::collect::{CheckObservation, HostObservation, HostOutcome, Sweep};
use crate::config::{Host, Inventory};

/// Inserts the run and everything it saw; returns the run id.
pub fn record_sweep(
    tx: &Transaction,
    inventory: &Inventory,
    sweep: &Sweep,
) -> Result<i64, StoreError> {
    let reached = sweep
        .hosts
        .iter()
        .filter(|h| h.snapshot().is_some())
        .count();
    tx.execute(
        "INSERT INTO runs (started_at, finished_at, hosts_total, hosts_reached) VALUES (?1, ?2, ?3, ?4)",
        params![secs(sweep.started_at), secs(sweep.finished_at), sweep.hosts.len() as i64, reached as i64],
    )?;
    let run = tx.last_insert_rowid();
    for observation in &sweep.hosts {
        if let Some(host) = inventory.host(&observation.host) {
            record_host(tx, run, host, observation)?;
        }
    }
    for observation in &sweep.checks {
        let host = inventory
            .check(&observation.check)
            .and_then(|c| c.host.clone());
        record_check(tx, run, host, observation)?;
    }
    Ok(run)
}

/// Records what a later look (verification after a fix) saw, as part of
/// run `run`: current states and samples, no new run.
pub fn update_current(
    conn: &rusqlite::Connection,
    run: i64,
    inventory: &Inventory,
    sweep: &Sweep,
) -> Result<(), StoreError> {
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    for observation in &sweep.hosts {
        if let Some(host) = inventory.host(&observation.host) {
            record_host(&tx, run, host, observation)?;
        }
    }
    for observation in &sweep.checks {
        let host = inventory
            .check(&observation.check)
            .and_then(|c| c.host.clone());
        record_check(&tx, run, host, observation)?;
    }
    tx.commit()?;
    Ok(())
}

fn record_host(
    tx: &Transaction,
    run: i64,
    host: &Host,
    seen: &HostObservation,
) -> Result<(), StoreError> {
    let at = secs(seen.observed_at);
    let target = Target::Host {
        host: host.name.clone(),
    };
    let host_target = upsert_target(tx, &target, &host.name, at)?;
    let transport = format!("{:?}", host.transport).to_lowercase();
    match &seen.outcome {
        HostOutcome::Unreachable(u) => {
            tx.execute(
                "INSERT INTO hosts (name, address, transport, status, reason, message, run_id, checked_at, probe_ms)
                 VALUES (?1, ?2, ?3, 'unreachable', ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT(name) DO UPDATE SET address = excluded.address, transport = excluded.transport,
                   status = 'unreachable', reason = excluded.reason, message = excluded.message,
                   run_id = excluded.run_id, checked_at = excluded.checked_at, probe_ms = excluded.probe_ms",
                params![host.name, host.address, transport, u.reason.describe(), u.message, run, at, seen.duration.as_millis() as i64],
            )?;
            sample(tx, host_target, "up", at, 0.0)?;
        }
        HostOutcome::Reached(s) => {
            let load = s.load.ok();
            let memory = s.memory.ok();
            tx.execute(
                "INSERT INTO hosts (name, address, transport, status, hostname, run_id, checked_at, last_reached_at, probe_ms,
                    uptime_seconds, load1, load5, load15, mem_total, mem_available, swap_total, swap_free, sections)
                 VALUES (?1, ?2, ?3, 'reached', ?4, ?5, ?6, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                 ON CONFLICT(name) DO UPDATE SET address = excluded.address, transport = excluded.transport,
                   status = 'reached', reason = NULL, message = NULL, hostname = excluded.hostname,
                   run_id = excluded.run_id, checked_at = excluded.checked_at, last_reached_at = excluded.last_reached_at,
                   probe_ms = excluded.probe_ms, uptime_seconds = excluded.uptime_seconds, load1 = excluded.load1,
                   load5 = excluded.load5, load15 = excluded.load15, mem_total = excluded.mem_total,
                   mem_available = excluded.mem_available, swap_total = excluded.swap_total,
                   swap_free = excluded.swap_free, sections = excluded.sections",
                params![
                    host.name, host.address, transport, s.hostname, run, at, seen.duration.as_millis() as i64,
                    s.uptime_seconds.ok().copied(), load.map(|l| l.one), load.map(|l| l.five), load.map(|l| l.fifteen),
                    memory.map(|m| m.total_bytes as i64), memory.and_then(|m| m.available_bytes.map(|b| b as i64)),
                    memory.map(|m| m.swap_total_bytes as i64), memory.map(|m| m.swap_free_bytes as i64),
                    sections_json(s).to_string(),
                ],
            )?;
            sample(tx, host_target, "up", at, 1.0)?;
            if let Some(l) = load {
                sample(tx, host_target, "load1", at, l.one)?;
            }
            if let Some(m) = memory {
                if let Some(available) = m.available_bytes {
                    sample(tx, host_target, "mem_available_bytes", at, available as f64)?;
                }
                sample(
                    tx,
                    host_target,
                    "swap_used_bytes",
                    at,
                    m.swap_total_bytes.saturating_sub(m.swap_free_bytes) as f64,
                )?;
            }
            record_snapshot(tx, run, host, s, at)?;
        }
    }
    Ok(())
}

fn record_snapshot(
    tx: &Transaction,
    run: i64,
    host: &Host,
    s: &HostSnapshot,
    at: i64,
) -> Result<(), StoreError> {
    if let Section::Ok(containers) = &s.containers {
        let mut seen = Vec::new();
        for c in containers
            .iter()
            .filter(|c| host.containers.watches(&c.name))
        {
            let target = Target::Container {
                host: host.name.clone(),
                name: c.name.clone(),
            };
            let id = upsert_target(tx, &target, &c.name, at)?;
            let state = c.state.as_str().to_string();
            let health = c.health.map(|h| h.as_str());
            let data = c.inspect.clone().unwrap_or_else(|| json!({}));
            set_state(
                tx,
                id,
                run,
                at,
                &state,
                health,
                &c.status_text,
                Some(&data.to_string()),
            )?;
            sample(
                tx,
                id,
                "running",
                at,
                if state == "running" { 1.0 } else { 0.0 },
            )?;
            sample(tx, id, "restart_count", at, c.restart_count as f64)?;
            seen.push(target.key());
        }
        forget_missing(tx, &host.name, "container", &seen)?;
    }
    if let Section::Ok(units) = &s.units {
        let mut seen = Vec::new();
        for u in units.iter().filter(|u| host.units.contains(&u.id)) {
            let target = Target::Unit {
                host: host.name.clone(),
                name: u.id.clone(),
            };
            let id = upsert_target(tx, &target, &u.id, at)?;
            let detail = format!("{} ({}), result {}", u.active_state, u.sub_state, u.result);
            let data = serde_json::to_string(u)?;
            set_state(tx, id, run, at, &u.active_state, None, &detail, Some(&data))?;
            sample(
                tx,
                id,
                "active",
                at,
                if u.active_state == "active" { 1.0 } else { 0.0 },
            )?;
            if let Some(n) = u.n_restarts {
                sample(tx, id, "restart_count", at, n as f64)?;
            }
            seen.push(target.key());
        }
        forget_missing(tx, &host.name, "unit", &seen)?;
    }
    if let Section::Ok(filesystems) = &s.disks {
        let mut seen = Vec::new();
        for fs in filesystems.iter().filter(|fs| !fs.is_pseudo()) {
            let target = Target::Disk {
                host: host.name.clone(),
                mount: fs.mount.clone(),
            };
            let id = upsert_target(tx, &target, &fs.mount, at)?;
            let used = fs.used_percent();
            let state = if used > host.threshold_for(&fs.mount) {
                "above_threshold"
            } else {
                "ok"
            };
            let detail = format!(
                "{used:.1}% used of {}",
                crate::analyze::human_kib(fs.total_kib)
            );
            set_state(
                tx,
                id,
                run,
                at,
                state,
                None,
                &detail,
                Some(&serde_json::to_string(fs)?),
            )?;
            sample(tx, id, "used_percent", at, used)?;
            sample(tx, id, "available_kib", at, fs.available_kib as f64)?;
            seen.push(target.key());
        }
        forget_missing(tx, &host.name, "disk", &seen)?;
    }
    Ok(())
}

fn record_check(
    tx: &Transaction,
    run: i64,
    host: Option<String>,
    seen: &CheckObservation,
) -> Result<(), StoreError> {
    let at = secs(seen.observed_at);
    let target = Target::Check {
        name: seen.check.clone(),
    };
    let id = upsert_target_on(tx, &target, host.as_deref(), &seen.check, at)?;
    let detail = match (seen.status, &seen.error) {
        (Some(status), _) => format!("HTTP {status}"),
        (None, Some(error)) => error.clone(),
        (None, None) => String::new(),
    };
    let data = serde_json::to_string(seen)?;
    set_state(tx, id, run, at, "checked", None, &detail, Some(&data))?;
    if let Some(ms) = seen.latency_ms {
        sample(tx, id, "latency_ms", at, ms)?;
    }
    Ok(())
}

fn sections_json(s: &HostSnapshot) -> serde_json::Value {
    fn describe<T>(section: &Section<T>) -> String {
        match section {
            Section::Ok(_) => "ok".to_string(),
            Section::Unavailable(why) => format!("unavailable: {why}"),
            Section::Failed(why) => format!("failed: {why}"),
        }
    }
    let map: BTreeMap<&str, String> = [
        ("containers", describe(&s.containers)),
        ("units", describe(&s.units)),
        ("disks", describe(&s.disks)),
        ("memory", describe(&s.memory)),
        ("load", describe(&s.load)),
        ("uptime", describe(&s.uptime_seconds)),
    ]
    .into_iter()
    .collect();
    json!(map)
}

fn upsert_target(
    tx: &Transaction,
    target: &Target,
    name: &str,
    at: i64,
) -> Result<i64, StoreError> {
    upsert_target_on(tx, target, target.host(), name, at)
}

fn upsert_target_on(
    tx: &Transaction,
    target: &Target,
    host: Option<&str>,
    name: &str,
    at: i64,
) -> Result<i64, StoreError> {
    Ok(tx.query_row(
        "INSERT INTO targets (key, kind, host, name, first_seen_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(key) DO UPDATE SET host = excluded.host RETURNING id",
        params![target.key(), target.kind(), host, name, at],
        |row| row.get(0),
    )?)
}

#[allow(clippy::too_many_arguments)]
fn set_state(
    tx: &Transaction,
    target: i64,
    run: i64,
    at: i64,
    state: &str,
    health: Option<&str>,
    detail: &str,
    data: Option<&str>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO target_states (target_id, run_id, observed_at, state, health, detail, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(target_id) DO UPDATE SET run_id = excluded.run_id, observed_at = excluded.observed_at,
           state = excluded.state, health = excluded.health, detail = excluded.detail, data = excluded.data",
        params![target, run, at, state, health, detail, data],
    )?;
    Ok(())
}

fn sample(
    tx: &Transaction,
    target: i64,
    metric: &str,
    at: i64,
    value: f64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT OR REPLACE INTO samples (target_id, metric, at, value) VALUES (?1, ?2, ?3, ?4)",
        params![target, metric, at, value],
    )?;
    Ok(())
}

/// Targets of `kind` on `host` that this sweep did not see leave the current view.
fn forget_missing(
    tx: &Transaction,
    host: &str,
    kind: &str,
    seen: &[String],
) -> Result<(), StoreError> {
    let seen = serde_json::to_string(seen)?;
    tx.execute(
        "DELETE FROM target_states WHERE target_id IN (
            SELECT id FROM targets WHERE host = ?1 AND kind = ?2 AND key NOT IN (SELECT value FROM json_each(?3)))",
        params![host, kind, seen],
    )?;
    Ok(())
}
