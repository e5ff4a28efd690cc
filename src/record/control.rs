//! The control channel in Git: pending approvals medic writes and people
//! decide (with `medic approve`/`reject` or by editing the file and
//! committing), and the PAUSE file that stops all fixes. Everything is read
//! from HEAD, so only committed decisions count, and the decider is the
//! author of the commit that changed the file.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::git::{GitError, OpsRepo, is_medic};
use super::render::{environment, human_time};
use crate::config::yaml;

pub const APPROVALS_DIR: &str = "approvals";
pub const PAUSE_FILE: &str = "PAUSE";

/// An approval's front matter: what is to run, and its state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApprovalFile {
    pub id: i64,
    pub incident: i64,
    pub playbook: String,
    pub playbook_digest: String,
    pub target: String,
    pub risk: String,
    /// `pending`, `approved`, `rejected`, or `executed` (written by medic after the run).
    pub status: String,
    pub requested_at: Timestamp,
    pub expires_at: Timestamp,
    /// Set by medic when it records the execution of an approved plan.
    #[serde(default)]
    pub approved_by: Option<String>,
}

/// An approval as read from HEAD.
#[derive(Debug, Clone, PartialEq)]
pub struct CommittedApproval {
    pub file: ApprovalFile,
    pub path: PathBuf,
    /// Who last changed the file; None when only medic did.
    pub decided_by: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error("`{path}`: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("rendering failed: {0}")]
    Render(#[from] minijinja::Error),
}

pub fn approval_path(id: i64, playbook: &str, target_key: &str) -> PathBuf {
    let slug: String = format!("{playbook}-{target_key}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let slug: String = slug.chars().take(60).collect();
    Path::new(APPROVALS_DIR).join(format!("{id:04}-{slug}.md"))
}

/// The request a person reads: why, what exactly will run, and how to decide.
pub fn render_approval(
    file: &ApprovalFile,
    summary: &str,
    why: &str,
    commands: &[String],
) -> Result<String, ControlError> {
    let front = serde_json::to_value(file).map_err(|e| ControlError::Invalid {
        path: PathBuf::new(),
        message: e.to_string(),
    })?;
    let front: Vec<(String, String)> = front
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.clone(), yaml_scalar(v)))
        .collect();
    Ok(environment()
        .get_template("approval.md")?
        .render(context! {
            front => minijinja::value::Serde(&front),
            id => file.id,
            incident => file.incident,
            playbook => &file.playbook,
            target => &file.target,
            risk => &file.risk,
            status => &file.status,
            summary => summary,
            why => why,
            commands => commands.to_vec(),
            requested_at => human_time(file.requested_at),
            expires_at => human_time(file.expires_at),
        })?)
}

/// Every approval committed under `approvals/`, newest id first.
pub fn committed_approvals(repo: &OpsRepo) -> Result<Vec<CommittedApproval>, ControlError> {
    let mut approvals = Vec::new();
    for (path, text) in repo.committed_dir(Path::new(APPROVALS_DIR))? {
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let file = parse_approval(&path, &text)?;
        let decided_by = repo.last_author(&path)?.filter(|who| !is_medic(who));
        approvals.push(CommittedApproval {
            file,
            path,
            decided_by,
        });
    }
    approvals.sort_by_key(|a| std::cmp::Reverse(a.file.id));
    Ok(approvals)
}

pub fn parse_approval(path: &Path, text: &str) -> Result<ApprovalFile, ControlError> {
    let invalid = |message: String| ControlError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let front = front_matter(text)
        .ok_or_else(|| invalid("no front matter (a block between `---` lines)".into()))?;
    let file: ApprovalFile =
        yaml::from_str(front, &path.display().to_string()).map_err(|problems| {
            invalid(
                problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?;
    if !matches!(
        file.status.as_str(),
        "pending" | "approved" | "rejected" | "executed"
    ) {
        return Err(invalid(format!(
            "status `{}` is not one of pending, approved, rejected, executed",
            file.status
        )));
    }
    Ok(file)
}

/// The approval's file with its `status:` line changed, the rest untouched.
pub fn with_status(text: &str, status: &str) -> Option<String> {
    let mut changed = false;
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            if !changed && line.starts_with("status:") {
                changed = true;
                format!("status: {status}")
            } else {
                line.to_string()
            }
        })
        .collect();
    changed.then(|| lines.join("\n") + "\n")
}

/// The next free approval number.
pub fn next_approval_id(repo: &OpsRepo) -> Result<i64, ControlError> {
    Ok(committed_approvals(repo)?
        .iter()
        .map(|a| a.file.id)
        .max()
        .unwrap_or(0)
        + 1)
}

/// A committed PAUSE file: all fixes are off.
#[derive(Debug, Clone, PartialEq)]
pub struct CommittedPause {
    pub reason: String,
    pub by: Option<String>,
}

pub fn committed_pause(repo: &OpsRepo) -> Result<Option<CommittedPause>, ControlError> {
    let Some(text) = repo.committed(Path::new(PAUSE_FILE))? else {
        return Ok(None);
    };
    let reason = text
        .lines()
        .find_map(|l| l.strip_prefix("Reason:").map(|r| r.trim().to_string()))
        .or_else(|| {
            text.lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .map(String::from)
        })
        .unwrap_or_else(|| "a PAUSE file is committed".to_string());
    Ok(Some(CommittedPause {
        reason,
        by: repo.last_author(Path::new(PAUSE_FILE))?,
    }))
}

pub fn render_pause(reason: &str, by: &str, at: Timestamp) -> String {
    format!(
        "medic is paused: it observes and reports, and fixes nothing.\n\n\
         Reason: {reason}\n\
         Paused by: {by} at {} UTC\n\n\
         To resume, run `medic resume`, or delete this file and commit.\n",
        human_time(at)
    )
}

/// Plain where that reads back the same (so `status: pending` is easy to
/// edit by hand), JSON-quoted otherwise.
fn yaml_scalar(value: &serde_json::Value) -> String {
    match value.as_str() {
        Some(s)
            if !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.:/+-".contains(c))
                && s.starts_with(|c: char| c.is_ascii_alphanumeric()) =>
        {
            s.to_string()
        }
        _ => value.to_string(),
    }
}

fn front_matter(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    Some(&rest[..end + 1])
}
