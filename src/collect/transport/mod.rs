//! Transports give a `Connection` to a host, on which scripts run with `sh`
//! (the script on stdin, so nothing of it shows in process lists or needs a
//! second layer of quoting). `ssh` goes through the system OpenSSH client;
//! `local` runs on this machine. A host that cannot be reached is an
//! `Unreachable` saying why.

mod local;
mod ssh;

use std::time::Duration;

use crate::config::{Host, Inventory, TransportKind};

use super::observation::{Unreachable, UnreachableReason};

/// An open way to run scripts on one host; close it when done.
pub enum Connection {
    Ssh(Box<openssh::Session>),
    Local,
}

/// What a script printed and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptOutput {
    /// None when the script was killed by a signal or the connection broke.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl ScriptOutput {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScriptError {
    #[error("no result within {}", humantime::format_duration(*.0))]
    TimedOut(Duration),
    #[error("{0}")]
    Transport(String),
}

pub async fn connect(inventory: &Inventory, host: &Host) -> Result<Connection, Unreachable> {
    match host.transport {
        TransportKind::Ssh => ssh::connect(&inventory.ssh, &inventory.settings, host)
            .await
            .map(|s| Connection::Ssh(Box::new(s))),
        TransportKind::Local => Ok(Connection::Local),
    }
}

impl Connection {
    /// Runs `script` with `sh`, killed (as far as the transport allows) after `limit`.
    pub async fn run(&self, script: &str, limit: Duration) -> Result<ScriptOutput, ScriptError> {
        let run = async {
            match self {
                Connection::Ssh(session) => ssh::run(session, script).await,
                Connection::Local => local::run(script).await,
            }
        };
        match tokio::time::timeout(limit, run).await {
            Ok(result) => result,
            Err(_) => Err(ScriptError::TimedOut(limit)),
        }
    }

    pub async fn close(self) {
        if let Connection::Ssh(session) = self
            && let Err(e) = session.close().await
        {
            tracing::debug!(error = %e, "closing the ssh master failed");
        }
    }
}

/// A file's content (None: it does not exist), or why it could not be read.
pub type FileRead = Result<Option<String>, String>;

/// Connects, runs the probe script, reads the `files` asked for on the same
/// connection, closes: the whole round trip bounded by the command timeout.
pub async fn run_probe(
    inventory: &Inventory,
    host: &Host,
    script: &str,
    files: &[String],
) -> Result<(String, Vec<(String, FileRead)>), Unreachable> {
    let limit = inventory.settings.command_timeout;
    let started = std::time::Instant::now();
    let connection = match tokio::time::timeout(limit, connect(inventory, host)).await {
        Ok(result) => result?,
        Err(_) => return Err(timed_out(limit)),
    };
    let remaining = limit.saturating_sub(started.elapsed());
    let result = connection.run(script, remaining).await;
    let mut read = Vec::new();
    if result.as_ref().is_ok_and(ScriptOutput::success) {
        for path in files {
            let remaining = limit.saturating_sub(started.elapsed());
            read.push((path.clone(), read_file(&connection, path, remaining).await));
        }
    }
    connection.close().await;
    probe_result(result, limit).map(|stdout| (stdout, read))
}

/// Reads one file with `act::shell::read_file`, which tells a missing file
/// from an unreadable one by its exit code.
pub async fn read_file(connection: &Connection, path: &str, limit: Duration) -> FileRead {
    let script = crate::act::shell::read_file(path).map_err(|e| e.to_string())?;
    let output = connection
        .run(&crate::act::shell::script(&script), limit)
        .await
        .map_err(|e| e.to_string())?;
    match output.code {
        Some(0) => Ok(Some(output.stdout)),
        Some(crate::act::shell::MISSING) => Ok(None),
        _ => Err(excerpt(&output.stderr)),
    }
}

fn probe_result(
    result: Result<ScriptOutput, ScriptError>,
    limit: Duration,
) -> Result<String, Unreachable> {
    match result {
        Ok(output) if output.success() => Ok(output.stdout),
        Ok(output) => Err(Unreachable {
            reason: UnreachableReason::ProbeFailed,
            message: format!(
                "probe exited with {}: {}",
                output
                    .code
                    .map_or_else(|| "a signal".to_string(), |c| format!("code {c}")),
                excerpt(&output.stderr)
            ),
        }),
        Err(ScriptError::TimedOut(_)) => Err(timed_out(limit)),
        Err(ScriptError::Transport(message)) => Err(Unreachable {
            reason: UnreachableReason::ProbeFailed,
            message,
        }),
    }
}

fn timed_out(limit: Duration) -> Unreachable {
    Unreachable {
        reason: UnreachableReason::TimedOut,
        message: format!("no answer within {}", humantime::format_duration(limit)),
    }
}

/// A trimmed, bounded excerpt of a tool's output for messages and reports.
pub(crate) fn excerpt(text: &str) -> String {
    const LIMIT: usize = 400;
    let text = text.trim();
    if text.len() <= LIMIT {
        return text.to_string();
    }
    let mut end = LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

pub(crate) fn seconds(d: Duration) -> String {
    humantime::format_duration(Duration::from_secs(d.as_secs().max(1))).to_string()
}
