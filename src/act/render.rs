//! Rendering: takes a validated playbook and the incident it is to fix (`RenderContext`); gives
//! the playbook with every template rendered to a string (`RenderedPlaybook`), or the first
//! reason it cannot be rendered. Parameters come first (a supplied value, else the default
//! template, else an error), then the steps, which can use them as `params.NAME`.
//!
//! A variable that does not exist is an error, never an empty string. In `run` commands every
//! interpolated value is shell-quoted by the renderer (`{{ target.name }}` becomes
//! `'x; touch /tmp/pwned'`, while `restart` stays `restart`); in `edit` replacements every
//! interpolated `$` is doubled so values are literal. Names, units, paths, URLs and file
//! content render as plain text: `act::shell` quotes them where they meet a shell.

use std::collections::BTreeMap;
use std::time::Duration;

use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind};

use super::shell::{self, NulByte};
use crate::analyze::Target;
use crate::config::playbook::templates;
use crate::config::playbook::{
    ContainerAction, Playbook, ServiceAction, Step, Template, target_name,
};

/// The incident a playbook is rendered for.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderContext {
    pub target: Target,
    pub host_name: Option<String>,
    pub host_address: Option<String>,
    pub incident_id: i64,
    pub incident_kind: String,
    pub incident_summary: String,
    pub facts: BTreeMap<String, String>,
    /// Parameter values chosen for this run (by a diagnosis, an approval or an LLM proposal).
    /// They are data, never templates; each must be declared by the playbook.
    pub params: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RenderedPlaybook {
    pub params: BTreeMap<String, String>,
    pub steps: Vec<RenderedStep>,
    pub verify: Vec<RenderedStep>,
    pub rollback: Vec<RenderedStep>,
}

/// A `Step` with its templates rendered.
#[derive(Debug, Clone, PartialEq)]
pub enum RenderedStep {
    /// A shell command whose interpolated values are already quoted.
    Run {
        script: String,
        timeout: Duration,
    },
    Container {
        action: ContainerAction,
        name: String,
    },
    Service {
        action: ServiceAction,
        unit: String,
    },
    /// An absolute path on the target's host.
    Backup {
        path: String,
    },
    Write {
        path: String,
        content: String,
    },
    /// `replacement` is in the regex crate's replacement syntax (`$1`, `${name}`, `$$`).
    Edit {
        path: String,
        pattern: String,
        replacement: String,
    },
    Http {
        url: String,
        expect_status: u16,
        timeout: Duration,
    },
    Wait {
        duration: Duration,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error("parameter `{0}` is required but has no value")]
    MissingParam(String),
    #[error("parameter `{0}` is not declared by the playbook")]
    UnknownParam(String),
    #[error("`{field}` uses `{variable}`, which is not defined for this incident")]
    Undefined { field: String, variable: String },
    #[error("cannot render `{field}`: {message}")]
    Template { field: String, message: String },
    #[error("`{field}` renders to a value containing a NUL byte")]
    Nul { field: String },
    #[error("`{field}` renders to an empty value")]
    Empty { field: String },
    #[error("`{field}` renders to `{value}`, which {reason}")]
    Invalid {
        field: String,
        value: String,
        reason: &'static str,
    },
}

impl RenderedStep {
    /// The command line or action a person sees in approvals and the audit trail, with values
    /// quoted exactly as they are sent (`docker restart -- 'x; touch /tmp/pwned'`).
    pub fn describe(&self) -> String {
        let q = shell::quote_for_display;
        match self {
            RenderedStep::Run { script, .. } => script.clone(),
            RenderedStep::Container { action, name } => {
                format!("docker {} -- {}", action.as_str(), q(name))
            }
            RenderedStep::Service { action, unit } => {
                format!("systemctl {} -- {}", action.as_str(), q(unit))
            }
            RenderedStep::Backup { path } => format!("back up {}", q(path)),
            RenderedStep::Write { path, content } => {
                format!("write {} bytes to {}", content.len(), q(path))
            }
            RenderedStep::Edit {
                path,
                pattern,
                replacement,
            } => format!(
                "edit {}: replace /{pattern}/ with {}",
                q(path),
                q(replacement)
            ),
            RenderedStep::Http {
                url,
                expect_status,
                timeout,
            } => format!(
                "GET {url}, expect {expect_status} within {}",
                humantime::format_duration(*timeout)
            ),
            RenderedStep::Wait { duration } => {
                format!("wait {}", humantime::format_duration(*duration))
            }
        }
    }

    /// The host command of a step that is one command (`run`, `container`, `service`), to be
    /// sent wrapped in `shell::script`; file steps use `shell::read_file`/`write_file`, and
    /// `http` and `wait` run on medic's machine.
    pub fn host_command(&self) -> Option<Result<String, NulByte>> {
        match self {
            RenderedStep::Run { script, .. } => Some(Ok(script.clone())),
            RenderedStep::Container { action, name } => Some(shell::docker(*action, name)),
            RenderedStep::Service { action, unit } => Some(shell::systemctl(*action, unit)),
            _ => None,
        }
    }
}

/// Renders `playbook` for the incident in `ctx`.
pub fn render(playbook: &Playbook, ctx: &RenderContext) -> Result<RenderedPlaybook, RenderError> {
    let envs = Environments::new();
    if let Some(name) = ctx
        .params
        .keys()
        .find(|n| !playbook.params.contains_key(*n))
    {
        return Err(RenderError::UnknownParam(name.clone()));
    }
    let base = context(ctx, None);
    let mut params = BTreeMap::new();
    for (name, default) in &playbook.params {
        let value = match (ctx.params.get(name), default) {
            (Some(value), _) => value.clone(),
            (None, Some(template)) => {
                envs.render(Flavor::Plain, &format!("params.{name}"), template, &base)?
            }
            (None, None) => return Err(RenderError::MissingParam(name.clone())),
        };
        params.insert(name.clone(), value);
    }
    let full = context(ctx, Some(&params));
    let list = |steps: &[Step], prefix: &str| -> Result<Vec<RenderedStep>, RenderError> {
        steps
            .iter()
            .enumerate()
            .map(|(i, step)| envs.step(step, &format!("{prefix}[{i}]"), &full))
            .collect()
    };
    Ok(RenderedPlaybook {
        steps: list(&playbook.steps, "steps")?,
        verify: list(&playbook.verify.steps, "verify.steps")?,
        rollback: list(&playbook.rollback, "rollback")?,
        params,
    })
}

/// The template variables: `target`, `host`, `incident`, `facts` and (for steps) `params`.
/// Absent values are left out, so using them is an error.
fn context(ctx: &RenderContext, params: Option<&BTreeMap<String, String>>) -> Value {
    let mut target = BTreeMap::new();
    target.insert("kind", Value::from(ctx.target.kind()));
    target.insert("key", Value::from(ctx.target.key()));
    target.insert("name", Value::from(target_name(&ctx.target)));
    if let Some(host) = ctx.target.host() {
        target.insert("host", Value::from(host));
    }
    let mut host = BTreeMap::new();
    if let Some(name) = &ctx.host_name {
        host.insert("name", Value::from(name.as_str()));
    }
    if let Some(address) = &ctx.host_address {
        host.insert("address", Value::from(address.as_str()));
    }
    let mut incident = BTreeMap::new();
    incident.insert("id", Value::from(ctx.incident_id));
    incident.insert("kind", Value::from(ctx.incident_kind.as_str()));
    incident.insert("summary", Value::from(ctx.incident_summary.as_str()));
    let mut root = BTreeMap::new();
    root.insert("target", Value::from(target));
    root.insert("host", Value::from(host));
    root.insert("incident", Value::from(incident));
    root.insert("facts", Value::from(ctx.facts.clone()));
    if let Some(params) = params {
        root.insert("params", Value::from(params.clone()));
    }
    Value::from(root)
}

#[derive(Debug, Clone, Copy)]
enum Flavor {
    /// Plain text.
    Plain,
    /// Each value shell-quoted.
    Shell,
    /// Each `$` of a value doubled (regex replacement syntax).
    Replacement,
}

struct Environments {
    plain: Environment<'static>,
    shell: Environment<'static>,
    replacement: Environment<'static>,
}

impl Environments {
    fn new() -> Self {
        let mut shell = templates::environment();
        shell.set_formatter(|out, _state, value| {
            let quoted = shell::quote(&text_of(value)?)
                .map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()))?;
            out.write_str(&quoted).map_err(Error::from)
        });
        let mut replacement = templates::environment();
        replacement.set_formatter(|out, _state, value| {
            out.write_str(&text_of(value)?.replace('$', "$$"))
                .map_err(Error::from)
        });
        Environments {
            plain: templates::environment(),
            shell,
            replacement,
        }
    }

    fn step(&self, step: &Step, path: &str, ctx: &Value) -> Result<RenderedStep, RenderError> {
        let plain = |field: &str, t: &Template| {
            self.render(Flavor::Plain, &format!("{path}.{field}"), t, ctx)
        };
        let file = |field: &str, t: &Template| -> Result<String, RenderError> {
            let field = format!("{path}.{field}");
            let value = self.render(Flavor::Plain, &field, t, ctx)?;
            absolute(&field, value)
        };
        Ok(match step {
            Step::Run { command, timeout } => RenderedStep::Run {
                script: self.render(Flavor::Shell, &format!("{path}.run.command"), command, ctx)?,
                timeout: *timeout,
            },
            Step::Container { action, name } => RenderedStep::Container {
                action: *action,
                name: not_empty(
                    &format!("{path}.container.name"),
                    plain("container.name", name)?,
                )?,
            },
            Step::Service { action, unit } => RenderedStep::Service {
                action: *action,
                unit: not_empty(
                    &format!("{path}.service.unit"),
                    plain("service.unit", unit)?,
                )?,
            },
            Step::Backup { path: file_path } => RenderedStep::Backup {
                path: file("backup", file_path)?,
            },
            Step::Write {
                path: file_path,
                content,
            } => RenderedStep::Write {
                path: file("write.path", file_path)?,
                content: plain("write.content", content)?,
            },
            Step::Edit {
                path: file_path,
                pattern,
                replacement,
            } => RenderedStep::Edit {
                path: file("edit.path", file_path)?,
                pattern: pattern.clone(),
                replacement: self.render(
                    Flavor::Replacement,
                    &format!("{path}.edit.replacement"),
                    replacement,
                    ctx,
                )?,
            },
            Step::Http {
                url,
                expect_status,
                timeout,
            } => RenderedStep::Http {
                url: http_url(&format!("{path}.http.url"), plain("http.url", url)?)?,
                expect_status: *expect_status,
                timeout: *timeout,
            },
            Step::Wait { duration } => RenderedStep::Wait {
                duration: *duration,
            },
        })
    }

    fn render(
        &self,
        flavor: Flavor,
        field: &str,
        template: &Template,
        ctx: &Value,
    ) -> Result<String, RenderError> {
        let env = match flavor {
            Flavor::Plain => &self.plain,
            Flavor::Shell => &self.shell,
            Flavor::Replacement => &self.replacement,
        };
        let text = env
            .render_named_str(field, template.source(), ctx)
            .map_err(|error| self.explain(field, template, ctx, &error))?;
        if text.contains('\0') {
            return Err(RenderError::Nul {
                field: field.to_owned(),
            });
        }
        Ok(text)
    }

    /// Names the missing variable of an undefined-value error when it can be found.
    fn explain(&self, field: &str, template: &Template, ctx: &Value, error: &Error) -> RenderError {
        let field = field.to_owned();
        if error.kind() == ErrorKind::UndefinedError
            && let Some(variable) = self.missing_variable(template, ctx)
        {
            return RenderError::Undefined { field, variable };
        }
        let message = match error.detail() {
            Some(detail) => format!("{}: {detail}", error.kind()),
            None => error.kind().to_string(),
        };
        RenderError::Template { field, message }
    }

    fn missing_variable(&self, template: &Template, ctx: &Value) -> Option<String> {
        let parsed = self.plain.template_from_str(template.source()).ok()?;
        let mut names: Vec<String> = parsed.undeclared_variables(true).into_iter().collect();
        names.sort();
        names.into_iter().find_map(|name| {
            let mut value = ctx.clone();
            let mut seen = Vec::new();
            // Deeper parts may be methods (`target.name.upper`), not lookups.
            for part in name.split('.').take(2) {
                seen.push(part);
                value = value.get_attr(part).unwrap_or(Value::UNDEFINED);
                if value.is_undefined() {
                    return Some(seen.join("."));
                }
            }
            None
        })
    }
}

/// The text of a value printed in a template; undefined is an error (strict mode).
fn text_of(value: &Value) -> Result<String, Error> {
    if value.is_undefined() {
        return Err(Error::from(ErrorKind::UndefinedError));
    }
    Ok(match value.as_str() {
        Some(text) => text.to_owned(),
        None => value.to_string(),
    })
}

fn not_empty(field: &str, value: String) -> Result<String, RenderError> {
    if value.trim().is_empty() {
        return Err(RenderError::Empty {
            field: field.to_owned(),
        });
    }
    Ok(value)
}

/// A host file path: absolute, without `..` (backups are stored under it).
fn absolute(field: &str, value: String) -> Result<String, RenderError> {
    let reason = if !value.starts_with('/') {
        "is not an absolute path"
    } else if value.split('/').any(|part| part == "..") {
        "contains `..`"
    } else if value.ends_with('/') {
        "is a directory, not a file"
    } else {
        return Ok(value);
    };
    Err(RenderError::Invalid {
        field: field.to_owned(),
        value,
        reason,
    })
}

fn http_url(field: &str, value: String) -> Result<String, RenderError> {
    match reqwest::Url::parse(&value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(value),
        _ => Err(RenderError::Invalid {
            field: field.to_owned(),
            value,
            reason: "is not an http or https URL",
        }),
    }
}
