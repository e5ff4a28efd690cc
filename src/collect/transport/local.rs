//! The `local` transport: the probe script through `sh` on this machine, for
//! the localhost entry of the default inventory.

use std::process::Stdio;

use tokio::io::AsyncWriteExt;

use super::excerpt;
use crate::collect::observation::{Unreachable, UnreachableReason};

pub async fn run_script(script: &str) -> Result<String, Unreachable> {
    let failed = |message: String| Unreachable {
        reason: UnreachableReason::ProbeFailed,
        message,
    };
    let mut child = tokio::process::Command::new("sh")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| failed(format!("cannot start `sh`: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(script.as_bytes())
            .await
            .map_err(|e| failed(format!("cannot send the probe to `sh`: {e}")))?;
    }
    let output = child
        .wait_with_output()
        .await
        .map_err(|e| failed(format!("`sh` failed: {e}")))?;
    if !output.status.success() {
        return Err(failed(format!(
            "probe exited with {}: {}",
            output.status,
            excerpt(&String::from_utf8_lossy(&output.stderr))
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
