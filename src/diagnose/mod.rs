//! Diagnose: takes an open incident's finding and the context collect gathered for it (a
//! `Subject`), and the known failure patterns of the ops repository's `diagnoses/*.yaml`
//! (format in `raw.rs` and `diagnoses/README.md`); gives the `Diagnosis` of the best matching
//! rule (cause, evidence, confidence, and the playbook with parameters that fixes it), or None
//! when no known pattern matches. Pure: no I/O but reading the rule files, no clock.
//!
//! `upstream` holds the pure parsers collect uses to gather a proxy's context (an nginx
//! config's upstream, a container's published address).

mod evaluate;
mod kinds;
mod library;
mod logs;
mod model;
mod raw;
mod resolve;
pub mod templates;
pub mod upstream;

use std::path::{Path, PathBuf};

pub use evaluate::{Mismatch, diagnose, evaluate};
pub use library::check_playbooks;
pub use logs::{MAX_QUOTE, MIN_REPEATS, repeated_error};
pub use model::*;

use crate::config::yaml::{self, Diagnostic, Spanned};

/// The folder holding the diagnosis rules of an ops repository.
pub fn diagnoses_dir(repo: &Path) -> PathBuf {
    repo.join("diagnoses")
}

/// Loads and validates every `*.yaml`/`*.yml` file directly under `diagnoses/`, sorted by file
/// name; no folder means no rules. Names are unique (each is its file's name, so `x.yaml` and
/// `x.yml` clash).
pub fn load(repo: &Path) -> Result<Vec<Rule>, Vec<Diagnostic>> {
    yaml::files::load_named(&diagnoses_dir(repo), "rule", parse, |r: &Rule| {
        (&r.name, &r.locations.rule)
    })
}

/// Parses and validates one rule file; `file` is its path as shown in messages, whose name
/// without extension the rule's `name` must equal.
pub fn parse(text: &str, file: &str) -> Result<Rule, Vec<Diagnostic>> {
    let (parsed, mut problems) = yaml::from_str_lenient::<Spanned<raw::RawRule>>(text, file);
    // A file with problems is still validated, so every problem shows in one pass; the rule
    // built from it is never used.
    match parsed.map(|raw| resolve::resolve(&raw, file)) {
        Some(Ok(rule)) if problems.is_empty() => return Ok(rule),
        Some(Err(mut more)) => problems.append(&mut more),
        Some(Ok(_)) | None => {}
    }
    problems.sort_by_key(|d| (d.location.line, d.location.column));
    problems.dedup();
    Err(problems)
}

#[cfg(test)]
mod tests;
