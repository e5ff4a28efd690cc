//! The YAML files of a configuration folder (`inventory/`, `playbooks/`,
//! `diagnoses/`): which files count, how their paths are shown in
//! diagnostics, the diagnostic for one that cannot be read, and loading a
//! folder whose files each define one named thing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{Diagnostic, Location};

/// Every `*.yaml`/`*.yml` file directly in `dir`, sorted (sub-folders such as
/// `inventory/examples/` are not read).
pub fn yaml_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
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

/// A path as diagnostics show it: as given, without a leading `./`.
pub fn display_path(path: &Path) -> String {
    let shown = path.display().to_string();
    shown
        .strip_prefix("./")
        .map(str::to_string)
        .unwrap_or(shown)
}

pub fn unreadable(path: &Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic {
        location: Location {
            file: display_path(path),
            line: 1,
            column: 1,
        },
        message: format!("cannot read `{}`: {error}", display_path(path)),
    }
}

/// Loads every YAML file directly in `dir` with `parse(text, shown_path)`,
/// each defining one thing named by `identity` (its name and where it is
/// defined); no folder means nothing. Names are unique, so `x.yaml` and
/// `x.yml` clash (`what` names the kind in that message). Sorted by name;
/// every problem of every file is returned at once.
pub fn load_named<T>(
    dir: &Path,
    what: &str,
    parse: impl Fn(&str, &str) -> Result<T, Vec<Diagnostic>>,
    identity: impl Fn(&T) -> (&str, &Location),
) -> Result<Vec<T>, Vec<Diagnostic>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let files = yaml_files(dir).map_err(|e| vec![unreadable(dir, &e)])?;
    let mut problems = Vec::new();
    let mut by_name: BTreeMap<String, T> = BTreeMap::new();
    for path in &files {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                problems.push(unreadable(path, &e));
                continue;
            }
        };
        match parse(&text, &display_path(path)) {
            Ok(item) => {
                let (name, location) = identity(&item);
                if let Some(first) = by_name.get(name) {
                    problems.push(Diagnostic {
                        location: location.clone(),
                        message: format!(
                            "{what} `{name}` is already defined at {}",
                            identity(first).1
                        ),
                    });
                } else {
                    by_name.insert(name.to_string(), item);
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
