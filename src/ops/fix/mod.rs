//! The fixing half of a run: takes the plan `decide` made from what
//! `gather` read, settles actions a killed run left open, and carries the
//! plan out: executes fixes through `act`, writes approval requests
//! (`approval`), records escalations. `medic plan` shares `gather` and
//! `decide`, and stops there.

use anyhow::Context;
use jiff::Timestamp;
use rusqlite::Connection;

use crate::act::render::{RenderContext, render};
use crate::act::runner::{self, Job, Outcome};
use crate::analyze::FindingKind;
use crate::config::Inventory;
use crate::config::playbook::Playbook;
use crate::config::policy::Policy;
use crate::decide::{Approver, Decision, Plan, Verdict};
use crate::record::{Notes, OpsRepo, RepoFile, next_approval_id, with_status};
use crate::store::{self, IncidentRecord, NewAction};

mod approval;
mod gather;

use approval::request_approval;
pub use gather::{Gathered, gather};

/// Actions a killed run left `running`: settled by what this run's sweep
/// saw, never repeated in the same run.
/// `healthy` holds the incidents this run's sweep saw healthy (resolved, or
/// on their way to it); an interrupted action on one of those did its job,
/// and the incident resolves as if the fix had been verified.
pub fn settle_interrupted(
    db: &Connection,
    run: i64,
    healthy: &std::collections::BTreeSet<i64>,
    now: Timestamp,
) -> anyhow::Result<Vec<String>> {
    let mut busy = Vec::new();
    for action in store::unfinished_actions(db)? {
        if healthy.contains(&action.incident) {
            let outcome =
                "interrupted: the run doing it was killed; the target was healthy on the next run";
            store::finish_action(db, action.id, "succeeded", outcome, now)?;
            let resolution = format!(
                "fixed by `{}` (its run was killed; the target was healthy on the next run)",
                action.playbook
            );
            store::resolve_incident(db, action.incident, run, &resolution, now)?;
        } else {
            let outcome = "interrupted: the run doing it was killed; the target was still failing on the next run, \
                           so medic did not repeat it then";
            store::finish_action(db, action.id, "interrupted", outcome, now)?;
        }
        busy.push(action.target_key);
    }
    Ok(busy)
}

pub struct FixContext<'a> {
    pub db: &'a Connection,
    pub repo: &'a OpsRepo,
    pub inventory: &'a Inventory,
    pub playbooks: &'a [Playbook],
    pub policy: &'a Policy,
    pub run: i64,
    pub http: &'a reqwest::Client,
    pub redactor: &'a crate::redact::Redactor,
}

pub async fn carry_out(
    ctx: &FixContext<'_>,
    plan: &Plan,
    gathered: &Gathered,
    notes: &mut Notes,
) -> anyhow::Result<()> {
    let mut next_approval = next_approval_id(ctx.repo)?;
    for decision in &plan.decisions {
        let Some(incident) = gathered.records.iter().find(|i| i.id == decision.incident) else {
            continue;
        };
        let playbook = decision
            .playbook
            .as_deref()
            .and_then(|name| ctx.playbooks.iter().find(|p| p.name == name));
        match (&decision.verdict, playbook) {
            (Verdict::Execute { approver }, Some(playbook)) => {
                execute(ctx, decision, incident, playbook, approver, gathered, notes).await?;
            }
            (Verdict::RequestApproval, Some(playbook)) => {
                request_approval(ctx, decision, incident, playbook, next_approval, notes)?;
                next_approval += 1;
            }
            (Verdict::Escalate | Verdict::NoPlaybook, _) => {
                store::set_escalation(
                    ctx.db,
                    incident.id,
                    ctx.run,
                    Some(&decision.reason),
                    Timestamp::now(),
                )?;
            }
            _ => {
                store::set_escalation(ctx.db, incident.id, ctx.run, None, Timestamp::now())?;
            }
        }
    }
    Ok(())
}

/// Where a fix for `target` runs: its own host; for an HTTP check, its
/// proxy's host (whose config a fix may change), else the check's host.
pub fn execution_host<'a>(
    inventory: &'a Inventory,
    target: &crate::analyze::Target,
) -> Option<&'a crate::config::Host> {
    match target {
        crate::analyze::Target::Check { name } => {
            let check = inventory.check(name)?;
            let host = check
                .proxy
                .as_ref()
                .map(|p| &p.host)
                .or(check.host.as_ref())?;
            inventory.host(host)
        }
        _ => target.host().and_then(|h| inventory.host(h)),
    }
}

fn render_context(
    ctx: &FixContext<'_>,
    incident: &IncidentRecord,
    decision: &Decision,
) -> RenderContext {
    let host = execution_host(ctx.inventory, &incident.target);
    RenderContext {
        target: incident.target.clone(),
        host_name: host.map(|h| h.name.clone()),
        host_address: host.map(|h| h.address.clone()),
        incident_id: incident.id,
        incident_kind: incident.kind.clone(),
        incident_summary: incident.summary.clone(),
        facts: incident.facts.clone(),
        params: decision.params.clone(),
    }
}

async fn execute(
    ctx: &FixContext<'_>,
    decision: &Decision,
    incident: &IncidentRecord,
    playbook: &Playbook,
    approver: &Approver,
    gathered: &Gathered,
    notes: &mut Notes,
) -> anyhow::Result<()> {
    let now = Timestamp::now();
    let rendered = match render(playbook, &render_context(ctx, incident, decision)) {
        Ok(rendered) => rendered,
        Err(e) => {
            let reason = format!(
                "playbook `{}` cannot be rendered for this incident: {e}",
                playbook.name
            );
            store::set_escalation(ctx.db, incident.id, ctx.run, Some(&reason), now)?;
            return Ok(());
        }
    };
    store::set_escalation(ctx.db, incident.id, ctx.run, None, now)?;
    let approval = match approver {
        Approver::Person(_) => gathered.committed_approvals.iter().find(|a| {
            a.file.incident == incident.id
                && a.file.playbook == playbook.name
                && a.file.status == "approved"
        }),
        Approver::Automatic => None,
    };
    let approver_name = match approver {
        Approver::Automatic => "auto".to_string(),
        Approver::Person(who) => who.clone(),
    };
    let risk = decision.risk.map(|r| r.as_str()).unwrap_or("low");
    let action = store::start_action(
        ctx.db,
        &NewAction {
            incident: incident.id,
            run: ctx.run,
            target_key: &incident.target.key(),
            playbook: &playbook.name,
            playbook_digest: &playbook.digest(),
            risk,
            approver: &approver_name,
            approval: approval.map(|a| a.file.id),
            reason: &decision.reason,
        },
        now,
    )?;
    let kind = FindingKind::parse(&incident.kind).context("open incidents have known kinds")?;
    let verify_timeout = if playbook.verify.timeout.is_zero() {
        ctx.policy.verify_timeout
    } else {
        playbook.verify.timeout
    };
    let host = execution_host(ctx.inventory, &incident.target);
    let no_files = Default::default();
    let files = host.map(|h| &h.files).unwrap_or(&no_files);
    let mut known_hashes = std::collections::BTreeMap::new();
    if let Some(host) = host {
        for path in crate::act::files::touched(&rendered.steps) {
            let known = store::known_file(ctx.db, &host.name, path)?.map(|k| k.host_hash);
            known_hashes.insert(path.to_string(), known);
        }
    }
    let job = Job {
        inventory: ctx.inventory,
        host,
        db: ctx.db,
        action: Some(action),
        plan: &rendered,
        kind,
        target: &incident.target,
        verify_timeout,
        verify_target: true,
        http: ctx.http,
        files,
        known_hashes,
    };
    let executed = runner::execute(&job).await?;
    if let Some(sweep) = &executed.seen {
        store::update_current(ctx.db, ctx.run, ctx.inventory, sweep)?;
    }
    if let Some(host) = host {
        super::files::record_fixed_files(
            ctx.db,
            ctx.inventory,
            &host.name,
            &executed.changed_files,
            ctx.redactor,
            notes,
        )?;
    }
    let outcome = executed.outcome;
    let took = humantime::format_duration(std::time::Duration::from_secs(
        (Timestamp::now().as_second() - now.as_second()).max(0) as u64,
    ));
    match &outcome {
        Outcome::Verified { reason } => {
            let resolution = format!("fixed by `{}` ({reason})", playbook.name);
            store::resolve_incident(ctx.db, incident.id, ctx.run, &resolution, Timestamp::now())?;
            recheck_symptoms(ctx, incident.id).await?;
            notes.lines.push(format!(
                "Fixed #{} with `{}` in {took}: {}",
                incident.id, playbook.name, incident.summary
            ));
            notes.subjects.push((
                incident.id,
                format!(
                    "fixed #{} {} on {}",
                    incident.id,
                    incident.kind.replace('_', " "),
                    incident.target.key()
                ),
            ));
        }
        Outcome::Failed { reason, .. } => {
            let escalation = format!("fix with `{}` failed: {reason}", playbook.name);
            store::set_escalation(
                ctx.db,
                incident.id,
                ctx.run,
                Some(&escalation),
                Timestamp::now(),
            )?;
            notes.lines.push(format!(
                "Fix of #{} with `{}` failed: {reason}",
                incident.id, playbook.name
            ));
            notes.subjects.push((
                incident.id,
                format!("fix of #{} with {} failed", incident.id, playbook.name),
            ));
        }
    }
    notes
        .trailers
        .push(format!("Medic-Incident: {}", incident.id));
    notes
        .trailers
        .push(format!("Medic-Action: {}", playbook.name));
    if let Some(approval) = approval {
        let text = ctx.repo.committed(&approval.path)?.unwrap_or_default();
        if let Some(executed) = with_status(&text, "executed") {
            let executed = executed.replacen(
                "\n---\n",
                &format!("\napproved_by: {}\n---\n", yaml_quote(&approver_name)),
                1,
            );
            notes
                .files
                .push(RepoFile::write(approval.path.clone(), executed));
            notes
                .trailers
                .push(format!("Medic-Approval: {}", approval.file.id));
        }
    }
    Ok(())
}

fn yaml_quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// After a root is fixed, its dependents are looked at again: those healthy
/// now are cleared; the others are left for the next sweep to judge on
/// their own.
async fn recheck_symptoms(ctx: &FixContext<'_>, incident: i64) -> anyhow::Result<()> {
    for symptom in store::symptoms(ctx.db, incident)?
        .into_iter()
        .filter(|s| s.cleared_at.is_none())
    {
        let Some(target) = target_of_key(ctx.inventory, &symptom.target_key) else {
            continue;
        };
        let kind = match &target {
            crate::analyze::Target::Check { .. } => FindingKind::CheckFailing,
            crate::analyze::Target::Unit { .. } => FindingKind::UnitFailed,
            crate::analyze::Target::Disk { .. } => FindingKind::DiskAboveThreshold,
            crate::analyze::Target::Host { .. } => FindingKind::HostUnreachable,
            _ => FindingKind::ContainerStopped,
        };
        let look = crate::act::verify::until_healthy(
            ctx.inventory,
            ctx.http,
            kind,
            &target,
            std::time::Duration::from_secs(10),
        )
        .await;
        if look.result.is_ok() {
            let how = format!("re-checked after the fix of #{incident}: healthy");
            store::clear_symptom(
                ctx.db,
                incident,
                &symptom.target_key,
                &how,
                Timestamp::now(),
            )?;
        }
    }
    Ok(())
}

/// The target a key names, for the kinds a symptom can be.
fn target_of_key(inventory: &Inventory, key: &str) -> Option<crate::analyze::Target> {
    use crate::analyze::Target;
    if let Some(name) = key.strip_prefix("check/") {
        return inventory.check(name).map(|_| Target::Check {
            name: name.to_string(),
        });
    }
    let mut parts = key.splitn(3, '/');
    let host = parts.next()?.to_string();
    Some(match (parts.next(), parts.next()) {
        (None, _) => Target::Host { host },
        (Some("container"), Some(name)) => Target::Container {
            host,
            name: name.to_string(),
        },
        (Some("unit"), Some(name)) => Target::Unit {
            host,
            name: name.to_string(),
        },
        (Some("disk"), Some(mount)) => Target::Disk {
            host,
            mount: mount.to_string(),
        },
        _ => return None,
    })
}
