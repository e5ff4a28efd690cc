//! Files during a fix: only managed files may change; each is backed up
//! before anything runs and must still be what medic last saw (no
//! overwriting a person's edit); after a write its validate command runs and
//! a failure restores it at once; reload commands make changes take effect,
//! and run again after a restore so the old version is live.

use std::collections::BTreeMap;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::journal::{Entry, failure, summarize};
use super::render::RenderedStep;
use super::runner::Session;
use super::shell;
use crate::collect::transport::{self, Connection as HostConnection};
use crate::store::{self, Backup, StoreError};

/// Reading or writing one file.
pub const FILE_LIMIT: Duration = Duration::from_secs(30);
/// A validate or reload command.
const COMMAND_LIMIT: Duration = Duration::from_secs(120);

pub fn sha256(content: &str) -> String {
    Sha256::digest(content.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The files a plan writes, in order, without repeats.
pub fn touched(steps: &[RenderedStep]) -> Vec<&str> {
    let mut paths: Vec<&str> = Vec::new();
    for step in steps {
        if let RenderedStep::Backup { path }
        | RenderedStep::Write { path, .. }
        | RenderedStep::Edit { path, .. } = step
            && !paths.contains(&path.as_str())
        {
            paths.push(path);
        }
    }
    paths
}

/// Refuses before anything runs: a write to a file the inventory does not
/// let medic change.
pub fn unmanaged_writes(session: &Session<'_, '_>) -> Option<String> {
    session.job.plan.steps.iter().find_map(|step| match step {
        RenderedStep::Write { path, .. } | RenderedStep::Edit { path, .. } if !session.job.files.contains_key(path) => {
            Some(format!(
                "`{path}` is not a managed file of `{}`; declare it under the host's `files:` (with validate and reload) \
                 to let medic change it; nothing was changed",
                session.job.host.map(|h| h.name.as_str()).unwrap_or("?")
            ))
        }
        _ => None,
    })
}

/// Backs up every file the plan touches; Err when one cannot be read or a
/// managed file changed on the host since medic last saw it.
pub async fn take_backups(
    session: &mut Session<'_, '_>,
    host: &HostConnection,
) -> Result<Result<(), String>, StoreError> {
    let paths: Vec<String> = touched(&session.job.plan.steps)
        .into_iter()
        .map(String::from)
        .collect();
    for path in paths {
        let entry = Entry::start("backup", format!("back up {path}"));
        let backup = match transport::read_file(host, &path, FILE_LIMIT).await {
            Ok(content) => Backup {
                path: path.clone(),
                existed: content.is_some(),
                content: content.unwrap_or_default().into_bytes(),
            },
            Err(problem) => {
                entry.finish(session.job.db, session.job.action, false, None, &problem)?;
                return Ok(Err(format!(
                    "backup of `{path}` failed ({problem}); nothing was changed"
                )));
            }
        };
        let hash = if backup.existed {
            sha256(&String::from_utf8_lossy(&backup.content))
        } else {
            "absent".into()
        };
        if let Some(Some(known)) = session.job.known_hashes.get(&path)
            && known != &hash
        {
            let problem = format!(
                "`{path}` changed on the host since medic last saw it (someone edited it by hand); \
                 medic does not overwrite it; nothing was changed"
            );
            entry.finish(session.job.db, session.job.action, false, None, &problem)?;
            return Ok(Err(problem));
        }
        if let Some(action) = session.job.action {
            store::save_backup(session.job.db, action, &backup)?;
        }
        let note = if backup.existed {
            format!("{} bytes saved", backup.content.len())
        } else {
            "the file does not exist yet".into()
        };
        entry.finish(session.job.db, session.job.action, true, Some(0), &note)?;
        session.backups.push(backup);
    }
    Ok(Ok(()))
}

/// Writes `content` to `path`; for a managed file with a validate command,
/// validates, and on failure restores the backup at once.
pub async fn write(
    session: &mut Session<'_, '_>,
    host: &HostConnection,
    phase: &str,
    description: String,
    path: &str,
    content: &str,
) -> Result<Result<(), String>, StoreError> {
    let entry = Entry::start(phase, description.clone());
    let (ok, code, output) = match shell::write_file(path, content) {
        Ok(script) => summarize(&host.run(&shell::script(&script), FILE_LIMIT).await),
        Err(e) => (false, None, e.to_string()),
    };
    entry.finish(session.job.db, session.job.action, ok, code, &output)?;
    if !ok {
        return Ok(Err(failure(&description, code, &output)));
    }
    session
        .written
        .insert(path.to_string(), content.to_string());
    let validate = session.job.files.get(path).and_then(|f| f.validate.clone());
    if let Some(command) = validate {
        let (ok, code, output) = command_step(
            session,
            host,
            phase,
            &format!("validate: {command}"),
            &command,
        )
        .await?;
        if !ok {
            restore(session, host, path).await?;
            return Ok(Err(format!(
                "the new `{path}` failed validation ({}); the previous version was restored at once",
                failure(&command, code, &output)
            )));
        }
    }
    Ok(Ok(()))
}

/// Runs the reload commands of the managed files written so far (each once).
pub async fn reload(
    session: &mut Session<'_, '_>,
    host: &HostConnection,
    phase: &str,
) -> Result<Result<(), String>, StoreError> {
    let mut commands: Vec<String> = Vec::new();
    for path in session.written.keys() {
        if let Some(command) = session.job.files.get(path).and_then(|f| f.reload.clone())
            && !commands.contains(&command)
        {
            commands.push(command);
        }
    }
    for command in commands {
        let (ok, code, output) = command_step(
            session,
            host,
            phase,
            &format!("reload: {command}"),
            &command,
        )
        .await?;
        if !ok {
            return Ok(Err(failure(&command, code, &output)));
        }
    }
    Ok(Ok(()))
}

async fn command_step(
    session: &Session<'_, '_>,
    host: &HostConnection,
    phase: &str,
    description: &str,
    command: &str,
) -> Result<(bool, Option<i64>, String), StoreError> {
    let entry = Entry::start(phase, description.to_string());
    let result = summarize(&host.run(&shell::script(command), COMMAND_LIMIT).await);
    entry.finish(
        session.job.db,
        session.job.action,
        result.0,
        result.1,
        &result.2,
    )?;
    Ok(result)
}

/// Puts one backed-up file back (or removes it if it did not exist); true when it worked.
async fn restore(
    session: &mut Session<'_, '_>,
    host: &HostConnection,
    path: &str,
) -> Result<bool, StoreError> {
    let Some(backup) = session.backups.iter().find(|b| b.path == path).cloned() else {
        return Ok(false);
    };
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
    let entry = Entry::start("rollback", description);
    let (ok, code, output) = match script {
        Ok(script) => summarize(&host.run(&shell::script(&script), FILE_LIMIT).await),
        Err(e) => (false, None, e.to_string()),
    };
    entry.finish(session.job.db, session.job.action, ok, code, &output)?;
    if ok {
        session.written.remove(path);
        session.restored.push(path.to_string());
    }
    Ok(ok)
}

/// Restores every backed-up file, newest change first, then reloads what was
/// restored so the old version is live; true when all of it worked.
pub async fn restore_all(
    session: &mut Session<'_, '_>,
    host: &HostConnection,
) -> Result<bool, StoreError> {
    let mut complete = true;
    let paths: Vec<String> = session
        .backups
        .iter()
        .rev()
        .map(|b| b.path.clone())
        .collect();
    for path in paths {
        complete &= restore(session, host, &path).await?;
    }
    let restored: BTreeMap<String, String> = session
        .restored
        .iter()
        .map(|p| (p.clone(), String::new()))
        .collect();
    let saved = std::mem::replace(&mut session.written, restored);
    complete &= reload(session, host, "rollback").await?.is_ok();
    session.written = saved;
    Ok(complete)
}
