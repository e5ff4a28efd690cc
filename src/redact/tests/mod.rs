//! Tests for redaction: table tests per rule (`rules.rs`), key names
//! (`keys.rs`), and the API's promises (`api.rs`): idempotence, borrowing,
//! extra patterns, maps.

use super::*;

mod api;
mod keys;
mod rules;

/// Redact with the defaults.
fn redact(text: &str) -> String {
    Redactor::defaults().redact(text).into_owned()
}
