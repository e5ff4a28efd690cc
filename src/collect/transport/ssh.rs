//! The `ssh` transport: one master connection per host through the system
//! OpenSSH client (so ~/.ssh/config, the agent and ProxyJump work), strict
//! host key checking by default, scripts sent on stdin to `sh`.

use std::num::NonZeroUsize;
use std::time::Duration;

use openssh::{ControlPersist, KnownHosts, Session, SessionBuilder, Stdio};
use tokio::io::AsyncWriteExt;

use super::{ScriptError, ScriptOutput, excerpt, seconds};
use crate::collect::observation::{Unreachable, UnreachableReason};
use crate::config::inventory::{HostKeyChecking, SshOptions};
use crate::config::{Host, Settings};

/// A master left behind by a killed run exits after this much idle time.
const MASTER_IDLE_EXIT: usize = 60;

pub async fn connect(
    options: &SshOptions,
    settings: &Settings,
    host: &Host,
) -> Result<Session, Unreachable> {
    let mut builder = SessionBuilder::default();
    builder
        .known_hosts_check(match options.host_key_checking {
            HostKeyChecking::Strict => KnownHosts::Strict,
            HostKeyChecking::AcceptNew => KnownHosts::Add,
        })
        .connect_timeout(settings.connect_timeout)
        .server_alive_interval(Duration::from_secs(5))
        .control_directory(std::env::temp_dir())
        .control_persist(ControlPersist::IdleFor(
            NonZeroUsize::new(MASTER_IDLE_EXIT).expect("a positive constant"),
        ));
    if let Some(port) = host.port {
        builder.port(port);
    }
    if let Some(user) = &host.user {
        builder.user(user.clone());
    }
    if let Some(key) = &options.identity_file {
        builder.keyfile(key);
    }
    if let Some(known_hosts) = &options.known_hosts_file {
        builder.user_known_hosts_file(known_hosts);
    }
    if let Some(config) = &options.config_file {
        builder.config_file(config);
    }
    // ssh's ConnectTimeout does not bound a server that accepts and then stays
    // silent (a frozen sshd), so the whole handshake gets a deadline too.
    let handshake_limit = settings.connect_timeout + Duration::from_secs(2);
    match tokio::time::timeout(handshake_limit, builder.connect_mux(&host.address)).await {
        Ok(Ok(session)) => Ok(session),
        Ok(Err(e)) => Err(classify(&e)),
        Err(_) => Err(Unreachable {
            reason: UnreachableReason::TimedOut,
            message: format!("ssh handshake timed out after {}", seconds(handshake_limit)),
        }),
    }
}

pub async fn run(session: &Session, script: &str) -> Result<ScriptOutput, ScriptError> {
    let broken =
        |what: &str, e: &dyn std::fmt::Display| ScriptError::Transport(format!("{what}: {e}"));
    let mut child = session
        .command("sh")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .await
        .map_err(|e| broken("cannot start `sh`", &describe(&e)))?;
    if let Some(mut stdin) = child.stdin().take() {
        stdin
            .write_all(script.as_bytes())
            .await
            .map_err(|e| broken("cannot send the script", &e))?;
        stdin
            .shutdown()
            .await
            .map_err(|e| broken("cannot send the script", &e))?;
    }
    let output = child
        .wait_with_output()
        .await
        .map_err(|e| broken("the script did not finish", &describe(&e)))?;
    Ok(ScriptOutput {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

/// Turns the ssh client's complaint into a reason a person and the analyzer can use.
fn classify(error: &openssh::Error) -> Unreachable {
    let message = describe(error);
    let lower = message.to_lowercase();
    let reason = if lower.contains("host key verification failed")
        || lower.contains("remote host identification has changed")
        || lower.contains("no ed25519 host key is known")
        || lower.contains("host key for") && lower.contains("has changed")
    {
        UnreachableReason::HostKeyRejected
    } else if lower.contains("connection refused") {
        UnreachableReason::ConnectionRefused
    } else if lower.contains("timed out") {
        UnreachableReason::TimedOut
    } else if lower.contains("permission denied")
        || lower.contains("too many authentication failures")
    {
        UnreachableReason::AuthenticationFailed
    } else {
        UnreachableReason::Other
    };
    Unreachable { reason, message }
}

fn describe(error: &openssh::Error) -> String {
    use std::error::Error as _;
    let detail = error.source().map(|s| s.to_string()).unwrap_or_default();
    let detail = excerpt(&detail);
    if detail.is_empty() {
        error.to_string()
    } else {
        detail
    }
}
