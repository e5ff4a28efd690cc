//! Diagnosis tests: takes rules written inline and the shipped `diagnoses/`; checks validation
//! messages (exact, with line:column), matching and selection on sample subjects, rendering, and
//! each shipped rule on a realistic subject and a near miss.

mod library;
mod matching;
mod shipped;
mod validation;

use std::collections::BTreeMap;

use super::*;
use crate::analyze::{FindingKind, Target};

/// The file name every inline rule is parsed as; its `name` must be `t`.
const FILE: &str = "diagnoses/t.yaml";

fn parse_ok(text: &str) -> Rule {
    parse_named(text, FILE)
}

fn parse_named(text: &str, file: &str) -> Rule {
    match parse(text, file) {
        Ok(rule) => rule,
        Err(problems) => panic!("expected a valid rule, got {problems:#?}"),
    }
}

fn problems(text: &str) -> Vec<String> {
    match parse(text, FILE) {
        Err(problems) => problems.iter().map(ToString::to_string).collect(),
        Ok(rule) => panic!("expected problems, got {rule:#?}"),
    }
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_owned).collect()
}

fn subject(kind: FindingKind, target: Target, facts: &[(&str, &str)]) -> Subject {
    Subject {
        kind,
        target,
        facts: map(facts),
        context: Context::default(),
    }
}

fn container(name: &str) -> Target {
    Target::Container {
        host: "nas".into(),
        name: name.into(),
    }
}

fn check(name: &str) -> Target {
    Target::Check { name: name.into() }
}
