//! Running the deserializer: takes the root [`Node`] and the loader's diagnostics; gives the
//! value, or every diagnostic. Also gives the pieces every deserializer of a run shares: the
//! [`Context`] that records diagnostics and the [`Error`] serde unwinds with.
//!
//! A visitor's error (such as serde's `missing field`) aborts every enclosing value up to the
//! top, which would hide problems in later siblings. So the run is repeated with the failed list
//! element or mapping value left out ("pruned"), until a run ends without a new failure; the
//! diagnostics of all runs are merged. Errors that only exist because of a pruned value (the
//! parent now misses that field) are not recorded.

use std::cell::RefCell;
use std::collections::HashSet;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned};

use super::de::NodeDeserializer;
use super::diagnostic::{self, Diagnostic};
use super::node::{Node, NodeValue};

/// An upper bound on repeated runs (each leaves out one more failed value).
const MAX_RUNS: usize = 64;

/// Deserializes `root`, adding every problem to the loader's `diagnostics`. Gives the value
/// when one could be built (with neutral values where problems were, so later checks can still
/// look at the rest), and every diagnostic.
pub(super) fn from_node<T: DeserializeOwned>(
    root: &Node,
    file: &str,
    mut diagnostics: Vec<Diagnostic>,
) -> (Option<T>, Vec<Diagnostic>) {
    let mut partial = None;
    let mut pruned = HashSet::new();
    for _ in 0..MAX_RUNS {
        let found = RefCell::new(Vec::new());
        let ctx = Context {
            file,
            diagnostics: &found,
            pruned: &pruned,
        };
        let result =
            NodeDeserializer::new(root, ctx, String::new()).deserialize_seed(PhantomData::<T>);
        // A later run repeats the earlier findings (deduplicated when sorting) and adds more.
        diagnostics.extend(found.into_inner());
        match result {
            Ok(value) if diagnostics.is_empty() => return (Some(value), diagnostics),
            Ok(value) => {
                partial = Some(value);
                break;
            }
            Err(error) => match error.origin {
                Some(origin) if pruned.insert(origin) => {}
                _ => break,
            },
        }
    }
    if diagnostics.is_empty() {
        // Unreachable in practice: every error is recorded before it is returned.
        diagnostics.push(Diagnostic::new(
            file,
            root.location,
            "invalid configuration",
        ));
    }
    diagnostic::sort(&mut diagnostics);
    (partial, diagnostics)
}

/// The deserializer's error. By the time it leaves a node it has been recorded as a diagnostic
/// (or suppressed as a consequence of one); it is only returned because serde needs to unwind.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub(super) struct Error {
    message: String,
    /// Already recorded, or deliberately not recorded; either way only passed up.
    reported: bool,
    /// The innermost list element or mapping value whose deserialization failed.
    origin: Option<*const Node>,
}

impl Error {
    /// Marks `node` (a list element or mapping value) as where this error aborted, unless an
    /// inner one already is.
    pub(super) fn at_element(mut self, node: &Node) -> Self {
        if self.origin.is_none() {
            self.origin = Some(node);
        }
        self
    }

    /// An error that needs no diagnostic (one was recorded already).
    pub(super) fn reported() -> Self {
        Error {
            message: String::new(),
            reported: true,
            origin: None,
        }
    }
}

impl de::Error for Error {
    fn custom<T: std::fmt::Display>(message: T) -> Self {
        Error {
            message: message.to_string(),
            reported: false,
            origin: None,
        }
    }
}

/// After a mismatch was recorded, a visitor may still reject the neutral value (for example an
/// address parsed from ""); that error is a consequence and is not recorded again.
pub(super) fn fallback<T>(result: Result<T, Error>) -> Result<T, Error> {
    result.map_err(|error| Error {
        reported: true,
        ..error
    })
}

/// What every deserializer of one run shares.
#[derive(Clone, Copy)]
pub(super) struct Context<'a> {
    file: &'a str,
    diagnostics: &'a RefCell<Vec<Diagnostic>>,
    /// List elements and mapping values that failed in an earlier run and are left out.
    pruned: &'a HashSet<*const Node>,
}

impl<'a> Context<'a> {
    /// The same context, recording into `diagnostics` instead.
    pub(super) fn recording_into(self, diagnostics: &'a RefCell<Vec<Diagnostic>>) -> Self {
        Context {
            diagnostics,
            ..self
        }
    }

    pub(super) fn file(&self) -> &'a str {
        self.file
    }

    pub(super) fn report(&self, at: (usize, usize), message: String) {
        self.diagnostics
            .borrow_mut()
            .push(Diagnostic::new(self.file, at, message));
    }

    pub(super) fn is_pruned(&self, node: &Node) -> bool {
        self.pruned.contains(&(node as *const Node))
    }

    /// Records an error a visitor returned for `node` (`scope` is ``in `path` `` or `at the top
    /// level`), unless it is recorded already or only follows from a pruned value.
    pub(super) fn record(&self, mut error: Error, node: &Node, scope: &str) -> Error {
        if !error.reported {
            if !self.follows_from_pruning(node, &error.message) {
                self.report(node.location, format!("{} {scope}", error.message));
            }
            error.reported = true;
        }
        error
    }

    /// Whether a visitor's error at `node` is only there because a value inside it was left out in
    /// this run (serde then misses a required field, or a tuple is too short).
    fn follows_from_pruning(&self, node: &Node, message: &str) -> bool {
        match &node.value {
            NodeValue::Mapping(entries) => entries.iter().any(|(key, value)| {
                self.is_pruned(value)
                    && key
                        .text()
                        .is_some_and(|key| message == format!("missing field `{key}`"))
            }),
            NodeValue::Sequence(items) => {
                message.starts_with("invalid length")
                    && items.iter().any(|item| self.is_pruned(item))
            }
            NodeValue::Null | NodeValue::Scalar { .. } => false,
        }
    }
}
