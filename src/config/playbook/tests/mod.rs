//! Playbook tests: takes YAML written inline and the shipped `playbooks/`; checks validation
//! messages (exact, with line:column), the model built from valid files, rendering through
//! `act::render`, and which playbook is selected for sample findings.

mod library;
mod render;
mod valid;
mod validation;

use super::*;

/// The file name every inline playbook is parsed as; its `name` must be `t`.
const FILE: &str = "playbooks/t.yaml";

fn parse_ok(text: &str) -> Playbook {
    match parse(text, FILE) {
        Ok(playbook) => playbook,
        Err(problems) => panic!("expected a valid playbook, got {problems:#?}"),
    }
}

fn problems(text: &str) -> Vec<String> {
    match parse(text, FILE) {
        Err(problems) => problems.iter().map(ToString::to_string).collect(),
        Ok(playbook) => panic!("expected problems, got {playbook:#?}"),
    }
}

/// A valid playbook's first lines; cases append `triggers`, `steps` and the rest.
const HEAD: &str = "name: t\ndescription: d\nrisk: low\n";
