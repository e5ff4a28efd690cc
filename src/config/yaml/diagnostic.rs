//! Diagnostics: takes a file name, a 1-based position and a message; gives the public
//! [`Location`] ("file:line:column") and [`Diagnostic`] ("file:line:column: message") types.

use std::collections::HashSet;
use std::fmt;

/// A position in a configuration file; `line` and `column` are 1-based.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl Location {
    /// A location in `file` at a 1-based `(line, column)` position.
    pub(super) fn new(file: &str, (line, column): (usize, usize)) -> Self {
        Location {
            file: file.to_owned(),
            line,
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One problem found in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {message}")]
pub struct Diagnostic {
    pub location: Location,
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic in `file` at a 1-based `(line, column)` position.
    pub(super) fn new(file: &str, position: (usize, usize), message: impl Into<String>) -> Self {
        Diagnostic {
            location: Location::new(file, position),
            message: message.into(),
        }
    }
}

/// Drops repeated diagnostics (keeping the first) and sorts the rest by line and column; those at
/// the same position stay in the order they were found.
pub(super) fn sort(diagnostics: &mut Vec<Diagnostic>) {
    let mut seen = HashSet::new();
    diagnostics.retain(|d| seen.insert((d.location.line, d.location.column, d.message.clone())));
    diagnostics.sort_by_key(|d| (d.location.line, d.location.column));
}
