//! One raw rule file → a validated `Rule`: required fields, the name against the file name,
//! the `match` conditions (target facts, the logs regex, the `when` expression; kinds are
//! checked in `kinds`), templates, and the fix. Takes the parsed file and its name; gives the model, or every problem as a
//! `Diagnostic` with file:line:column.

use std::collections::BTreeMap;
use std::path::Path;

use regex::Regex;

use crate::config::playbook::TARGET_FACTS;
use crate::config::yaml::{Diagnostic, Location, Spanned};

use super::model::{Conditions, Confidence, LogPattern, Rule, RuleLocations};
use super::raw::{RawMatch, RawRule};
use super::templates::{self, regex_reason};
use crate::config::yaml::suggest;

/// Validates one parsed file; `file` is its path as shown in messages.
pub fn resolve(raw: &Spanned<RawRule>, file: &str) -> Result<Rule, Vec<Diagnostic>> {
    let mut r = Resolver::default();
    let rule = r.rule(raw, file);
    if r.problems.is_empty() {
        Ok(rule)
    } else {
        Err(r.problems)
    }
}

#[derive(Default)]
pub(super) struct Resolver {
    problems: Vec<Diagnostic>,
}

impl Resolver {
    pub(super) fn problem(&mut self, location: &Location, message: impl Into<String>) {
        self.problems.push(Diagnostic {
            location: location.clone(),
            message: message.into(),
        });
    }

    fn rule(&mut self, raw: &Spanned<RawRule>, file: &str) -> Rule {
        let top = &raw.location;
        let name = self.text(top, raw.name.as_ref(), "name");
        if let Some(spanned) = &raw.name {
            self.check_name(spanned, file);
        }
        let description = self.text(top, raw.description.as_ref(), "description");
        let conditions = self.conditions(raw);
        let cause = self.text(top, raw.cause.as_ref(), "cause");
        if let Some(spanned) = &raw.cause {
            self.template(spanned);
        }
        let evidence = raw
            .evidence
            .iter()
            .enumerate()
            .map(|(index, line)| {
                if line.trim().is_empty() {
                    self.problem(
                        &line.location,
                        format!("`evidence[{index}]` must not be empty"),
                    );
                }
                self.template(line);
                line.value.clone()
            })
            .collect();
        let confidence = match &raw.confidence {
            Some(confidence) => confidence.value,
            None => {
                self.missing(top, "confidence");
                Confidence::Low
            }
        };
        if let Some(playbook) = &raw.playbook {
            self.check_playbook(playbook);
        }
        let params = self.params(raw);
        Rule {
            name,
            description,
            conditions,
            cause,
            evidence,
            confidence,
            playbook: raw.playbook.as_ref().map(|p| p.value.clone()),
            params,
            locations: RuleLocations {
                rule: top.clone(),
                playbook: raw.playbook.as_ref().map(|p| p.location.clone()),
                params: raw
                    .params
                    .iter()
                    .map(|(name, value)| (name.clone(), value.location.clone()))
                    .collect(),
            },
        }
    }

    /// A required text field, which must not be blank.
    fn text(&mut self, top: &Location, value: Option<&Spanned<String>>, field: &str) -> String {
        match value {
            Some(v) if v.trim().is_empty() => {
                self.problem(&v.location, format!("`{field}` must not be empty"));
                v.value.clone()
            }
            Some(v) => v.value.clone(),
            None => {
                self.missing(top, field);
                String::new()
            }
        }
    }

    fn missing(&mut self, top: &Location, field: &str) {
        self.problem(top, format!("missing field `{field}` at the top level"));
    }

    fn check_name(&mut self, name: &Spanned<String>, file: &str) {
        if name.trim().is_empty() {
            return;
        }
        if !valid_name(name) {
            self.problem(
                &name.location,
                format!(
                    "invalid rule name `{}`: use letters, digits, `.`, `_` and `-`, not starting with `.` or `-`",
                    name.value
                ),
            );
        }
        let stem = Path::new(file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.value != stem {
            self.problem(
                &name.location,
                format!(
                    "rule `{}` must be named after its file (expected `name: {stem}`)",
                    name.value
                ),
            );
        }
    }

    fn check_playbook(&mut self, playbook: &Spanned<String>) {
        if !valid_name(playbook) {
            self.problem(
                &playbook.location,
                format!(
                    "invalid playbook name `{}`: use letters, digits, `.`, `_` and `-`, not starting with `.` or `-`",
                    playbook.value
                ),
            );
        }
    }

    fn conditions(&mut self, raw: &Spanned<RawRule>) -> Conditions {
        let Some(block) = &raw.conditions else {
            self.missing(&raw.location, "match");
            return Conditions {
                kinds: Vec::new(),
                facts: BTreeMap::new(),
                logs: None,
                when: None,
            };
        };
        let kinds = match &block.kind {
            Some(kinds) => self.kinds(kinds),
            None => {
                self.problem(&block.location, "missing field `kind` in `match`");
                Vec::new()
            }
        };
        self.target_facts(block);
        Conditions {
            kinds,
            facts: block
                .facts
                .iter()
                .map(|(name, glob)| (name.clone(), glob.value.clone()))
                .collect(),
            logs: block.logs.as_ref().and_then(|logs| self.logs(logs)),
            when: block.when.as_ref().map(|when| {
                if when.trim().is_empty() {
                    self.problem(&when.location, "`match.when` must not be empty");
                } else {
                    for message in templates::check_expression(&when.value) {
                        self.problem(&when.location, message);
                    }
                }
                when.value.clone()
            }),
        }
    }

    fn target_facts(&mut self, block: &RawMatch) {
        for (name, glob) in &block.facts {
            if name.starts_with("target.") && !TARGET_FACTS.contains(&name.as_str()) {
                let hint = suggest::hint(name, &TARGET_FACTS);
                self.problem(
                    &glob.location,
                    format!("unknown target fact `{name}` ({hint})"),
                );
            }
        }
    }

    fn logs(&mut self, logs: &Spanned<String>) -> Option<LogPattern> {
        if logs.value.is_empty() {
            self.problem(&logs.location, "`match.logs` must not be empty");
            return None;
        }
        match Regex::new(&logs.value) {
            Ok(regex) => Some(LogPattern(regex)),
            Err(error) => {
                self.problem(
                    &logs.location,
                    format!(
                        "invalid regex `{}` for `match.logs`: {}",
                        logs.value,
                        regex_reason(&error)
                    ),
                );
                None
            }
        }
    }

    fn params(&mut self, raw: &RawRule) -> BTreeMap<String, String> {
        if raw.playbook.is_none()
            && let Some((_, first)) = raw
                .params
                .iter()
                .min_by_key(|(_, v)| (v.location.line, v.location.column))
        {
            self.problem(
                &first.location,
                "`params` are passed to a `playbook`, but this rule names none",
            );
        }
        let mut params = BTreeMap::new();
        for (name, value) in &raw.params {
            let identifier = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !identifier {
                self.problem(
                    &value.location,
                    format!("invalid parameter name `{name}`: use letters, digits and `_`, not starting with a digit"),
                );
            }
            self.template(value);
            params.insert(name.clone(), value.value.clone());
        }
        params
    }

    fn template(&mut self, value: &Spanned<String>) {
        for message in templates::check_template(&value.value) {
            self.problem(&value.location, message);
        }
    }
}

/// Names of rules and playbooks: letters, digits, `.`, `_` and `-`, not starting with `.`/`-`.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(['.', '-'])
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}
