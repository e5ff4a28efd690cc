//! Config: reads the ops repository's `inventory/*.yaml` and gives a validated
//! `Inventory`, or every problem found, each with file:line:column.

pub mod inventory;
pub mod playbook;
pub mod policy;
mod raw;
mod resolve;
pub mod yaml;

use std::path::{Path, PathBuf};

pub use inventory::{ContainerWatch, Host, HttpCheck, Inventory, Settings, TransportKind};
pub use yaml::Diagnostic;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read `{path}`: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no inventory files (*.yaml, *.yml) in `{0}`")]
    NoInventory(PathBuf),
    #[error("the inventory has {} problem(s)", .0.len())]
    Invalid(Vec<Diagnostic>),
}

/// The folder holding the inventory files of an ops repository.
pub fn inventory_dir(repo: &Path) -> PathBuf {
    repo.join("inventory")
}

/// Loads and validates every `*.yaml`/`*.yml` file directly under `inventory/`
/// (sub-folders such as `inventory/examples/` are not read).
pub fn load(repo: &Path) -> Result<Inventory, ConfigError> {
    let dir = inventory_dir(repo);
    let files = yaml::files::yaml_files(&dir).map_err(|source| ConfigError::Read {
        path: dir.clone(),
        source,
    })?;
    if files.is_empty() {
        return Err(ConfigError::NoInventory(dir));
    }
    let mut problems = Vec::new();
    let mut parsed = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.clone(),
            source,
        })?;
        // A file with problems is still resolved, so cross-file and range
        // problems are reported in the same pass; nothing runs on it.
        let (file, mut diagnostics) =
            yaml::from_str_lenient::<raw::RawInventory>(&text, &yaml::files::display_path(path));
        problems.append(&mut diagnostics);
        parsed.extend(file);
    }
    match resolve::resolve(parsed, repo) {
        Ok(inventory) if problems.is_empty() => Ok(inventory),
        Ok(_) => Err(ConfigError::Invalid(problems)),
        Err(mut more) => {
            problems.append(&mut more);
            sort(&mut problems);
            Err(ConfigError::Invalid(problems))
        }
    }
}

/// Parses and validates one inventory document (as if it were the only
/// file); relative paths are anchored at `repo`.
pub fn parse(text: &str, file: &str, repo: &Path) -> Result<Inventory, ConfigError> {
    let (parsed, mut problems) = yaml::from_str_lenient::<raw::RawInventory>(text, file);
    match resolve::resolve(parsed.into_iter().collect(), repo) {
        Ok(inventory) if problems.is_empty() => Ok(inventory),
        Ok(_) => Err(ConfigError::Invalid(problems)),
        Err(mut more) => {
            problems.append(&mut more);
            sort(&mut problems);
            Err(ConfigError::Invalid(problems))
        }
    }
}

/// Problems in file, line, column order, however they were found.
fn sort(problems: &mut [Diagnostic]) {
    problems.sort_by(|a, b| {
        (&a.location.file, a.location.line, a.location.column).cmp(&(
            &b.location.file,
            b.location.line,
            b.location.column,
        ))
    });
}

#[cfg(test)]
mod tests;
