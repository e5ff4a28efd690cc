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
    let files = inventory_files(&dir)?;
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
            yaml::from_str_lenient::<raw::RawInventory>(&text, &display_path(path));
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

fn inventory_files(dir: &Path) -> Result<Vec<PathBuf>, ConfigError> {
    let read_error = |source| ConfigError::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        let is_yaml = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        );
        if is_yaml && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn display_path(path: &Path) -> String {
    let shown = path.display().to_string();
    shown
        .strip_prefix("./")
        .map(str::to_string)
        .unwrap_or(shown)
}

#[cfg(test)]
mod tests;
