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

use std::collections::BTreeMap;
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
    let dir = diagnoses_dir(repo);
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let files =
        yaml::files::yaml_files(&dir).map_err(|e| vec![yaml::files::unreadable(&dir, &e)])?;
    let mut problems = Vec::new();
    let mut by_name: BTreeMap<String, Rule> = BTreeMap::new();
    for path in &files {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                problems.push(yaml::files::unreadable(path, &e));
                continue;
            }
        };
        match parse(&text, &yaml::files::display_path(path)) {
            Ok(rule) => {
                if let Some(first) = by_name.get(&rule.name) {
                    problems.push(Diagnostic {
                        location: rule.locations.rule.clone(),
                        message: format!(
                            "rule `{}` is already defined at {}",
                            rule.name, first.locations.rule
                        ),
                    });
                } else {
                    by_name.insert(rule.name.clone(), rule);
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
