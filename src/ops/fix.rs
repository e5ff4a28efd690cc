//! The fixing half of a run: gathers what `decide` needs (open incidents,
//! attempts, resets, approvals and PAUSE from Git), settles actions a killed
//! run left open, and carries out the plan — executes fixes through `act`,
//! writes approval requests, records escalations. `medic plan` shares
//! `gather` and `decide`, and stops there.

use anyhow::Context;
use jiff::{SignedDuration, Timestamp};
use rusqlite::Connection;

use crate::act::render::{RenderContext, render};
use crate::act::runner::{self, Job, Outcome};
use crate::analyze::FindingKind;
use crate::config::Inventory;
use crate::config::playbook::Playbook;
use crate::config::policy::Policy;
use crate::decide::{
    ApprovalState, ApprovalView, Approver, Attempt, AttemptOutcome, BreakerReset, DecideInput,
    Decision, Hold, IncidentView, Pause, Plan, Verdict,
};
use crate::record::{
    ApprovalFile, CommittedApproval, Notes, OpsRepo, RepoFile, approval_path, committed_approvals,
    committed_pause, next_approval_id, render_approval, with_status,
};
use crate::store::{self, IncidentRecord, NewAction};

/// How far back attempts are read for the breakers.
const ATTEMPT_HISTORY: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);

/// Everything `decide` reads, owned, so `plan` and `run` build it the same way.
pub struct Gathered {
    pub incidents: Vec<IncidentView>,
    pub records: Vec<IncidentRecord>,
    pub attempts: Vec<Attempt>,
    pub resets: Vec<BreakerReset>,
    pub approvals: Vec<ApprovalView>,
    pub committed_approvals: Vec<CommittedApproval>,
    pub pause: Option<Pause>,
    pub busy: Vec<String>,
    pub holds: Vec<Hold>,
    /// Target keys flapping in this sweep (correlation says so).
    pub flapping: Vec<String>,
}

impl Gathered {
    pub fn input<'a>(
        &'a self,
        now: Timestamp,
        playbooks: &'a [Playbook],
        policy: &'a Policy,
    ) -> DecideInput<'a> {
        DecideInput {
            now,
            incidents: &self.incidents,
            playbooks,
            policy,
            attempts: &self.attempts,
            resets: &self.resets,
            approvals: &self.approvals,
            pause: self.pause.as_ref(),
            busy_targets: &self.busy,
            holds: &self.holds,
            flapping: &self.flapping,
        }
    }
}

pub fn gather(
    db: &Connection,
    repo: &OpsRepo,
    inventory: &Inventory,
    policy: &Policy,
    now: Timestamp,
) -> anyhow::Result<Gathered> {
    let records = store::incidents(db, false)?;
    let mut records: Vec<IncidentRecord> = records;
    records.sort_by_key(|i| i.id);
    let incidents = records
        .iter()
        .filter_map(|i| {
            let kind = FindingKind::parse(&i.kind)?;
            let host_tags = i
                .target
                .host()
                .and_then(|h| inventory.host(h))
                .map(|h| h.tags.clone())
                .unwrap_or_default();
            Some(IncidentView {
                id: i.id,
                fingerprint: i.fingerprint.clone(),
                kind,
                target: i.target.clone(),
                facts: i.facts.clone(),
                host_tags,
                proposal: i.diagnosis.as_ref().and_then(|d| {
                    Some(crate::decide::Proposal {
                        playbook: d.playbook.clone()?,
                        params: d.params.clone(),
                        cause: d.cause.clone(),
                    })
                }),
            })
        })
        .collect();
    // Breakers have no time window (open until healthy or reset), so look
    // back well past the failure-rate window.
    let window = SignedDuration::try_from(policy.failure_rate_window.max(ATTEMPT_HISTORY))
        .unwrap_or(SignedDuration::from_hours(24 * 30));
    let since = now.checked_sub(window).unwrap_or(now);
    let mut busy = Vec::new();
    let attempts = store::actions_since(db, since)?
        .into_iter()
        .filter_map(|a| {
            let outcome = match a.status.as_str() {
                "succeeded" => AttemptOutcome::Succeeded,
                "failed" => AttemptOutcome::Failed,
                "interrupted" => AttemptOutcome::Interrupted,
                _ => {
                    busy.push(a.target_key.clone());
                    return None;
                }
            };
            let approver = if a.is_automatic() {
                Approver::Automatic
            } else {
                Approver::Person(a.approver.clone())
            };
            Some(Attempt {
                incident: a.incident,
                target_key: a.target_key,
                playbook: a.playbook,
                at: a.started_at,
                outcome,
                approver,
            })
        })
        .collect();
    let resets = store::resets(db)?
        .into_iter()
        .map(|(target_key, at)| BreakerReset { target_key, at })
        .collect();
    let committed = committed_approvals(repo)?;
    let approvals = committed
        .iter()
        .map(|c| ApprovalView {
            id: c.file.id,
            incident: c.file.incident,
            playbook: c.file.playbook.clone(),
            playbook_digest: c.file.playbook_digest.clone(),
            state: approval_state(c),
            requested_at: c.file.requested_at,
            expires_at: c.file.expires_at,
        })
        .collect();
    let pause = committed_pause(repo)?.map(|p| Pause {
        reason: p.reason,
        by: p.by,
    });
    Ok(Gathered {
        incidents,
        records,
        attempts,
        resets,
        approvals,
        committed_approvals: committed,
        pause,
        busy,
        holds: super::files::holds(db)?,
        flapping: Vec::new(),
    })
}

/// A status a person set counts only with a person as its author: a
/// commit by medic itself never approves anything.
fn approval_state(c: &CommittedApproval) -> ApprovalState {
    match (c.file.status.as_str(), &c.decided_by) {
        ("approved", Some(by)) => ApprovalState::Approved { by: by.clone() },
        ("rejected", Some(by)) => ApprovalState::Rejected { by: by.clone() },
        ("rejected", None) => ApprovalState::Rejected {
            by: "unknown".into(),
        },
        ("executed", _) => ApprovalState::Executed {
            by: c
                .file
                .approved_by
                .clone()
                .or_else(|| c.decided_by.clone())
                .unwrap_or_default(),
        },
        _ => ApprovalState::Pending,
    }
}

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

fn request_approval(
    ctx: &FixContext<'_>,
    decision: &Decision,
    incident: &IncidentRecord,
    playbook: &Playbook,
    id: i64,
    notes: &mut Notes,
) -> anyhow::Result<()> {
    let now = Timestamp::now();
    let commands: Vec<String> = match render(playbook, &render_context(ctx, incident, decision)) {
        Ok(rendered) => rendered.steps.iter().map(|s| s.describe()).collect(),
        Err(e) => {
            let reason = format!(
                "playbook `{}` cannot be rendered for this incident: {e}",
                playbook.name
            );
            store::set_escalation(ctx.db, incident.id, ctx.run, Some(&reason), now)?;
            return Ok(());
        }
    };
    let ttl =
        SignedDuration::try_from(ctx.policy.approval_ttl).unwrap_or(SignedDuration::from_hours(24));
    let file = ApprovalFile {
        id,
        incident: incident.id,
        playbook: playbook.name.clone(),
        playbook_digest: playbook.digest(),
        target: incident.target.key(),
        risk: decision
            .risk
            .map(|r| r.as_str().to_string())
            .unwrap_or_default(),
        status: "pending".into(),
        requested_at: now,
        expires_at: now.checked_add(ttl).unwrap_or(now),
        approved_by: None,
    };
    let text = render_approval(&file, &incident.summary, &decision.reason, &commands)?;
    let path = approval_path(id, &playbook.name, &incident.target.key());
    notes.files.push(RepoFile::write(path.clone(), text));
    notes.lines.push(format!(
        "Approval #{id} requested for `{}` on #{}: {}",
        playbook.name, incident.id, incident.summary
    ));
    notes.subjects.push((
        incident.id,
        format!(
            "approval #{id} requested: {} on {}",
            playbook.name,
            incident.target.key()
        ),
    ));
    notes
        .trailers
        .push(format!("Medic-Incident: {}", incident.id));
    notes.trailers.push(format!("Medic-Approval: {id}"));
    store::add_event(
        ctx.db,
        incident.id,
        Some(ctx.run),
        "approval",
        &format!(
            "{} risk: approval #{id} requested (`medic approve {id}`, file `{}`)",
            file.risk,
            path.display()
        ),
        now,
    )?;
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
