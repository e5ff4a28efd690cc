//! Rebuilds incident state from the reports' front matter when the database
//! is gone (a CI cache evicted, a disk replaced): Git is the durable record,
//! SQLite only the working store.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::Deserialize;

use crate::analyze::Target;
use crate::config::yaml;

/// What a report's front matter says about its incident.
#[derive(Debug, Clone, Deserialize)]
pub struct ReportedIncident {
    pub id: i64,
    pub status: String,
    pub kind: String,
    pub severity: String,
    pub fingerprint: String,
    pub target: Target,
    #[allow(dead_code)]
    target_key: String,
    #[allow(dead_code)]
    host: Option<String>,
    pub summary: String,
    pub opened_at: Timestamp,
    #[serde(default)]
    pub started_at: Option<Timestamp>,
    #[serde(default)]
    pub resolved_at: Option<Timestamp>,
    #[serde(default)]
    pub escalation: Option<String>,
    #[serde(default)]
    pub diagnosed: bool,
    #[serde(default)]
    pub diagnosis: Option<crate::diagnose::Diagnosis>,
    #[serde(default)]
    pub facts: std::collections::BTreeMap<String, String>,
    /// The timeline, read back from the report's table.
    #[serde(skip)]
    pub events: Vec<(Timestamp, String, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum RecoverError {
    #[error("cannot read reports in `{path}`: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Every incident report under `reports/incidents/`. Reports whose front
/// matter cannot be read are skipped with a warning, not fatal: the rest still
/// protect against opening duplicates.
pub fn reported_incidents(root: &Path) -> Result<Vec<ReportedIncident>, RecoverError> {
    let mut found = Vec::new();
    let dir = root.join("reports").join("incidents");
    if !dir.is_dir() {
        return Ok(found);
    }
    let mut files = Vec::new();
    collect_markdown(&dir, &mut files)?;
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).map_err(|source| RecoverError::Read {
            path: path.clone(),
            source,
        })?;
        let Some(front) = front_matter(&text) else {
            tracing::warn!(report = %path.display(), "report without front matter; skipped");
            continue;
        };
        match yaml::from_str::<ReportedIncident>(front, &path.display().to_string()) {
            Ok(mut incident) => {
                incident.events = timeline(&text);
                found.push(incident);
            }
            Err(problems) => {
                let first = problems
                    .first()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                tracing::warn!(report = %path.display(), problem = %first, "unreadable front matter; skipped");
            }
        }
    }
    Ok(found)
}

fn collect_markdown(dir: &Path, into: &mut Vec<PathBuf>) -> Result<(), RecoverError> {
    let read = |source| RecoverError::Read {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(read)? {
        let path = entry.map_err(read)?.path();
        if path.is_dir() {
            collect_markdown(&path, into)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            into.push(path);
        }
    }
    Ok(())
}

/// The rows of the report's Timeline table: `| 2026-11-27 22:40:00 | kind: message |`.
/// The "failure began" row is not an event and is skipped.
fn timeline(text: &str) -> Vec<(Timestamp, String, String)> {
    let Some(start) = text.find("\n## Timeline\n") else {
        return Vec::new();
    };
    text[start..]
        .lines()
        .skip(4)
        .take_while(|line| line.starts_with('|'))
        .filter_map(|line| {
            let inner = line.strip_prefix("| ")?.strip_suffix(" |")?;
            let (time, event) = inner.split_once(" | ")?;
            let civil = jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", time).ok()?;
            let at = jiff::tz::TimeZone::UTC.to_timestamp(civil).ok()?;
            let (kind, message) = event.split_once(": ")?;
            if kind.contains(' ') {
                return None;
            }
            Some((at, kind.to_string(), unescape_cell(message)))
        })
        .collect()
}

/// Undoes the `cell` filter: `\|` and `\\` back to `|` and `\`.
fn unescape_cell(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The YAML between the opening `---` line and the next `---` line.
fn front_matter(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    Some(&rest[..end + 1])
}
