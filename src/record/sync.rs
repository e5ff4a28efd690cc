//! Keeping the ops repository in step with its remote, with the `git`
//! command (it honours the user's credentials and SSH config): pull before a
//! run reads what people decided, push after it commits. A push the remote
//! rejects because it moved is retried after a rebase; nothing is ever
//! forced, so no one's commit is lost.

use std::path::Path;
use std::process::Command;

use crate::config::inventory::Sync;

/// Push attempts before giving up (each after a fresh rebase).
const PUSH_ATTEMPTS: usize = 4;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("git {args}: {message}")]
    Git { args: String, message: String },
    #[error(
        "git push to `{remote}` was rejected {attempts} times (the remote keeps moving); the commits stay local and go out with the next run"
    )]
    Rejected { remote: String, attempts: usize },
}

fn git(dir: &Path, args: &[&str]) -> Result<String, SyncError> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        // Never wait for a password prompt in a timer or CI job.
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .map_err(|e| SyncError::Git {
            args: args.join(" "),
            message: e.to_string(),
        })?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        // The line that says what went wrong, not git's trailing hints.
        let message = stderr
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("! ") || l.starts_with("error:") || l.starts_with("fatal:"))
            .or_else(|| {
                stderr
                    .lines()
                    .map(str::trim)
                    .rfind(|l| !l.is_empty() && !l.starts_with("hint:"))
            })
            .unwrap_or("failed")
            .to_string();
        Err(SyncError::Git {
            args: args.join(" "),
            message,
        })
    }
}

fn branch(dir: &Path, sync: &Sync) -> Result<String, SyncError> {
    match &sync.branch {
        Some(branch) => Ok(branch.clone()),
        None => Ok(git(dir, &["rev-parse", "--abbrev-ref", "HEAD"])?
            .trim()
            .to_string()),
    }
}

/// Brings in what others pushed: a fast-forward, or medic's local commits
/// rebased on top. A rebase that cannot apply is aborted, leaving the
/// repository as it was.
pub fn pull(dir: &Path, sync: &Sync) -> Result<(), SyncError> {
    let branch = branch(dir, sync)?;
    git(dir, &["fetch", "--quiet", &sync.remote, &branch])?;
    let upstream = format!("{}/{branch}", sync.remote);
    if git(dir, &["rev-parse", "--verify", "--quiet", &upstream]).is_err() {
        return Ok(());
    }
    // On a conflict in a file medic wrote (STATUS.md, a report), medic's
    // newer render wins; people's commits do not touch those files.
    if let Err(e) = git(dir, &["rebase", "--quiet", "-X", "theirs", &upstream]) {
        let _ = git(dir, &["rebase", "--abort"]);
        return Err(e);
    }
    Ok(())
}

/// Pushes HEAD; on rejection pulls (rebasing) and tries again.
pub fn push(dir: &Path, sync: &Sync) -> Result<(), SyncError> {
    let branch = branch(dir, sync)?;
    let refspec = format!("HEAD:refs/heads/{branch}");
    for _ in 0..PUSH_ATTEMPTS {
        match git(dir, &["push", "--quiet", &sync.remote, &refspec]) {
            Ok(_) => return Ok(()),
            Err(SyncError::Git { message, .. }) if rejected(&message) => pull(dir, sync)?,
            Err(e) => return Err(e),
        }
    }
    Err(SyncError::Rejected {
        remote: sync.remote.clone(),
        attempts: PUSH_ATTEMPTS,
    })
}

fn rejected(message: &str) -> bool {
    let message = message.to_lowercase();
    [
        "rejected",
        "fetch first",
        "non-fast-forward",
        "failed to push",
        "cannot lock ref",
    ]
    .iter()
    .any(|m| message.contains(m))
}
