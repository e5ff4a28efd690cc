//! The outcome of one probe section.
//!
//! Takes: nothing (a generic result type).
//! Gives: [`Section`]: `Ok(value)`, `Unavailable(fact)` or `Failed(error)`,
//! with accessors and a `Display` that prints `ok`, `unavailable: ...` or
//! `failed: ...`. Serialises as `{"status":"ok","value":...}`.

use serde::{Deserialize, Serialize};

/// What one section of the probe produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", content = "value", rename_all = "snake_case")]
pub enum Section<T> {
    /// Parsed output.
    Ok(T),
    /// A fact about the host, not an error: "docker is not installed",
    /// "systemd is not running (...)", "not requested".
    Unavailable(String),
    /// The command failed, timed out or printed something unparseable; the
    /// message is lowercase, names the section and quotes an excerpt.
    Failed(String),
}

impl<T> Section<T> {
    /// The value when the section is `Ok`.
    pub fn ok(&self) -> Option<&T> {
        match self {
            Section::Ok(value) => Some(value),
            _ => None,
        }
    }

    /// Takes the value when the section is `Ok`.
    pub fn into_ok(self) -> Option<T> {
        match self {
            Section::Ok(value) => Some(value),
            _ => None,
        }
    }

    pub fn is_ok(&self) -> bool {
        matches!(self, Section::Ok(_))
    }

    pub fn is_unavailable(&self) -> bool {
        matches!(self, Section::Unavailable(_))
    }

    pub fn is_failed(&self) -> bool {
        matches!(self, Section::Failed(_))
    }

    /// The unavailable or failure text; None when `Ok`.
    pub fn problem(&self) -> Option<&str> {
        match self {
            Section::Ok(_) => None,
            Section::Unavailable(text) | Section::Failed(text) => Some(text),
        }
    }

    /// Maps the `Ok` value, keeping problems as they are.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Section<U> {
        match self {
            Section::Ok(value) => Section::Ok(f(value)),
            Section::Unavailable(text) => Section::Unavailable(text),
            Section::Failed(text) => Section::Failed(text),
        }
    }

    /// Borrows the `Ok` value.
    pub fn as_ref(&self) -> Section<&T> {
        match self {
            Section::Ok(value) => Section::Ok(value),
            Section::Unavailable(text) => Section::Unavailable(text.clone()),
            Section::Failed(text) => Section::Failed(text.clone()),
        }
    }
}

impl<T> std::fmt::Display for Section<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Section::Ok(_) => f.write_str("ok"),
            Section::Unavailable(text) => write!(f, "unavailable: {text}"),
            Section::Failed(text) => write!(f, "failed: {text}"),
        }
    }
}
