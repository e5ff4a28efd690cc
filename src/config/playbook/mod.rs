//! Playbooks: takes the ops repository's `playbooks/*.yaml` (format in `raw.rs` and
//! `playbooks/README.md`); gives validated `Playbook`s sorted by name, or every problem with
//! file:line:column. Also chooses the playbook for a finding (`select`).

mod actions;
mod matching;
mod model;
mod raw;
mod resolve;
mod steps;
pub mod templates;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use matching::{candidates, select, select_for, subject_facts, target_kind, target_name};
pub use model::*;
pub use resolve::{DEFAULT_VERIFY_TIMEOUT, TARGET_FACTS};
pub use steps::{DEFAULT_HTTP_TIMEOUT, DEFAULT_RUN_TIMEOUT};

use crate::config::yaml::{self, Diagnostic, Spanned};

/// The folder holding the playbooks of an ops repository.
pub fn playbooks_dir(repo: &Path) -> PathBuf {
    repo.join("playbooks")
}

/// Loads and validates every `*.yaml`/`*.yml` file directly under `playbooks/`; no folder means
/// no playbooks. Names are unique (each is its file's name, so `x.yaml` and `x.yml` clash).
pub fn load(repo: &Path) -> Result<Vec<Playbook>, Vec<Diagnostic>> {
    let dir = playbooks_dir(repo);
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let files =
        yaml::files::yaml_files(&dir).map_err(|e| vec![yaml::files::unreadable(&dir, &e)])?;
    let mut problems = Vec::new();
    let mut by_name: BTreeMap<String, Playbook> = BTreeMap::new();
    for path in &files {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                problems.push(yaml::files::unreadable(path, &e));
                continue;
            }
        };
        match parse(&text, &yaml::files::display_path(path)) {
            Ok(playbook) => {
                if let Some(first) = by_name.get(&playbook.name) {
                    problems.push(Diagnostic {
                        location: playbook.location.clone(),
                        message: format!(
                            "playbook `{}` is already defined at {}",
                            playbook.name, first.location
                        ),
                    });
                } else {
                    by_name.insert(playbook.name.clone(), playbook);
                }
            }
            Err(mut more) => problems.append(&mut more),
        }
    }
    if problems.is_empty() {
        Ok(by_name.into_values().collect())
    } else {
        Err(problems)
    }
}

/// Parses and validates one playbook file; `file` is its path as shown in messages, whose
/// name without extension the playbook's `name` must equal.
pub fn parse(text: &str, file: &str) -> Result<Playbook, Vec<Diagnostic>> {
    let (parsed, mut problems) = yaml::from_str_lenient::<Spanned<raw::RawPlaybook>>(text, file);
    // A file with problems is still validated, so every problem shows in one pass; the
    // playbook built from it is never used.
    let resolved = parsed.map(|raw| resolve::resolve(&raw, file));
    match resolved {
        Some(Ok(playbook)) if problems.is_empty() => return Ok(playbook),
        Some(Err(mut more)) => problems.append(&mut more),
        Some(Ok(_)) | None => {}
    }
    problems.sort_by_key(|d| (d.location.line, d.location.column));
    problems.dedup();
    Err(problems)
}

#[cfg(test)]
mod tests;
