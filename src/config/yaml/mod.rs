//! YAML configuration files with positions: takes the text and name of one file; gives a value of
//! any `Deserialize` type, or every problem in the file at once, each with file, line and column.
//!
//! `node` loads the text into a tree whose nodes carry positions; `de` is a serde deserializer
//! over that tree (driven by `run`) that collects problems (unknown keys with "did you mean",
//! wrong types, unknown enum values, missing fields) instead of stopping at the first one. Plain
//! `#[derive(Deserialize)]` types are the schema; [`Spanned`] captures where a value was written.
//!
//! Limits: `#[serde(flatten)]` and internally tagged or untagged enums are buffered by serde, so
//! problems inside them are reported at the enclosing node and unknown keys are not detected
//! there; `#[serde(other)]` variants are reported as unknown values.

mod access;
mod de;
mod diagnostic;
pub mod files;
mod node;
mod run;
mod scalar;
mod spanned;
pub mod suggest;
#[cfg(test)]
mod tests;

pub use diagnostic::{Diagnostic, Location};
pub use spanned::Spanned;

/// Parses `text` (the contents of `file`, which is only used in diagnostics) as a single YAML
/// document and deserializes it into `T`. Returns every diagnostic, sorted by line and column,
/// if there is at least one.
pub fn from_str<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
) -> Result<T, Vec<Diagnostic>> {
    match from_str_lenient(text, file) {
        (Some(value), diagnostics) if diagnostics.is_empty() => Ok(value),
        (_, diagnostics) => Err(diagnostics),
    }
}

/// Like [`from_str`], but also gives the value built despite problems (unknown keys left out,
/// neutral values for wrong ones), so a caller can validate the rest and report everything at
/// once. The value must never be used when there are diagnostics.
pub fn from_str_lenient<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
) -> (Option<T>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    match node::load(text, file, &mut diagnostics) {
        Some(root) => run::from_node(&root, file, diagnostics),
        None => {
            diagnostic::sort(&mut diagnostics);
            (None, diagnostics)
        }
    }
}
