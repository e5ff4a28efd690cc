//! One raw playbook file → a validated `Playbook`: required fields, the name against the file
//! name, triggers, parameters, verification; steps are checked in `steps`. Takes the parsed
//! file and its name; gives the model, or every problem as a `Diagnostic` with file:line:column.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use crate::analyze::FindingKind;
use crate::config::yaml::{Diagnostic, Location, Spanned};

use super::model::{Playbook, Risk, Template, Trigger, Verify};
use super::raw::{RawPlaybook, RawTrigger};
use super::steps::Section;
use super::templates::{self, Use};

/// How long verification re-probes the target when `verify.timeout` is not given (the policy's
/// default).
/// A playbook without `verify.timeout`: zero, meaning the policy's
/// `verify_timeout` (60s unless the inventory says otherwise) applies.
pub const DEFAULT_VERIFY_TIMEOUT: Duration = Duration::ZERO;
/// The trigger facts that match the finding's target rather than its facts.
pub const TARGET_FACTS: [&str; 3] = ["target.kind", "target.host", "target.name"];

/// Validates one parsed file; `file` is its path as shown in messages.
pub fn resolve(raw: &Spanned<RawPlaybook>, file: &str) -> Result<Playbook, Vec<Diagnostic>> {
    let mut r = Resolver {
        problems: Vec::new(),
        declared: raw.params.keys().cloned().collect(),
        risk: raw.risk.as_ref().map(|r| r.value),
        trigger_kinds: Vec::new(),
    };
    let playbook = r.playbook(raw, file);
    if r.problems.is_empty() {
        Ok(playbook)
    } else {
        Err(r.problems)
    }
}

pub(super) struct Resolver {
    pub(super) problems: Vec<Diagnostic>,
    /// The declared parameter names.
    pub(super) declared: BTreeSet<String>,
    /// The playbook's risk, when it is valid.
    pub(super) risk: Option<Risk>,
    /// The finding kinds of the valid triggers.
    pub(super) trigger_kinds: Vec<FindingKind>,
}

impl Resolver {
    pub(super) fn problem(&mut self, location: &Location, message: impl Into<String>) {
        self.problems.push(Diagnostic {
            location: location.clone(),
            message: message.into(),
        });
    }

    fn playbook(&mut self, raw: &Spanned<RawPlaybook>, file: &str) -> Playbook {
        let top = &raw.location;
        let name = self.required(top, &raw.name, "name");
        if !name.is_empty() {
            self.check_name(&name, raw.name.as_ref().map_or(top, |n| &n.location), file);
        }
        let description = self.required(top, &raw.description, "description");
        if let Some(d) = &raw.description
            && d.trim().is_empty()
        {
            self.problem(&d.location, "`description` must not be empty");
        }
        if raw.risk.is_none() {
            self.missing(top, "risk");
        }
        let triggers = self.triggers(raw);
        let params = self.params(&raw.params);
        let steps = match &raw.steps {
            None => {
                self.missing(top, "steps");
                Vec::new()
            }
            Some(list) if list.is_empty() => {
                self.problem(&list.location, "`steps` must list at least one step");
                Vec::new()
            }
            Some(list) => self.steps(list, Section::Steps),
        };
        let verify = match &raw.verify {
            None => Verify {
                timeout: DEFAULT_VERIFY_TIMEOUT,
                steps: Vec::new(),
            },
            Some(verify) => Verify {
                timeout: self
                    .duration(verify.timeout.as_ref(), "verify.timeout")
                    .unwrap_or(DEFAULT_VERIFY_TIMEOUT),
                steps: self.steps(&verify.steps, Section::Verify),
            },
        };
        let rollback = self.steps(&raw.rollback, Section::Rollback);
        Playbook {
            name,
            description,
            risk: self.risk.unwrap_or(Risk::Blocked),
            triggers,
            params,
            steps,
            verify,
            rollback,
            location: top.clone(),
        }
    }

    fn required(&mut self, top: &Location, value: &Option<Spanned<String>>, field: &str) -> String {
        match value {
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

    fn check_name(&mut self, name: &str, location: &Location, file: &str) {
        let valid = !name.starts_with(['.', '-'])
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !valid {
            self.problem(
                location,
                format!("invalid playbook name `{name}`: use letters, digits, `.`, `_` and `-`, not starting with `.` or `-`"),
            );
        }
        let stem = Path::new(file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name != stem {
            self.problem(
                location,
                format!("playbook `{name}` must be named after its file (expected `name: {stem}`)"),
            );
        }
    }

    fn triggers(&mut self, raw: &Spanned<RawPlaybook>) -> Vec<Trigger> {
        let Some(list) = &raw.triggers else {
            self.missing(&raw.location, "triggers");
            return Vec::new();
        };
        if list.is_empty() {
            self.problem(
                &list.location,
                "`triggers` must list at least one finding kind",
            );
        }
        list.iter()
            .enumerate()
            .filter_map(|(index, t)| self.trigger(t, index))
            .collect()
    }

    fn trigger(&mut self, raw: &Spanned<RawTrigger>, index: usize) -> Option<Trigger> {
        for (name, glob) in &raw.facts {
            if name.starts_with("target.") && !TARGET_FACTS.contains(&name.as_str()) {
                let hint = crate::config::yaml::suggest::hint(name, &TARGET_FACTS);
                self.problem(
                    &glob.location,
                    format!("unknown target fact `{name}` ({hint})"),
                );
            }
            // `[24]` would silently match only a literal `[24]`: a trigger that
            // never fires is a guardrail-shaped bug, so say it.
            if glob.value.contains(['[', ']']) {
                self.problem(
                    &glob.location,
                    format!("`{}` for fact `{name}`: conditions are globs with only `*` and `?` (no `[...]`)", glob.value),
                );
            }
        }
        let Some(kind) = &raw.kind else {
            self.problem(
                &raw.location,
                format!("missing field `kind` in `triggers[{index}]`"),
            );
            return None;
        };
        self.trigger_kinds.push(kind.value);
        Some(Trigger {
            kind: kind.value,
            facts: raw
                .facts
                .iter()
                .map(|(name, glob)| (name.clone(), glob.value.clone()))
                .collect(),
        })
    }

    /// A field the model needs, or a `missing field` problem at `parent`.
    pub(super) fn field<'a, T>(
        &mut self,
        value: &'a Option<Spanned<T>>,
        parent: &Location,
        name: &str,
        path: &str,
    ) -> Option<&'a Spanned<T>> {
        if value.is_none() {
            self.problem(parent, format!("missing field `{name}` in `{path}`"));
        }
        value.as_ref()
    }

    fn params(
        &mut self,
        raw: &BTreeMap<String, Spanned<Option<String>>>,
    ) -> BTreeMap<String, Option<Template>> {
        let mut params = BTreeMap::new();
        for (name, default) in raw {
            let identifier = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !identifier {
                self.problem(
                    &default.location,
                    format!("invalid parameter name `{name}`: use letters, digits and `_`, not starting with a digit"),
                );
            }
            let template = default
                .value
                .as_ref()
                .map(|source| self.template_at(source, &default.location, Use::ParamDefault));
            params.insert(name.clone(), template);
        }
        params
    }

    /// Checks a template written in the file and gives it to the model.
    pub(super) fn template(&mut self, value: &Spanned<String>) -> Template {
        self.template_at(&value.value, &value.location, Use::Step)
    }

    fn template_at(&mut self, source: &str, location: &Location, usage: Use) -> Template {
        for message in templates::check(source, &self.declared, usage) {
            self.problem(location, message);
        }
        Template(source.to_owned())
    }

    /// A duration written as `what` (humantime, above zero); None if absent or invalid.
    pub(super) fn duration(
        &mut self,
        value: Option<&Spanned<String>>,
        what: &str,
    ) -> Option<Duration> {
        let value = value?;
        match humantime::parse_duration(value.value.trim()) {
            Ok(d) if !d.is_zero() => Some(d),
            Ok(_) => {
                self.problem(
                    &value.location,
                    format!("`{what}` must be longer than zero"),
                );
                None
            }
            Err(e) => {
                self.problem(
                    &value.location,
                    format!(
                        "`{what}`: invalid duration `{}` ({e}); write e.g. `5s`, `2m` or `1h 30m`",
                        value.value
                    ),
                );
                None
            }
        }
    }
}
