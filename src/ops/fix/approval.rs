//! A high-risk plan becomes an approval request: a file under `approvals/`
//! listing the exact commands, committed for a person to decide, and an
//! incident event saying how to approve it.

use jiff::{SignedDuration, Timestamp};

use super::{FixContext, render_context};
use crate::act::render::render;
use crate::config::playbook::Playbook;
use crate::decide::Decision;
use crate::record::{ApprovalFile, Notes, RepoFile, approval_path, render_approval};
use crate::store::{self, IncidentRecord};

pub(super) fn request_approval(
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
