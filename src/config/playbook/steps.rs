//! Raw steps → model `Step`s: one known kind per list item, the short and long forms of
//! `run`/`container`/`service`, templates, regexes, statuses and durations; `verify` takes only
//! `run`, `http` and `wait`; changing files needs at least medium risk. Takes a list of raw
//! steps and where it sits (`steps`, `verify.steps`, `rollback`); gives the model steps and
//! records every problem on the resolver.

use std::time::Duration;

use crate::analyze::FindingKind;
use crate::config::yaml::{Location, Spanned};

use super::matching::target_kind;
use super::model::{ContainerAction, Risk, ServiceAction, Step, Template};
use super::raw::{Form, RawEdit, RawHttp, RawStep, RawStepBody, RawWrite, STEP_KINDS};
use super::resolve::Resolver;
use crate::config::yaml::suggest;

/// A `run` step's timeout when none is given.
pub const DEFAULT_RUN_TIMEOUT: Duration = Duration::from_secs(60);
/// An `http` step's timeout when none is given.
pub const DEFAULT_HTTP_TIMEOUT: Duration = Duration::from_secs(10);
/// What the short forms of `container` and `service` act on.
pub const TARGET_NAME: &str = "{{ target.name }}";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Steps,
    Verify,
    Rollback,
}

impl Section {
    fn path(self, index: usize) -> String {
        match self {
            Section::Steps => format!("steps[{index}]"),
            Section::Verify => format!("verify.steps[{index}]"),
            Section::Rollback => format!("rollback[{index}]"),
        }
    }
}

/// How a `run`, `container` or `service` value was written.
enum Written<'a> {
    Short(&'a str),
    Long(Fields<'a>),
    /// Neither (already reported).
    Invalid,
}

/// The fields of a long form, found by name.
struct Fields<'a> {
    path: String,
    fields: &'a [(Spanned<String>, Spanned<String>)],
}

impl<'a> Fields<'a> {
    fn get(&self, name: &str) -> Option<&'a Spanned<String>> {
        self.fields
            .iter()
            .find(|(key, _)| key.value == name)
            .map(|(_, value)| value)
    }
}

impl Resolver {
    pub(super) fn steps(&mut self, list: &[Spanned<RawStep>], section: Section) -> Vec<Step> {
        list.iter()
            .enumerate()
            .filter_map(|(index, step)| self.step(step, &section.path(index), section))
            .collect()
    }

    fn step(&mut self, raw: &Spanned<RawStep>, path: &str, section: Section) -> Option<Step> {
        let (key, body) = match raw.kinds.as_slice() {
            [] => {
                let kinds = STEP_KINDS.join(", ");
                self.problem(
                    &raw.location,
                    format!("`{path}` needs a step kind (one of: {kinds})"),
                );
                return None;
            }
            [(key, body)] => (key, body),
            [(first, _), (second, _), ..] => {
                self.problem(
                    &second.location,
                    format!(
                        "a step has exactly one kind, but `{path}` has `{}` and `{}`; write each as its own list item",
                        first.value, second.value
                    ),
                );
                return None;
            }
        };
        if matches!(body, RawStepBody::Unknown) {
            let hint = suggest::hint(&key.value, &STEP_KINDS);
            self.problem(
                &key.location,
                format!("unknown step kind `{}` in `{path}` ({hint})", key.value),
            );
            return None;
        }
        if section == Section::Verify && !matches!(key.value.as_str(), "run" | "http" | "wait") {
            self.problem(
                &key.location,
                format!(
                    "`verify.steps` can only use `run`, `http` and `wait`, not `{}`",
                    key.value
                ),
            );
        }
        let path = format!("{path}.{}", key.value);
        match body {
            RawStepBody::Run(form) => self.run(form, &path),
            RawStepBody::Container(form) => self.container(form, &path),
            RawStepBody::Service(form) => self.service(form, &path),
            RawStepBody::Backup(file) => Some(Step::Backup {
                path: self.template(file),
            }),
            RawStepBody::Write(write) => {
                self.changes_files(&key.location);
                self.write(write, &path)
            }
            RawStepBody::Edit(edit) => {
                self.changes_files(&key.location);
                self.edit(edit, &path)
            }
            RawStepBody::Http(http) => self.http(http, &path),
            RawStepBody::Wait(duration) => self
                .duration(Some(duration), &path)
                .map(|duration| Step::Wait { duration }),
            RawStepBody::Unknown => None,
        }
    }

    fn changes_files(&mut self, location: &Location) {
        if self.risk.is_some_and(|risk| risk < Risk::Medium) {
            self.problem(
                location,
                "changing files is at least medium risk; set `risk: medium` or higher",
            );
        }
    }

    /// Which form a `run`/`container`/`service` value has; for the long form, unknown keys and
    /// a missing first (required) key of `known` are reported.
    fn form<'a>(
        &mut self,
        form: &'a Spanned<Form>,
        path: &str,
        known: &[&str],
        expected: &str,
    ) -> Written<'a> {
        match &form.value {
            Form::Short(text) => Written::Short(text),
            Form::Invalid(found) => {
                self.problem(
                    &form.location,
                    format!("expected {expected} for `{path}`, found {found}"),
                );
                Written::Invalid
            }
            Form::Long(fields) => {
                for (key, _) in fields {
                    if !known.contains(&key.value.as_str()) {
                        let hint = suggest::hint(&key.value, known);
                        self.problem(
                            &key.location,
                            format!("unknown key `{}` in `{path}` ({hint})", key.value),
                        );
                    }
                }
                let fields = Fields {
                    path: path.to_owned(),
                    fields,
                };
                if fields.get(known[0]).is_none() {
                    self.problem(
                        &form.location,
                        format!("missing field `{}` in `{path}`", known[0]),
                    );
                }
                Written::Long(fields)
            }
        }
    }

    fn run(&mut self, form: &Spanned<Form>, path: &str) -> Option<Step> {
        let expected = "a command or a mapping with `command` and `timeout`";
        let (command, timeout) = match self.form(form, path, &["command", "timeout"], expected) {
            Written::Invalid => return None,
            Written::Short(command) => {
                let command = Spanned {
                    value: command.to_owned(),
                    location: form.location.clone(),
                };
                (command, None)
            }
            Written::Long(fields) => {
                let timeout = fields.get("timeout");
                let timeout = self.duration(timeout, &format!("{}.timeout", fields.path));
                (fields.get("command")?.clone(), timeout)
            }
        };
        if command.value.trim().is_empty() {
            self.problem(&command.location, format!("`{path}` needs a command"));
        }
        Some(Step::Run {
            command: self.template(&command),
            timeout: timeout.unwrap_or(DEFAULT_RUN_TIMEOUT),
        })
    }

    fn container(&mut self, form: &Spanned<Form>, path: &str) -> Option<Step> {
        let names: Vec<&str> = ContainerAction::ALL.iter().map(|a| a.as_str()).collect();
        let expected = "an action or a mapping with `action` and `name`";
        let (action, name) = self.action(form, path, &["action", "name"], expected, "container")?;
        let action = self.parse_action(&action, &names, "container", ContainerAction::parse)?;
        Some(Step::Container { action, name })
    }

    fn service(&mut self, form: &Spanned<Form>, path: &str) -> Option<Step> {
        let names: Vec<&str> = ServiceAction::ALL.iter().map(|a| a.as_str()).collect();
        let expected = "an action or a mapping with `action` and `unit`";
        let (action, unit) = self.action(form, path, &["action", "unit"], expected, "unit")?;
        let action = self.parse_action(&action, &names, "service", ServiceAction::parse)?;
        Some(Step::Service { action, unit })
    }

    /// The action and the target template of a `container` or `service` step (`known` is
    /// `[action, NAME-FIELD]`). Without a name it acts on the incident's target, which must
    /// then be a `target` for every trigger.
    fn action(
        &mut self,
        form: &Spanned<Form>,
        path: &str,
        known: &[&str],
        expected: &str,
        target: &str,
    ) -> Option<(Spanned<String>, Template)> {
        let (action, name) = match self.form(form, path, known, expected) {
            Written::Invalid => return None,
            Written::Short(action) => {
                let action = Spanned {
                    value: action.to_owned(),
                    location: form.location.clone(),
                };
                (action, None)
            }
            Written::Long(fields) => (fields.get("action")?.clone(), fields.get(known[1])),
        };
        let name = match name {
            Some(name) => self.template(name),
            None => {
                let kind = path.rsplit('.').next().unwrap_or_default();
                let wrong = self
                    .trigger_kinds
                    .iter()
                    .copied()
                    .find(|k| target_kind(*k) != target);
                if let Some(trigger) = wrong {
                    let message =
                        short_form_mismatch(kind, &action.value, target, trigger, known[1]);
                    self.problem(&form.location, message);
                }
                Template(TARGET_NAME.to_owned())
            }
        };
        Some((action, name))
    }

    fn parse_action<A>(
        &mut self,
        action: &Spanned<String>,
        names: &[&str],
        what: &str,
        parse: fn(&str) -> Option<A>,
    ) -> Option<A> {
        let parsed = parse(&action.value);
        if parsed.is_none() {
            let hint = suggest::hint(&action.value, names);
            self.problem(
                &action.location,
                format!("unknown {what} action `{}` ({hint})", action.value),
            );
        }
        parsed
    }

    fn write(&mut self, write: &Spanned<RawWrite>, path: &str) -> Option<Step> {
        let at = &write.location;
        let file = self.field(&write.path, at, "path", path);
        let content = self.field(&write.content, at, "content", path);
        let (file, content) = (file?, content?);
        Some(Step::Write {
            path: self.template(file),
            content: self.template(content),
        })
    }

    fn edit(&mut self, edit: &Spanned<RawEdit>, path: &str) -> Option<Step> {
        let at = &edit.location;
        let file = self.field(&edit.path, at, "path", path);
        let pattern = self.field(&edit.pattern, at, "pattern", path);
        let replacement = self.field(&edit.replacement, at, "replacement", path);
        let (file, pattern, replacement) = (file?, pattern?, replacement?);
        if let Err(error) = regex::Regex::new(&pattern.value) {
            self.problem(
                &pattern.location,
                format!(
                    "invalid regex `{}` for `{path}.pattern`: {}",
                    pattern.value,
                    regex_reason(&error)
                ),
            );
        }
        Some(Step::Edit {
            path: self.template(file),
            pattern: pattern.value.clone(),
            replacement: self.template(replacement),
        })
    }

    fn http(&mut self, http: &Spanned<RawHttp>, path: &str) -> Option<Step> {
        let url = self.field(&http.url, &http.location, "url", path);
        let expect_status = match &http.expect_status {
            None => 200,
            Some(s) => match s.value.trim().parse::<u16>() {
                Ok(status) if (100..=599).contains(&status) => status,
                _ => {
                    self.problem(
                        &s.location,
                        format!(
                            "`expect_status` must be an HTTP status from 100 to 599, found {}",
                            s.value
                        ),
                    );
                    200
                }
            },
        };
        let timeout = self.duration(http.timeout.as_ref(), &format!("{path}.timeout"));
        Some(Step::Http {
            url: self.template(url?),
            expect_status,
            timeout: timeout.unwrap_or(DEFAULT_HTTP_TIMEOUT),
        })
    }
}

fn short_form_mismatch(
    kind: &str,
    action: &str,
    target: &str,
    trigger: FindingKind,
    field: &str,
) -> String {
    format!(
        "`{kind}: {action}` acts on the incident's target, but trigger `{trigger}` is about a {}, not a {target}; name it: `{kind}: {{action: {action}, {field}: ...}}`",
        target_kind(trigger)
    )
}

/// The one-line reason of a regex error (the crate's message also draws the pattern).
fn regex_reason(error: &regex::Error) -> String {
    let text = error.to_string();
    text.lines()
        .rev()
        .find_map(|line| line.strip_prefix("error: "))
        .map_or_else(
            || text.lines().last().unwrap_or_default().to_owned(),
            str::to_owned,
        )
}
