//! Record: takes the store after a run and gives the durable record in Git:
//! one Markdown report per incident that opened or resolved, STATUS.md, and
//! one commit with a readable message and `Medic-Incident:` trailers — or no
//! commit at all when nothing changed.

mod control;
mod git;
mod recover;
mod render;
mod report;
mod status_page;

use rusqlite::Connection;

pub use control::{
    APPROVALS_DIR, ApprovalFile, CommittedApproval, CommittedPause, ControlError, PAUSE_FILE, approval_path,
    committed_approvals, committed_pause, next_approval_id, parse_approval, render_approval, render_pause, with_status,
};
pub use git::{Author, GitError, OpsRepo, RepoFile, is_medic};
pub use recover::{RecoverError, ReportedIncident, reported_incidents};
pub use report::{render_report, report_path};
pub use status_page::{STATUS_PATH, render_status};

use crate::store::{self, IncidentRecord, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("rendering a report failed: {0}")]
    Render(#[from] minijinja::Error),
}

#[derive(Debug, Default)]
pub struct Recorded {
    pub commit: Option<git2::Oid>,
    pub opened: Vec<i64>,
    pub resolved: Vec<i64>,
}

/// Writes and commits what changed since the last successful record. Reports
/// that a failed run could not commit are picked up here on the next run.
pub fn record(repo: &OpsRepo, conn: &Connection) -> Result<Recorded, RecordError> {
    let pending = store::unreported(conn)?;
    let mut files = Vec::new();
    for incident in &pending {
        files.push(RepoFile::write(report_path(incident), render_report(incident)?));
    }
    files.push(RepoFile::write(STATUS_PATH, render_status(&store::status(conn)?)?));
    let (opened, resolved): (Vec<&IncidentRecord>, Vec<&IncidentRecord>) =
        pending.iter().partition(|i| i.is_open());
    let commit = repo.commit_files(&files, &commit_message(&opened, &resolved))?;
    let reported: Vec<(i64, String)> = pending.iter().map(|i| (i.id, i.status.clone())).collect();
    store::mark_reported(conn, &reported)?;
    Ok(Recorded {
        commit,
        opened: opened.iter().map(|i| i.id).collect(),
        resolved: resolved.iter().map(|i| i.id).collect(),
    })
}

fn commit_message(opened: &[&IncidentRecord], resolved: &[&IncidentRecord]) -> String {
    let subject = match (opened, resolved) {
        ([], []) => "medic: status changed".to_string(),
        ([one], []) => format!(
            "medic: #{} {} on {}",
            one.id,
            one.kind.replace('_', " "),
            one.target.key()
        ),
        ([], [one]) => format!(
            "medic: resolved #{} {} on {}",
            one.id,
            one.kind.replace('_', " "),
            one.target.key()
        ),
        _ => format!(
            "medic: {} incident(s) opened, {} resolved",
            opened.len(),
            resolved.len()
        ),
    };
    let mut body = String::new();
    for i in opened {
        body.push_str(&format!("Opened #{}: {}\n", i.id, i.summary));
    }
    for i in resolved {
        let why = i.resolution.as_deref().unwrap_or("healthy again");
        body.push_str(&format!("Resolved #{}: {} ({why})\n", i.id, i.summary));
    }
    let trailers: String = opened
        .iter()
        .chain(resolved)
        .map(|i| format!("Medic-Incident: {}\n", i.id))
        .collect();
    match (body.is_empty(), trailers.is_empty()) {
        (true, _) => format!("{subject}\n"),
        (false, _) => format!("{subject}\n\n{body}\n{trailers}"),
    }
}

#[cfg(test)]
mod tests;
