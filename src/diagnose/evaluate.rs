//! Matching rules against a subject: takes the rules and one subject; gives the diagnosis of
//! the best rule that matches, or for one rule the diagnosis or why it does not match.
//!
//! A rule matches when the finding's kind is its `match.kind`, every fact glob matches, some
//! log line matches `match.logs`, `match.when` is truthy, and its cause, evidence and params
//! all render (the cause and each parameter to something non-blank; evidence lines that render
//! blank are left out). Of the matching rules the one with the highest confidence wins, then
//! the one with the most conditions, then the first name.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use minijinja::value::Value;
use minijinja::{Environment, Error};
use wildmatch::WildMatch;

use crate::analyze::FindingKind;
use crate::config::playbook::{subject_facts, target_name};

use super::logs::repeated_error;
use super::model::{Diagnosis, Rule, Subject};
use super::templates;

/// Why a rule does not explain a subject.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Mismatch {
    #[error("the rule is not about `{found}` findings")]
    Kind { found: FindingKind },
    #[error("the finding has no fact `{name}`")]
    MissingFact { name: String },
    #[error("fact `{name}` is `{value}`, which does not match `{glob}`")]
    Fact {
        name: String,
        value: String,
        glob: String,
    },
    #[error("no log line matches `{pattern}`")]
    Logs { pattern: String },
    #[error("`match.when` is not true")]
    When,
    #[error("cannot evaluate `match.when`: {message}")]
    WhenFailed { message: String },
    #[error("cannot render `{field}`: {message}")]
    Render { field: String, message: String },
    #[error("`{field}` renders to an empty value")]
    Empty { field: String },
}

/// The diagnosis of the best rule that matches `subject` (see the module docs), or None when
/// no known pattern matches.
pub fn diagnose(rules: &[Rule], subject: &Subject) -> Option<Diagnosis> {
    let engine = Engine::new(subject);
    let mut ranked: Vec<&Rule> = rules
        .iter()
        .filter(|r| r.conditions.kinds.contains(&subject.kind))
        .collect();
    ranked.sort_by_key(|r| {
        (
            Reverse(r.confidence),
            Reverse(r.conditions.count()),
            &r.name,
        )
    });
    ranked
        .into_iter()
        .find_map(|rule| engine.evaluate(rule, subject).ok())
}

/// The diagnosis `rule` gives for `subject`, or the first reason it does not match.
pub fn evaluate(rule: &Rule, subject: &Subject) -> Result<Diagnosis, Mismatch> {
    Engine::new(subject).evaluate(rule, subject)
}

/// The environments and the variables of one subject, shared by every rule tried on it.
struct Engine {
    templates: Environment<'static>,
    expressions: Environment<'static>,
    variables: Value,
}

impl Engine {
    fn new(subject: &Subject) -> Engine {
        Engine {
            templates: templates::template_environment(),
            expressions: templates::expression_environment(),
            variables: variables(subject),
        }
    }

    fn evaluate(&self, rule: &Rule, subject: &Subject) -> Result<Diagnosis, Mismatch> {
        let conditions = &rule.conditions;
        if !conditions.kinds.contains(&subject.kind) {
            return Err(Mismatch::Kind {
                found: subject.kind,
            });
        }
        let facts = subject_facts(&subject.target, &subject.facts);
        for (name, glob) in &conditions.facts {
            match facts.get(name) {
                None => return Err(Mismatch::MissingFact { name: name.clone() }),
                Some(value) if !WildMatch::new(glob).matches(value) => {
                    return Err(Mismatch::Fact {
                        name: name.clone(),
                        value: value.clone(),
                        glob: glob.clone(),
                    });
                }
                Some(_) => {}
            }
        }
        if let Some(pattern) = &conditions.logs
            && pattern.last_match(&subject.context.logs).is_none()
        {
            return Err(Mismatch::Logs {
                pattern: pattern.as_str().to_owned(),
            });
        }
        if let Some(when) = &conditions.when {
            let truthy = self
                .expressions
                .compile_expression(when)
                .and_then(|expression| expression.eval(&self.variables))
                .map_err(|e| Mismatch::WhenFailed {
                    message: reason(&e),
                })?
                .is_true();
            if !truthy {
                return Err(Mismatch::When);
            }
        }
        self.diagnosis(rule)
    }

    fn diagnosis(&self, rule: &Rule) -> Result<Diagnosis, Mismatch> {
        let cause = one_line(&self.render("cause", &rule.cause)?);
        if cause.is_empty() {
            return Err(Mismatch::Empty {
                field: "cause".into(),
            });
        }
        let mut evidence = Vec::new();
        for (index, source) in rule.evidence.iter().enumerate() {
            let line = one_line(&self.render(&format!("evidence[{index}]"), source)?);
            if !line.is_empty() {
                evidence.push(line);
            }
        }
        let mut params = BTreeMap::new();
        for (name, source) in &rule.params {
            let field = format!("params.{name}");
            let value = self.render(&field, source)?.trim().to_owned();
            if value.is_empty() {
                return Err(Mismatch::Empty { field });
            }
            params.insert(name.clone(), value);
        }
        Ok(Diagnosis {
            rule: rule.name.clone(),
            cause,
            evidence,
            confidence: rule.confidence,
            playbook: rule.playbook.clone(),
            params,
        })
    }

    fn render(&self, field: &str, source: &str) -> Result<String, Mismatch> {
        self.templates
            .render_str(source, &self.variables)
            .map_err(|e| Mismatch::Render {
                field: field.to_owned(),
                message: reason(&e),
            })
    }
}

/// A sentence on one line: each line trimmed, blank ones dropped, the rest joined by spaces.
fn one_line(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join(" ")
}

/// The variables rules see (the `ROOTS` of `templates`).
fn variables(subject: &Subject) -> Value {
    let target = &subject.target;
    let mut fields = BTreeMap::new();
    fields.insert("kind", target.kind().to_owned());
    fields.insert("key", target.key());
    fields.insert("name", target_name(target).to_owned());
    if let Some(host) = target.host() {
        fields.insert("host", host.to_owned());
    }
    let logs = &subject.context.logs;
    let mut root = BTreeMap::new();
    root.insert("target", Value::from(fields));
    root.insert("facts", Value::from(subject.facts.clone()));
    root.insert("context", Value::from(subject.context.values.clone()));
    root.insert("logs", Value::from(logs.clone()));
    root.insert(
        "repeated_error",
        Value::from(repeated_error(logs).unwrap_or_default()),
    );
    Value::from(root)
}

fn reason(error: &Error) -> String {
    match error.detail() {
        Some(detail) => format!("{}: {detail}", error.kind()),
        None => error.kind().to_string(),
    }
}
