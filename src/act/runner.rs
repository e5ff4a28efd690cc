//! Runs one plan on its host under the journal: refuse writes to files the
//! inventory does not manage; back up every touched file (no backup, no
//! change); run the steps (a managed file is validated right after it is
//! written); reload what changed; verify by looking at the target again. On
//! any failure the backed-up files are restored and reloaded and the
//! playbook's rollback runs. Every command is journaled before the next.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::time::Duration;

use jiff::Timestamp;
use rusqlite::Connection;

use super::journal::Entry;
use super::render::RenderedPlaybook;
use super::steps::{local_step, run_step};
use super::{files, verify};
use crate::analyze::{FindingKind, Target};
use crate::collect::Sweep;
use crate::collect::transport::{self, Connection as HostConnection};
use crate::config::inventory::ManagedFile;
use crate::config::{Host, Inventory};
use crate::store::{self, Backup, StoreError};

pub struct Job<'a> {
    pub inventory: &'a Inventory,
    pub host: Option<&'a Host>,
    pub db: &'a Connection,
    /// The journal's action; None keeps no journal.
    pub action: Option<i64>,
    pub plan: &'a RenderedPlaybook,
    pub kind: FindingKind,
    pub target: &'a Target,
    pub verify_timeout: Duration,
    /// Look at the target again after the steps (not when applying a
    /// person's revert, which may well bring the failure back).
    pub verify_target: bool,
    pub http: &'a reqwest::Client,
    /// The host's managed files.
    pub files: &'a BTreeMap<String, ManagedFile>,
    /// For each file the plan touches, the host content's hash medic last
    /// saw (`absent` for no file); a different one means a person edited it.
    pub known_hashes: BTreeMap<String, Option<String>>,
}

/// What a run of a job built up: backups, the files written, the last look.
pub struct Session<'j, 'a> {
    pub job: &'j Job<'a>,
    pub backups: Vec<Backup>,
    /// Managed or not, every file written and its new content.
    pub written: BTreeMap<String, String>,
    pub restored: Vec<String>,
    pub seen: RefCell<Option<Sweep>>,
}

/// The outcome, the last look verification took at the target (so the
/// store can show its state after the fix), and the files the fix changed.
pub struct Executed {
    pub outcome: Outcome,
    pub seen: Option<Sweep>,
    /// Path → new content, only when the fix succeeded.
    pub changed_files: BTreeMap<String, String>,
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
    let mut session = Session {
        job,
        backups: Vec::new(),
        written: BTreeMap::new(),
        restored: Vec::new(),
        seen: RefCell::new(None),
    };
    let outcome = match (job.host, files::unmanaged_writes(&session)) {
        (_, Some(refusal)) => Outcome::Failed {
            reason: refusal,
            rollback: Rollback::NothingChanged,
        },
        (Some(host), None) => match transport::connect(job.inventory, host).await {
            Ok(connection) => {
                let outcome = run_on(&mut session, &connection).await;
                connection.close().await;
                outcome?
            }
            Err(u) => Outcome::Failed {
                reason: format!("cannot reach `{}`: {}", host.name, u.message),
                rollback: Rollback::NothingChanged,
            },
        },
        (None, None) => run_without_host(&mut session).await?,
    };
    if let Some(action) = job.action {
        let (status, sentence) = match &outcome {
            Outcome::Verified { reason } => ("succeeded", format!("verified: {reason}")),
            Outcome::Failed { reason, rollback } => (
                "failed",
                match rollback {
                    Rollback::NothingChanged => reason.clone(),
                    Rollback::Done => format!("{reason}; changes rolled back"),
                    Rollback::Incomplete => format!(
                        "{reason}; ROLLBACK INCOMPLETE: the host may keep partial changes (see the steps)"
                    ),
                },
            ),
        };
        store::finish_action(job.db, action, status, &sentence, Timestamp::now())?;
    }
    let changed_files = match outcome {
        Outcome::Verified { .. } => std::mem::take(&mut session.written),
        Outcome::Failed { .. } => BTreeMap::new(),
    };
    Ok(Executed {
        outcome,
        seen: session.seen.into_inner(),
        changed_files,
    })
}

/// A check target has no host: only HTTP and wait steps can run.
async fn run_without_host(session: &mut Session<'_, '_>) -> Result<Outcome, StoreError> {
    for step in &session.job.plan.steps {
        if let Err(reason) = local_step(session, "step", step).await? {
            return Ok(Outcome::Failed {
                reason,
                rollback: Rollback::NothingChanged,
            });
        }
    }
    verify_target(session, None).await
}

async fn run_on(
    session: &mut Session<'_, '_>,
    host: &HostConnection,
) -> Result<Outcome, StoreError> {
    if let Err(reason) = files::take_backups(session, host).await? {
        return Ok(Outcome::Failed {
            reason,
            rollback: Rollback::NothingChanged,
        });
    }
    let job = session.job;
    for step in &job.plan.steps {
        if let Err(reason) = run_step(session, host, "step", step).await? {
            let rollback = rollback(session, host).await?;
            return Ok(Outcome::Failed { reason, rollback });
        }
    }
    if let Err(reason) = files::reload(session, host, "step").await? {
        let rollback = rollback(session, host).await?;
        return Ok(Outcome::Failed { reason, rollback });
    }
    match verify_target(session, Some(host)).await? {
        Outcome::Failed { reason, .. } => {
            let rollback = rollback(session, host).await?;
            Ok(Outcome::Failed { reason, rollback })
        }
        verified => Ok(verified),
    }
}

async fn verify_target(
    session: &mut Session<'_, '_>,
    host: Option<&HostConnection>,
) -> Result<Outcome, StoreError> {
    let job = session.job;
    if job.verify_target {
        let entry = Entry::start(
            "verify",
            format!(
                "look at {} again until healthy (at most {})",
                job.target,
                humantime::format_duration(job.verify_timeout)
            ),
        );
        let look = verify::until_healthy(
            job.inventory,
            job.http,
            job.kind,
            job.target,
            job.verify_timeout,
        )
        .await;
        *session.seen.borrow_mut() = look.sweep;
        let (ok, detail) = match &look.result {
            Ok(reason) => (true, reason.clone()),
            Err(problem) => (false, problem.clone()),
        };
        entry.finish(job.db, job.action, ok, None, &detail)?;
        if let Err(problem) = look.result {
            return Ok(Outcome::Failed {
                reason: format!(
                    "still failing after {}: {problem}",
                    humantime::format_duration(job.verify_timeout)
                ),
                rollback: Rollback::NothingChanged,
            });
        }
    }
    for step in &job.plan.verify {
        let result = match host {
            Some(host) => run_step(session, host, "verify", step).await?,
            None => local_step(session, "verify", step).await?,
        };
        if let Err(reason) = result {
            return Ok(Outcome::Failed {
                reason: format!("verification failed: {reason}"),
                rollback: Rollback::NothingChanged,
            });
        }
    }
    Ok(Outcome::Verified {
        reason: if job.verify_target {
            "the target is healthy again".into()
        } else {
            "applied".into()
        },
    })
}

/// Restores backed-up files and reloads them, then the playbook's rollback
/// steps; every one runs even when an earlier one failed.
async fn rollback(
    session: &mut Session<'_, '_>,
    host: &HostConnection,
) -> Result<Rollback, StoreError> {
    let mut complete = files::restore_all(session, host).await?;
    let job = session.job;
    for step in &job.plan.rollback {
        complete &= run_step(session, host, "rollback", step).await?.is_ok();
    }
    Ok(if complete {
        Rollback::Done
    } else {
        Rollback::Incomplete
    })
}
