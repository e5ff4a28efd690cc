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
pub mod sync;

use rusqlite::Connection;

pub use control::{
    APPROVALS_DIR, ApprovalFile, CommittedApproval, CommittedPause, ControlError, PAUSE_FILE,
    approval_path, committed_approvals, committed_pause, next_approval_id, parse_approval,
    render_approval, render_pause, with_status,
};
pub use git::{Author, Change, GitError, OpsRepo, RepoFile, is_medic};
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

/// What other stages changed in this run, for the same commit: files
/// (approval requests), lines for the message body, trailers, and a short
/// subject per incident they acted on.
#[derive(Debug, Default)]
pub struct Notes {
    pub files: Vec<RepoFile>,
    pub lines: Vec<String>,
    pub trailers: Vec<String>,
    pub subjects: Vec<(i64, String)>,
}

/// Writes and commits what changed since the last successful record. Reports
/// that a failed run could not commit are picked up here on the next run.
pub fn record(repo: &OpsRepo, conn: &Connection, notes: Notes) -> Result<Recorded, RecordError> {
    let pending = store::unreported(conn)?;
    let mut files = notes.files;
    for incident in &pending {
        files.push(RepoFile::write(
            report_path(incident),
            render_report(incident)?,
        ));
    }
    files.push(RepoFile::write(
        STATUS_PATH,
        render_status(&store::status(conn)?)?,
    ));
    let opened: Vec<&IncidentRecord> = pending.iter().filter(|i| i.is_new()).collect();
    let resolved: Vec<&IncidentRecord> = pending.iter().filter(|i| i.is_newly_resolved()).collect();
    let message = commit_message(
        &opened,
        &resolved,
        &notes.lines,
        &notes.trailers,
        &notes.subjects,
    );
    let commit = repo.commit_files(&files, &message)?;
    let reported: Vec<(i64, String)> = pending.iter().map(|i| (i.id, i.status.clone())).collect();
    store::mark_reported(conn, &reported)?;
    Ok(Recorded {
        commit,
        opened: opened.iter().map(|i| i.id).collect(),
        resolved: resolved.iter().map(|i| i.id).collect(),
    })
}

fn commit_message(
    opened: &[&IncidentRecord],
    resolved: &[&IncidentRecord],
    lines: &[String],
    trailers: &[String],
    subjects: &[(i64, String)],
) -> String {
    let title = |i: &IncidentRecord| {
        format!(
            "#{} {} on {}",
            i.id,
            i.kind.replace('_', " "),
            i.target.key()
        )
    };
    let mut involved: Vec<i64> = opened
        .iter()
        .chain(resolved)
        .map(|i| i.id)
        .chain(subjects.iter().map(|(id, _)| *id))
        .collect();
    involved.sort_unstable();
    involved.dedup();
    let subject = match (involved.as_slice(), opened, resolved) {
        ([], ..) => "medic: status changed".to_string(),
        ([id], ..) if subjects.iter().any(|(s, _)| s == id) => {
            let said = subjects
                .iter()
                .find(|(s, _)| s == id)
                .map(|(_, text)| text.clone())
                .unwrap_or_default();
            format!("medic: {said}")
        }
        ([_], [one], _) => format!("medic: {}", title(one)),
        ([_], [], [one]) => format!("medic: resolved {}", title(one)),
        _ => format!(
            "medic: {} incident(s) opened, {} resolved, {} acted on",
            opened.len(),
            resolved.len(),
            subjects.len()
        ),
    };
    let mut body = String::new();
    for i in opened {
        body.push_str(&format!("Opened #{}: {}\n", i.id, i.summary));
    }
    for line in lines {
        body.push_str(line);
        body.push('\n');
    }
    for i in resolved {
        let why = i.resolution.as_deref().unwrap_or("healthy again");
        body.push_str(&format!("Resolved #{}: {} ({why})\n", i.id, i.summary));
    }
    let mut all_trailers: Vec<String> = opened
        .iter()
        .chain(resolved)
        .map(|i| format!("Medic-Incident: {}", i.id))
        .collect();
    all_trailers.extend(trailers.iter().cloned());
    let mut seen = std::collections::BTreeSet::new();
    all_trailers.retain(|t| seen.insert(t.clone()));
    if body.is_empty() && all_trailers.is_empty() {
        return format!("{subject}\n");
    }
    format!("{subject}\n\n{body}\n{}\n", all_trailers.join("\n"))
}

#[cfg(test)]
mod tests;
