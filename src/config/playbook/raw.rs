//! A playbook file exactly as written: serde types that are the schema, before `resolve` checks
//! them and builds the model. Takes YAML through `config::yaml`; gives `RawPlaybook`.
//!
//! ```yaml
//! name: restart-container           # required; equals the file name without `.yaml`/`.yml`
//! description: Restart a container that stopped or whose health check fails.   # required
//! risk: low                         # required: low | medium | high | blocked
//! triggers:                         # required, at least one: the findings it remedies
//!   - kind: container_stopped       # a finding kind (`medic` lists them on a typo)
//!   - kind: container_unhealthy
//!     facts: {image: "postgres*"}   # optional: each named fact must match its glob (`*`, `?`);
//!                                   # `target.kind`, `target.host`, `target.name` match the
//!                                   # finding's target (`target.name: "nginx*"`)
//! params:                           # optional: NAME -> default template; null = required
//!   grace: "10"                     # (names are identifiers: letters, digits, `_`)
//! steps:                            # required, at least one; each item has exactly one kind
//!   - container: restart            # start | restart | stop, on `{{ target.name }}`
//!   - container: {action: restart, name: "{{ params.other }}"}   # name: default as above
//!   - service: reload               # start | restart | reload, on `{{ target.name }}`
//!   - service: {action: restart, unit: nginx.service}
//!   - run: "nginx -t"               # a shell command; timeout 60s
//!   - run: {command: "find {{ params.dir }} -mindepth 1 -delete", timeout: 60s}
//!   - backup: /etc/nginx/conf.d/books.conf
//!   - write: {path: /etc/app.conf, content: "..."}
//!   - edit: {path: /etc/app.conf, pattern: "proxy_pass http://[^;]+;",   # a regex, no template
//!            replacement: "proxy_pass http://{{ params.upstream }};"}
//!   - http: {url: "http://...", expect_status: 200, timeout: 5s}   # status 200, timeout 10s
//!   - wait: 5s
//! verify:                           # optional
//!   timeout: 90s                    # re-probe the target for this long (default: the policy's verify_timeout, 60s)
//!   steps: [{http: {url: "..."}}]   # only `run`, `http` and `wait`
//! rollback: [...]                   # optional steps; backed-up files are restored first
//! ```
//!
//! Templates (minijinja) may use `target.{kind,host,name,key}`, `host.{name,address}`,
//! `incident.{id,kind,summary}`, `facts.NAME` and `params.NAME` (declared names only; not in
//! parameter defaults). In `run` commands every `{{ value }}` is shell-quoted by medic; in
//! `edit` replacements it is taken literally (`$1` written in the template still refers to a
//! capture group). `write`/`edit` make a playbook at least medium risk; the files they change
//! are backed up automatically.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::analyze::FindingKind;
use crate::config::yaml::Spanned;

use super::model::Risk;

/// One playbook file. Every field is optional here so that one missing field does not hide the
/// problems of the others; `resolve` reports what is missing.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawPlaybook {
    pub name: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
    pub risk: Option<Spanned<Risk>>,
    pub triggers: Option<Spanned<Vec<Spanned<RawTrigger>>>>,
    pub params: BTreeMap<String, Spanned<Option<String>>>,
    pub steps: Option<Spanned<Vec<Spanned<RawStep>>>>,
    pub verify: Option<Spanned<RawVerify>>,
    pub rollback: Vec<Spanned<RawStep>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawTrigger {
    pub kind: Option<Spanned<FindingKind>>,
    pub facts: BTreeMap<String, Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawVerify {
    pub timeout: Option<Spanned<String>>,
    pub steps: Vec<Spanned<RawStep>>,
}

/// The step kinds, in the order `medic` lists them.
pub const STEP_KINDS: [&str; 8] = [
    "run",
    "container",
    "service",
    "backup",
    "write",
    "edit",
    "http",
    "wait",
];

/// One list item of `steps`, `verify.steps` or `rollback`: its keys in file order, each naming
/// a step kind. `resolve` requires exactly one, of a known kind.
#[derive(Debug, Default)]
pub struct RawStep {
    pub kinds: Vec<(Spanned<String>, RawStepBody)>,
}

#[derive(Debug)]
pub enum RawStepBody {
    Run(Spanned<Form>),
    Container(Spanned<Form>),
    Service(Spanned<Form>),
    Backup(Spanned<String>),
    Write(Spanned<RawWrite>),
    Edit(Spanned<RawEdit>),
    Http(Spanned<RawHttp>),
    Wait(Spanned<String>),
    /// A key that is no step kind; its value is skipped.
    Unknown,
}

// The fields of `write`, `edit` and `http` are all optional here so that a missing one is
// reported by `resolve` without the loader leaving out the whole step.

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawWrite {
    pub path: Option<Spanned<String>>,
    pub content: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawEdit {
    pub path: Option<Spanned<String>>,
    pub pattern: Option<Spanned<String>>,
    pub replacement: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawHttp {
    pub url: Option<Spanned<String>>,
    /// Text, so that `70000` gets the same message as `700`.
    pub expect_status: Option<Spanned<String>>,
    pub timeout: Option<Spanned<String>>,
}

/// The value of `run`, `container` or `service`: the short form (a scalar: the command or the
/// action) or the long form (a mapping of field names to strings, checked by `resolve`).
#[derive(Debug, Clone, PartialEq)]
pub enum Form {
    Short(String),
    Long(Vec<(Spanned<String>, Spanned<String>)>),
    /// Neither: what was found instead (`null`, `a sequence`).
    Invalid(&'static str),
}

impl<'de> Deserialize<'de> for RawStep {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(StepVisitor)
    }
}

struct StepVisitor;

impl<'de> Visitor<'de> for StepVisitor {
    type Value = RawStep;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a step: a mapping with one key naming its kind")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawStep, A::Error> {
        let mut step = RawStep::default();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            let body = match key.value.as_str() {
                "run" => RawStepBody::Run(map.next_value()?),
                "container" => RawStepBody::Container(map.next_value()?),
                "service" => RawStepBody::Service(map.next_value()?),
                "backup" => RawStepBody::Backup(map.next_value()?),
                "write" => RawStepBody::Write(map.next_value()?),
                "edit" => RawStepBody::Edit(map.next_value()?),
                "http" => RawStepBody::Http(map.next_value()?),
                "wait" => RawStepBody::Wait(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    RawStepBody::Unknown
                }
            };
            step.kinds.push((key, body));
        }
        Ok(step)
    }
}

impl<'de> Deserialize<'de> for Form {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FormVisitor)
    }
}

struct FormVisitor;

impl<'de> Visitor<'de> for FormVisitor {
    type Value = Form;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a mapping")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Form, E> {
        Ok(Form::Short(v.to_owned()))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Form, E> {
        Ok(Form::Short(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Form, E> {
        Ok(Form::Short(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Form, E> {
        Ok(Form::Short(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Form, E> {
        Ok(Form::Short(v.to_string()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Form, E> {
        Ok(Form::Invalid("null"))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Form, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Form::Invalid("a sequence"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Form, A::Error> {
        let mut fields = Vec::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            let value = map.next_value::<Spanned<String>>()?;
            fields.push((key, value));
        }
        Ok(Form::Long(fields))
    }
}
