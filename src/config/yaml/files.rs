//! The YAML files of a configuration folder (`inventory/`, `playbooks/`,
//! `diagnoses/`): which files count, how their paths are shown in
//! diagnostics, and the diagnostic for one that cannot be read.

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
