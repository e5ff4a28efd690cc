//! The commands people use to steer medic through Git: `approve`, `reject`,
//! `pause`, `resume`, and `reset` (of a target's circuit breaker). Each
//! decision is a commit authored by the person running the command, so the
//! record says who decided.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use jiff::Timestamp;

use super::EXIT_ERROR;
use super::lock::RunLock;
use super::paths::Paths;
use crate::record::{
    Author, OpsRepo, PAUSE_FILE, RepoFile, committed_approvals, committed_pause, is_medic,
    render_pause, with_status,
};
use crate::store;

/// How long a person's command waits for a running sweep to finish.
const PATIENCE: Duration = Duration::from_secs(60);

fn person(repo: &OpsRepo) -> anyhow::Result<String> {
    let who = repo.person()?;
    if is_medic(&who) {
        anyhow::bail!(
            "git identity `{who}` is medic's own; decisions must be made under a person's name (git config user.name)"
        );
    }
    Ok(who)
}

/// `approve` or `reject` approval `id`.
pub fn decide_approval(paths: &Paths, id: i64, approve: bool) -> anyhow::Result<ExitCode> {
    let verb = if approve { "approve" } else { "reject" };
    let repo = OpsRepo::open(&paths.repo)?;
    let who = person(&repo)?;
    let _lock = RunLock::acquire_waiting(&paths.state_dir, PATIENCE)?;
    let Some(approval) = committed_approvals(&repo)?
        .into_iter()
        .find(|a| a.file.id == id)
    else {
        eprintln!("medic {verb}: there is no approval #{id} in `approvals/` (committed)");
        return Ok(ExitCode::from(EXIT_ERROR));
    };
    if approval.file.status != "pending" {
        eprintln!(
            "medic {verb}: approval #{id} is already {}",
            approval.file.status
        );
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    let now = Timestamp::now();
    if approval.file.expires_at <= now {
        eprintln!(
            "medic {verb}: approval #{id} expired at {} UTC; the plan will not run (medic asks again only if a person resets it)",
            approval.file.expires_at.strftime("%Y-%m-%d %H:%M")
        );
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    let text = repo.committed(&approval.path)?.unwrap_or_default();
    let status = if approve { "approved" } else { "rejected" };
    let Some(updated) = with_status(&text, status) else {
        anyhow::bail!(
            "`{}` has no `status:` line to change",
            approval.path.display()
        );
    };
    let message = format!(
        "{verb} #{id}: {} on {}\n\nMedic-Approval: {id}\nMedic-Incident: {}\n",
        approval.file.playbook, approval.file.target, approval.file.incident
    );
    repo.commit_files_as(
        &[RepoFile::write(approval.path.clone(), updated)],
        &message,
        Author::Person,
    )?;
    if approve {
        out!(
            "approved #{id} (`{}` on {}) as {who}; the next `medic run` executes it if incident #{} is still open",
            approval.file.playbook,
            approval.file.target,
            approval.file.incident
        );
    } else {
        out!(
            "rejected #{id} (`{}` on {}) as {who}; it will never run",
            approval.file.playbook,
            approval.file.target
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn pause(paths: &Paths, reason: &str) -> anyhow::Result<ExitCode> {
    let repo = OpsRepo::open(&paths.repo)?;
    let who = person(&repo)?;
    let _lock = RunLock::acquire_waiting(&paths.state_dir, PATIENCE)?;
    let content = render_pause(reason, &who, Timestamp::now());
    let message = format!("pause medic: {reason}\n\nMedic-Pause: on\n");
    match repo.commit_files_as(
        &[RepoFile::write(PAUSE_FILE, content)],
        &message,
        Author::Person,
    )? {
        Some(_) => {
            out!("paused: medic observes and reports, and fixes nothing until `medic resume`")
        }
        None => out!("medic was already paused with this reason"),
    }
    Ok(ExitCode::SUCCESS)
}

pub fn resume(paths: &Paths) -> anyhow::Result<ExitCode> {
    let repo = OpsRepo::open(&paths.repo)?;
    let _who = person(&repo)?;
    let _lock = RunLock::acquire_waiting(&paths.state_dir, PATIENCE)?;
    if committed_pause(&repo)?.is_none() {
        out!("medic is not paused (no `{PAUSE_FILE}` is committed)");
        return Ok(ExitCode::SUCCESS);
    }
    repo.commit_files_as(
        &[RepoFile::remove(Path::new(PAUSE_FILE))],
        "resume medic\n\nMedic-Pause: off\n",
        Author::Person,
    )?;
    out!("resumed: the next `medic run` fixes what the policy allows");
    Ok(ExitCode::SUCCESS)
}

/// Closes a target's circuit breaker: failed attempts before now no longer count.
pub fn reset(paths: &Paths, target: &str) -> anyhow::Result<ExitCode> {
    let who = OpsRepo::open(&paths.repo)
        .ok()
        .and_then(|repo| repo.person().ok())
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".into());
    let _lock = RunLock::acquire_waiting(&paths.state_dir, PATIENCE)?;
    let conn = store::open(&paths.db)?;
    let known: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM actions WHERE target_key = ?1) OR EXISTS (SELECT 1 FROM incidents WHERE target_key = ?1)",
        [target],
        |r| r.get(0),
    )?;
    if !known {
        eprintln!(
            "medic reset: medic knows no target `{target}` (targets look like `nas/container/calibre`; see `medic incidents --all`)"
        );
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    store::add_reset(&conn, target, &who, Timestamp::now())?;
    out!("reset `{target}`: earlier failed fixes no longer count; medic may fix it again");
    Ok(ExitCode::SUCCESS)
}

/// `medic rollback INCIDENT`: reverts the commits of the incident's fixes
/// that changed managed files (as the person running the command), then runs
/// once so the repository's version goes back to the hosts.
pub async fn rollback(paths: &Paths, incident: i64) -> anyhow::Result<ExitCode> {
    let repo = OpsRepo::open(&paths.repo)?;
    let who = person(&repo)?;
    let commits = {
        let _lock = RunLock::acquire_waiting(&paths.state_dir, PATIENCE)?;
        let commits = fix_commits(&paths.repo, incident)?;
        if commits.is_empty() {
            eprintln!(
                "medic rollback: no commit of incident #{incident} changed a managed file (under `backups/`); nothing to roll back"
            );
            return Ok(ExitCode::from(EXIT_ERROR));
        }
        for commit in &commits {
            if let Err(e) = git(&paths.repo, &["revert", "--no-edit", commit]) {
                let _ = git(&paths.repo, &["revert", "--abort"]);
                anyhow::bail!("reverting {commit} failed ({e}); nothing was changed");
            }
        }
        commits
    };
    out!(
        "reverted {} commit(s) of incident #{incident} as {who}; applying them to the hosts now",
        commits.len()
    );
    super::run::run(paths, false).await
}

/// Commits with a `Medic-Incident: N` trailer that touched `backups/`, newest first.
fn fix_commits(repo: &Path, incident: i64) -> anyhow::Result<Vec<String>> {
    let grep = format!("^Medic-Incident: {incident}$");
    let out = git(
        repo,
        &[
            "log",
            "--format=%H",
            "--extended-regexp",
            "--grep",
            &grep,
            "--",
            "backups",
        ],
    )?;
    Ok(out
        .lines()
        .map(str::to_string)
        .filter(|l| !l.is_empty())
        .collect())
}

fn git(dir: &Path, args: &[&str]) -> anyhow::Result<String> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()?;
    if !output.status.success() {
        anyhow::bail!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
