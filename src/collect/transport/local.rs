//! The `local` transport: scripts through `sh` on this machine, for the
//! localhost entry of the default inventory.

use std::process::Stdio;

use tokio::io::AsyncWriteExt;

use super::{ScriptError, ScriptOutput};

pub async fn run(script: &str) -> Result<ScriptOutput, ScriptError> {
    let mut child = tokio::process::Command::new("sh")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| ScriptError::Transport(format!("cannot start `sh`: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(script.as_bytes())
            .await
            .map_err(|e| ScriptError::Transport(format!("cannot send the script to `sh`: {e}")))?;
    }
    let output = child
        .wait_with_output()
        .await
        .map_err(|e| ScriptError::Transport(format!("`sh` failed: {e}")))?;
    Ok(ScriptOutput {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}
