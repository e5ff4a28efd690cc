//! Tests: take small YAML files and inventory-like types; check the exact diagnostics
//! (`file:line:column: message`) or the values they give.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, SeqAccess, Visitor};

use super::{Diagnostic, Location, Spanned, from_str};

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub(super) struct Inventory {
    hosts: BTreeMap<String, Host>,
    checks: Vec<Check>,
    settings: Settings,
}

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub(super) struct Settings {
    parallel: bool,
    retries: u8,
    timeout: f64,
}

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub(super) struct Host {
    address: Option<Spanned<String>>,
    port: Option<u16>,
    user: Option<String>,
    transport: Option<Transport>,
    tags: Vec<String>,
    containers: Option<Containers>,
    sudo: bool,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub(super) enum Transport {
    Ssh,
    Local,
    SshJump(String),
}

/// No `#[serde(default)]`: both fields are required.
#[derive(Debug, Deserialize, PartialEq)]
pub(super) struct Check {
    name: String,
    command: String,
}

/// `all`, or a list of names: a hand-written impl going through `deserialize_any`.
#[derive(Debug, PartialEq)]
pub(super) enum Containers {
    All,
    Named(Vec<String>),
}

impl<'de> Deserialize<'de> for Containers {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ContainersVisitor;

        impl<'de> Visitor<'de> for ContainersVisitor {
            type Value = Containers;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`all` or a list of container names")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Containers, E> {
                match text {
                    "all" => Ok(Containers::All),
                    _ => Err(E::custom("expected `all` or a list of container names")),
                }
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Containers, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element()? {
                    names.push(name);
                }
                Ok(Containers::Named(names))
            }
        }

        deserializer.deserialize_any(ContainersVisitor)
    }
}

pub(super) const FILE: &str = "inventory.yaml";

/// Joins lines into a file, so line N of a test is `lines[N - 1]`.
pub(super) fn yaml(lines: &[&str]) -> String {
    lines.iter().map(|line| format!("{line}\n")).collect()
}

/// The diagnostics for `text` as `line:column: message`; panics if it deserializes.
pub(super) fn problems<T: DeserializeOwned + fmt::Debug>(text: &str) -> Vec<String> {
    match from_str::<T>(text, FILE) {
        Ok(value) => panic!("expected diagnostics, got {value:?}"),
        Err(diagnostics) => diagnostics
            .iter()
            .map(|d| {
                assert_eq!(d.location.file, FILE);
                format!("{}:{}: {}", d.location.line, d.location.column, d.message)
            })
            .collect(),
    }
}

pub(super) fn parse<T: DeserializeOwned>(text: &str) -> T {
    match from_str(text, FILE) {
        Ok(value) => value,
        Err(diagnostics) => panic!("unexpected diagnostics: {diagnostics:#?}"),
    }
}

/// Runs a table of `(name, file lines, expected diagnostics)` against `Inventory`.
pub(super) fn check_table(cases: &[(&str, &[&str], &[&str])]) {
    for (name, lines, expected) in cases {
        assert_eq!(
            problems::<Inventory>(&yaml(lines)),
            *expected,
            "case `{name}`"
        );
    }
}

mod loading;
mod types;
