//! `medic run`: one sweep through the whole pipeline — config → collect →
//! store → analyze → decide → act → record.

use std::process::ExitCode;

use anyhow::Context;
use jiff::Timestamp;

use super::fix::{self, FixContext};
use super::lock::{LockError, RunLock};
use super::paths::Paths;
use super::{EXIT_INVALID, EXIT_LOCKED, load_config, tables};
use crate::record::OpsRepo;
use crate::{analyze, collect, decide, record, store};

pub async fn run(paths: &Paths, quiet: bool) -> anyhow::Result<ExitCode> {
    let Some(super::Config {
        inventory,
        playbooks,
        rules,
    }) = load_config(&paths.repo, "run")?
    else {
        eprintln!("medic run: refusing to run on an invalid configuration; nothing was changed");
        return Ok(ExitCode::from(EXIT_INVALID));
    };
    let _lock = match RunLock::acquire(&paths.state_dir) {
        Ok(lock) => lock,
        Err(held @ LockError::Held { .. }) => {
            eprintln!("medic run: {held}");
            return Ok(ExitCode::from(EXIT_LOCKED));
        }
        Err(e) => return Err(e.into()),
    };
    // What people pushed (approvals, reverts, PAUSE) counts in this run.
    if let Some(sync) = &inventory.sync
        && let Err(e) = record::sync::pull(&paths.repo, sync)
    {
        tracing::warn!(error = %e, "pull failed; this run works with the local repository");
        eprintln!("medic run: warning: {e}");
    }
    let repo = OpsRepo::open(&paths.repo)?;
    let mut conn = store::open(&paths.db)?;
    recover_lost_state(&mut conn, paths)?;
    let open = store::open_incidents(&conn)?;

    let redactor = crate::redact::Redactor::new(&inventory.redact)?;
    let repo = repo.with_redactor(redactor.clone());
    let sweep = collect::sweep(&inventory).await;
    let files = super::files::plan(&conn, &repo, &inventory, &sweep, &redactor)?;
    let history = store::history(&conn, inventory.policy.flapping_window, Timestamp::now())?;

    let tx = conn
        .transaction()
        .context("starting the run's transaction")?;
    let run_id = store::record_sweep(&tx, &inventory, &sweep)?;
    // Trends read the series this sweep just extended (inside the transaction).
    let trends = store::trend_data(&tx, sweep.finished_at, &inventory.policy.trends)?;
    let mut more = files.findings.clone();
    more.extend(analyze::trend_findings(
        &trends,
        sweep.finished_at.as_second(),
        &inventory.policy.trends,
    ));
    let analysis = analyze::analyze(&inventory, &sweep, &open, &history, more);
    let applied = store::apply_changes(&tx, run_id, &analysis.changes, Timestamp::now())?;
    store::save_streaks(&tx, &analysis.changes.streaks)?;
    let opened_ids = analysis
        .changes
        .opened
        .iter()
        .map(|f| f.fingerprint())
        .zip(applied.opened.iter().copied())
        .collect();
    store::attach_symptoms(
        &tx,
        &analysis.changes.symptoms,
        &opened_ids,
        Timestamp::now(),
    )?;
    clear_symptoms_of_resolved(&tx, &analysis)?;
    tx.execute(
        "UPDATE runs SET findings = ?2 WHERE id = ?1",
        rusqlite::params![run_id, analysis.findings.len() as i64],
    )?;
    tx.commit().context("committing the run to the database")?;
    // Retention is housekeeping: failing it must not keep a run from fixing.
    if let Err(e) = store::retention::apply(&conn, Timestamp::now(), &inventory.policy.retention) {
        tracing::warn!("sample retention skipped: {e}");
    }
    super::files::keep_backups(&conn, &repo, &files, Timestamp::now())?;

    diagnose_new(&conn, &inventory, &rules, run_id).await?;

    // Fixing: each action is journaled in its own writes as it happens, so a
    // killed run leaves a trace the next one settles.
    let now = Timestamp::now();
    let policy = &inventory.policy;
    let busy = fix::settle_interrupted(&conn, run_id, &healthy_now(&analysis, &open), now)?;
    let mut gathered = fix::gather(&conn, &repo, &inventory, policy, now)?;
    gathered.busy.extend(busy);
    gathered.flapping = analysis.changes.flapping.iter().cloned().collect();
    let plan = decide::decide(&gathered.input(now, &playbooks, policy));
    let client = collect::http::client();
    let mut notes = record::Notes::default();
    let reverts = super::files::RevertContext {
        db: &conn,
        repo: &repo,
        inventory: &inventory,
        run: run_id,
        http: &client,
    };
    super::files::apply_reverts(&reverts, &files, &mut notes).await?;
    let context = FixContext {
        db: &conn,
        repo: &repo,
        inventory: &inventory,
        playbooks: &playbooks,
        policy,
        run: run_id,
        http: &client,
        redactor: &redactor,
    };
    fix::carry_out(&context, &plan, &gathered, &mut notes).await?;

    let recorded = record::record(&repo, &conn, notes).context("recording to git")?;
    let pushed = match &inventory.sync {
        Some(sync) => record::sync::push(&paths.repo, sync).map_err(|e| e.to_string()),
        None => Ok(()),
    };
    conn.execute(
        "UPDATE runs SET finished_at = ?2, commit_id = ?3 WHERE id = ?1",
        rusqlite::params![
            run_id,
            Timestamp::now().as_second(),
            recorded.commit.map(|c| c.to_string())
        ],
    )?;
    tracing::info!(
        run = run_id,
        hosts = sweep.hosts.len(),
        findings = analysis.findings.len(),
        opened = applied.opened.len(),
        resolved = applied.resolved.len(),
        commit = recorded.commit.map(|c| c.to_string()).unwrap_or_default(),
        "run finished"
    );
    if !quiet {
        let reached = sweep
            .hosts
            .iter()
            .filter(|h| h.snapshot().is_some())
            .count();
        let acted = plan
            .decisions
            .iter()
            .filter(|d| matches!(d.verdict, decide::Verdict::Execute { .. }))
            .count();
        out!(
            "run {run_id}: {reached}/{} hosts reached, {} check(s), {} finding(s), {} incident(s) opened, {} resolved, {acted} fix(es){}",
            sweep.hosts.len(),
            sweep.checks.len(),
            analysis.findings.len(),
            applied.opened.len(),
            recorded.resolved.len().max(applied.resolved.len()),
            recorded
                .commit
                .map(|c| format!(", committed {:.10}", c.to_string()))
                .unwrap_or_else(|| ", nothing to commit".into()),
        );
        if let Some(paused) = &plan.paused {
            out!("{paused}");
        }
        out_raw!(
            "{}",
            tables::status_tables(&store::status(&conn)?, tables::Detail::Problems)
        );
    }
    if let Err(e) = pushed {
        eprintln!("medic run: {e}");
        return Ok(ExitCode::from(super::EXIT_ERROR));
    }
    Ok(ExitCode::SUCCESS)
}

/// Incidents this sweep saw healthy: resolved, or counting healthy sweeps.
fn healthy_now(
    analysis: &analyze::Analysis,
    open: &[analyze::OpenIncident],
) -> std::collections::BTreeSet<i64> {
    let mut healthy: std::collections::BTreeSet<i64> =
        analysis.changes.resolved.iter().map(|r| r.id).collect();
    for incident in open {
        if analysis
            .changes
            .streaks
            .get(&incident.fingerprint)
            .is_some_and(|s| s.healthy > 0)
        {
            healthy.insert(incident.id);
        }
    }
    healthy
}

/// A root that resolved on its own: its symptoms this sweep found nothing
/// wrong with are healthy too.
fn clear_symptoms_of_resolved(
    conn: &rusqlite::Connection,
    analysis: &analyze::Analysis,
) -> anyhow::Result<()> {
    let failing: std::collections::BTreeSet<String> =
        analysis.findings.iter().map(|f| f.target.key()).collect();
    for resolution in &analysis.changes.resolved {
        for symptom in store::symptoms(conn, resolution.id)?
            .into_iter()
            .filter(|s| s.cleared_at.is_none())
        {
            if !failing.contains(&symptom.target_key) {
                store::clear_symptom(
                    conn,
                    resolution.id,
                    &symptom.target_key,
                    "is healthy again with its root",
                    Timestamp::now(),
                )?;
            }
        }
    }
    Ok(())
}

/// The second pass for incidents not diagnosed yet: gather their context
/// (logs, a proxy's upstream, a backend's address) and match the rules.
async fn diagnose_new(
    conn: &rusqlite::Connection,
    inventory: &crate::config::Inventory,
    rules: &[crate::diagnose::Rule],
    run: i64,
) -> anyhow::Result<()> {
    for incident in store::incidents(conn, false)?
        .into_iter()
        .filter(|i| !i.diagnosed)
    {
        let Some(kind) = analyze::FindingKind::parse(&incident.kind) else {
            continue;
        };
        let context = collect::context::gather(inventory, &incident.target).await;
        let subject = crate::diagnose::Subject {
            kind,
            target: incident.target.clone(),
            facts: incident.facts.clone(),
            context: context.clone(),
        };
        let diagnosis = crate::diagnose::diagnose(rules, &subject);
        store::set_diagnosis(
            conn,
            incident.id,
            run,
            &context,
            diagnosis.as_ref(),
            Timestamp::now(),
        )?;
    }
    Ok(())
}

/// A fresh database next to existing reports means the state was lost: take
/// the incidents back from the reports so open ones are not opened twice.
fn recover_lost_state(conn: &mut rusqlite::Connection, paths: &Paths) -> anyhow::Result<()> {
    if store::incident_count(conn)? > 0 {
        return Ok(());
    }
    let reported = record::reported_incidents(&paths.repo)?;
    if reported.is_empty() {
        return Ok(());
    }
    let tx = conn.transaction()?;
    let imported = store::import_reported(&tx, &reported)?;
    tx.commit()?;
    tracing::warn!(
        imported,
        "database had no incidents; rebuilt them from reports/"
    );
    Ok(())
}
