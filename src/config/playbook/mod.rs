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
    yaml::files::load_named(&playbooks_dir(repo), "playbook", parse, |p: &Playbook| {
        (&p.name, &p.location)
    })
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
