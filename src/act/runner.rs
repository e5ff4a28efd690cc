//! Runs one approved plan on its host under the journal: backups first (no
//! backup, no change), then the steps, then verification by looking at the
//! target again; on any failure the backed-up files are restored and the
//! playbook's rollback runs. Every command is journaled with its exit code
//! and the tail of its output before the next one starts.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use rusqlite::Connection;

use super::render::{RenderedPlaybook, RenderedStep};
use super::{shell, verify};
use crate::analyze::{FindingKind, Target};
use crate::collect::transport::{self, Connection as HostConnection, ScriptOutput};
use crate::config::{Host, Inventory};
use crate::store::{self, Backup, StoreError};

/// Output kept per command in the journal and reports.
const OUTPUT_TAIL: usize = 1500;
/// A container or service action that takes longer is reported as failed.
const ACTION_LIMIT: Duration = Duration::from_secs(120);
/// Reading or writing one file.
const FILE_LIMIT: Duration = Duration::from_secs(30);

pub struct Job<'a> {
    pub inventory: &'a Inventory,
    pub host: Option<&'a Host>,
    pub db: &'a Connection,
    pub action: i64,
    pub plan: &'a RenderedPlaybook,
    pub kind: FindingKind,
    pub target: &'a Target,
    pub verify_timeout: Duration,
    pub http: &'a reqwest::Client,
    /// Where verification leaves its last look; set by `execute`.
    pub seen: Option<&'a std::cell::RefCell<Option<crate::collect::Sweep>>>,
}

/// The outcome, and the last look verification took at the target (so the
/// store can show its state after the fix, not before).
pub struct Executed {
    pub outcome: Outcome,
    pub seen: Option<crate::collect::Sweep>,
}

/// What a failed action left on the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rollback {
    /// Nothing had been changed (no connection, a backup failed, ...).
    NothingChanged,
    /// Every backed-up file was restored and every rollback step passed.
    Done,
    /// A restore or a rollback step failed: the host may keep partial changes.
    Incomplete,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The target is healthy again; `reason` says how verification saw it.
    Verified { reason: String },
    /// Nothing or not enough was done; `rollback` says what became of changes.
    Failed { reason: String, rollback: Rollback },
}

/// Executes the job and closes its action in the journal. Errors are only
/// the journal's own (the database); everything on the host is an outcome.
pub async fn execute(job: &Job<'_>) -> Result<Executed, StoreError> {
    let seen = std::cell::RefCell::new(None);
    let job = &Job {
        seen: Some(&seen),
        ..*job
    };
    let outcome = match job.host {
        Some(host) => match transport::connect(job.inventory, host).await {
            Ok(connection) => {
                let outcome = run_on(job, &connection).await;
                connection.close().await;
                outcome?
            }
            Err(u) => Outcome::Failed {
                reason: format!("cannot reach `{}`: {}", host.name, u.message),
                rollback: Rollback::NothingChanged,
            },
        },
        None => run_without_host(job).await?,
    };
    let (status, sentence) = match &outcome {
        Outcome::Verified { reason } => ("succeeded", format!("verified: {reason}")),
        Outcome::Failed { reason, rollback } => (
            "failed",
            match rollback {
                Rollback::NothingChanged => reason.clone(),
                Rollback::Done => format!("{reason}; changes rolled back"),
                Rollback::Incomplete => {
                    format!(
                        "{reason}; ROLLBACK INCOMPLETE: the host may keep partial changes (see the steps)"
                    )
                }
            },
        ),
    };
    store::finish_action(job.db, job.action, status, &sentence, Timestamp::now())?;
    Ok(Executed {
        outcome,
        seen: seen.into_inner(),
    })
}

/// A check target has no host: only HTTP and wait steps can run.
async fn run_without_host(job: &Job<'_>) -> Result<Outcome, StoreError> {
    for step in &job.plan.steps {
        if let Err(reason) = local_step(job, "step", step).await? {
            return Ok(Outcome::Failed {
                reason,
                rollback: Rollback::NothingChanged,
            });
        }
    }
    verify_target(job, None).await
}

async fn run_on(job: &Job<'_>, host: &HostConnection) -> Result<Outcome, StoreError> {
    let backups = match take_backups(job, host).await? {
        Ok(backups) => backups,
        Err(reason) => {
            return Ok(Outcome::Failed {
                reason,
                rollback: Rollback::NothingChanged,
            });
        }
    };
    for step in &job.plan.steps {
        if let Err(reason) = run_step(job, host, "step", step, &backups).await? {
            let rollback = rollback(job, host, &backups).await?;
            return Ok(Outcome::Failed { reason, rollback });
        }
    }
    match verify_target(job, Some(host)).await? {
        Outcome::Failed { reason, .. } => {
            let rollback = rollback(job, host, &backups).await?;
            Ok(Outcome::Failed { reason, rollback })
        }
        verified => Ok(verified),
    }
}

async fn verify_target(
    job: &Job<'_>,
    host: Option<&HostConnection>,
) -> Result<Outcome, StoreError> {
    let started = Timestamp::now();
    let clock = Instant::now();
    let look = verify::until_healthy(
        job.inventory,
        job.http,
        job.kind,
        job.target,
        job.verify_timeout,
    )
    .await;
    if let (Some(cell), Some(sweep)) = (job.seen, look.sweep) {
        *cell.borrow_mut() = Some(sweep);
    }
    let looked = look.result;
    let description = format!(
        "look at {} again until healthy (at most {})",
        job.target,
        humantime::format_duration(job.verify_timeout)
    );
    let (ok, detail) = match &looked {
        Ok(reason) => (true, reason.clone()),
        Err(problem) => (false, problem.clone()),
    };
    journal(
        job,
        "verify",
        &description,
        ok,
        None,
        Some(&detail),
        started,
        clock,
    )?;
    if let Err(problem) = looked {
        return Ok(Outcome::Failed {
            reason: format!(
                "still failing after {}: {problem}",
                humantime::format_duration(job.verify_timeout)
            ),
            rollback: Rollback::NothingChanged,
        });
    }
    for step in &job.plan.verify {
        let result = match host {
            Some(host) => run_step(job, host, "verify", step, &[]).await?,
            None => local_step(job, "verify", step).await?,
        };
        if let Err(reason) = result {
            return Ok(Outcome::Failed {
                reason: format!("verification failed: {reason}"),
                rollback: Rollback::NothingChanged,
            });
        }
    }
    Ok(Outcome::Verified {
        reason: looked.unwrap_or_default(),
    })
}

/// Saves every file the plan touches before anything changes.
async fn take_backups(
    job: &Job<'_>,
    host: &HostConnection,
) -> Result<Result<Vec<Backup>, String>, StoreError> {
    let mut paths: Vec<&str> = Vec::new();
    for step in &job.plan.steps {
        if let RenderedStep::Backup { path }
        | RenderedStep::Write { path, .. }
        | RenderedStep::Edit { path, .. } = step
            && !paths.contains(&path.as_str())
        {
            paths.push(path);
        }
    }
    let mut backups = Vec::new();
    for path in paths {
        let started = Timestamp::now();
        let clock = Instant::now();
        let description = format!("back up {path}");
        match fetch(host, path).await {
            Ok(backup) => {
                store::save_backup(job.db, job.action, &backup)?;
                let note = if backup.existed {
                    format!("{} bytes saved", backup.content.len())
                } else {
                    "the file does not exist yet".into()
                };
                journal(
                    job,
                    "backup",
                    &description,
                    true,
                    Some(0),
                    Some(&note),
                    started,
                    clock,
                )?;
                backups.push(backup);
            }
            Err(problem) => {
                journal(
                    job,
                    "backup",
                    &description,
                    false,
                    None,
                    Some(&problem),
                    started,
                    clock,
                )?;
                return Ok(Err(format!(
                    "backup of `{path}` failed ({problem}); nothing was changed"
                )));
            }
        }
    }
    Ok(Ok(backups))
}

async fn fetch(host: &HostConnection, path: &str) -> Result<Backup, String> {
    let script = shell::read_file(path).map_err(|e| e.to_string())?;
    let output = host
        .run(&shell::script(&script), Duration::from_secs(30))
        .await
        .map_err(|e| e.to_string())?;
    match output.code {
        Some(0) => Ok(Backup {
            path: path.to_string(),
            existed: true,
            content: output.stdout.into_bytes(),
        }),
        Some(shell::MISSING) => Ok(Backup {
            path: path.to_string(),
            existed: false,
            content: Vec::new(),
        }),
        _ => Err(tail(&output.stderr)),
    }
}

/// Restores backed-up files (newest change undone first), then the
/// playbook's rollback steps; every one runs even when an earlier one failed.
async fn rollback(
    job: &Job<'_>,
    host: &HostConnection,
    backups: &[Backup],
) -> Result<Rollback, StoreError> {
    let mut complete = true;
    for backup in backups.iter().rev() {
        let started = Timestamp::now();
        let clock = Instant::now();
        let (script, description) = if backup.existed {
            (
                shell::write_file(&backup.path, &String::from_utf8_lossy(&backup.content)),
                format!("restore {}", backup.path),
            )
        } else {
            (
                shell::quote(&backup.path).map(|p| format!("rm -f -- {p}")),
                format!("remove {} (it did not exist before)", backup.path),
            )
        };
        let (ok, code, output) = match script {
            Ok(script) => summarize(
                &host
                    .run(&shell::script(&script), Duration::from_secs(30))
                    .await,
            ),
            Err(e) => (false, None, e.to_string()),
        };
        journal(
            job,
            "rollback",
            &description,
            ok,
            code,
            Some(&output),
            started,
            clock,
        )?;
        complete &= ok;
    }
    for step in &job.plan.rollback {
        complete &= run_step(job, host, "rollback", step, backups)
            .await?
            .is_ok();
    }
    Ok(if complete {
        Rollback::Done
    } else {
        Rollback::Incomplete
    })
}

/// Runs one step on the host; Ok(Err(reason)) when the step failed.
async fn run_step(
    job: &Job<'_>,
    host: &HostConnection,
    phase: &str,
    step: &RenderedStep,
    backups: &[Backup],
) -> Result<Result<(), String>, StoreError> {
    let started = Timestamp::now();
    let clock = Instant::now();
    let description = step.describe();
    let (script, limit) = match step {
        RenderedStep::Run { script, timeout } => (Ok(script.clone()), *timeout),
        RenderedStep::Container { action, name } => (shell::docker(*action, name), ACTION_LIMIT),
        RenderedStep::Service { action, unit } => (shell::systemctl(*action, unit), ACTION_LIMIT),
        RenderedStep::Write { path, content } => (shell::write_file(path, content), FILE_LIMIT),
        RenderedStep::Edit {
            path,
            pattern,
            replacement,
        } => {
            let current = backups
                .iter()
                .find(|b| &b.path == path)
                .map(|b| String::from_utf8_lossy(&b.content).into_owned());
            match edit(current.as_deref(), pattern, replacement) {
                Ok(new_content) => (shell::write_file(path, &new_content), FILE_LIMIT),
                Err(problem) => {
                    journal(
                        job,
                        phase,
                        &description,
                        false,
                        None,
                        Some(&problem),
                        started,
                        clock,
                    )?;
                    return Ok(Err(format!("`{description}`: {problem}")));
                }
            }
        }
        // Backups were taken before any step; HTTP and waits need no host.
        RenderedStep::Backup { .. } => return Ok(Ok(())),
        RenderedStep::Http { .. } | RenderedStep::Wait { .. } => {
            return local_step(job, phase, step).await;
        }
    };
    let (ok, code, output) = match script {
        Ok(script) => summarize(&host.run(&shell::script(&script), limit).await),
        Err(e) => (false, None, e.to_string()),
    };
    journal(
        job,
        phase,
        &description,
        ok,
        code,
        Some(&output),
        started,
        clock,
    )?;
    Ok(if ok {
        Ok(())
    } else {
        Err(match code {
            Some(code) => format!("`{description}` exited with {code}: {}", last_line(&output)),
            None => format!("`{description}` failed: {}", last_line(&output)),
        })
    })
}

/// Steps that run on medic's side: HTTP requests and waits.
async fn local_step(
    job: &Job<'_>,
    phase: &str,
    step: &RenderedStep,
) -> Result<Result<(), String>, StoreError> {
    let started = Timestamp::now();
    let clock = Instant::now();
    let description = step.describe();
    let (ok, output) = match step {
        RenderedStep::Wait { duration } => {
            tokio::time::sleep(*duration).await;
            (true, String::new())
        }
        RenderedStep::Http {
            url,
            expect_status,
            timeout,
        } => match job.http.get(url).timeout(*timeout).send().await {
            Ok(response) if response.status().as_u16() == *expect_status => {
                (true, format!("HTTP {}", response.status().as_u16()))
            }
            Ok(response) => (
                false,
                format!(
                    "HTTP {}, expected {expect_status}",
                    response.status().as_u16()
                ),
            ),
            Err(e) => (false, e.without_url().to_string()),
        },
        other => (
            false,
            format!(
                "`{}` needs a host, and `{}` has none",
                other.describe(),
                job.target
            ),
        ),
    };
    journal(
        job,
        phase,
        &description,
        ok,
        None,
        Some(&output),
        started,
        clock,
    )?;
    Ok(if ok {
        Ok(())
    } else {
        Err(format!("`{description}`: {output}"))
    })
}

fn edit(current: Option<&str>, pattern: &str, replacement: &str) -> Result<String, String> {
    let current = current.ok_or("the file was not backed up")?;
    let regex = regex::Regex::new(pattern).map_err(|e| format!("invalid pattern: {e}"))?;
    if !regex.is_match(current) {
        return Err(format!("pattern `{pattern}` not found; nothing to change"));
    }
    // The renderer doubled `$` in interpolated values, so `$1` written in the
    // playbook expands and values stay literal.
    Ok(regex.replace_all(current, replacement).into_owned())
}

fn summarize(result: &Result<ScriptOutput, transport::ScriptError>) -> (bool, Option<i64>, String) {
    match result {
        Ok(output) => {
            let text = if output.stderr.trim().is_empty() {
                output.stdout.clone()
            } else {
                format!("{}{}", output.stdout, output.stderr)
            };
            (output.success(), output.code.map(i64::from), tail(&text))
        }
        Err(e) => (false, None, e.to_string()),
    }
}

fn tail(text: &str) -> String {
    let text = text.trim_end();
    if text.len() <= OUTPUT_TAIL {
        return text.to_string();
    }
    let mut start = text.len() - OUTPUT_TAIL;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    format!("…{}", &text[start..])
}

fn last_line(text: &str) -> &str {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no output")
        .trim()
}

#[allow(clippy::too_many_arguments)]
fn journal(
    job: &Job<'_>,
    phase: &str,
    description: &str,
    ok: bool,
    code: Option<i64>,
    output: Option<&str>,
    started: Timestamp,
    clock: Instant,
) -> Result<(), StoreError> {
    store::record_step(
        job.db,
        job.action,
        phase,
        description,
        ok,
        code,
        output,
        started,
        clock.elapsed().as_millis() as i64,
    )
}
