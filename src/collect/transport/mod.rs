//! Transports run the probe script on a host and give back its stdout, or an
//! `Unreachable` saying why the host could not be probed. `ssh` goes through
//! the system OpenSSH client; `local` runs the same script on this machine.

mod local;
mod ssh;

use std::time::Duration;

use crate::config::{Host, Inventory, TransportKind};

use super::observation::{Unreachable, UnreachableReason};

/// Runs `script` with `sh` on `host`, bounded by the inventory's timeouts.
pub async fn run_script(
    inventory: &Inventory,
    host: &Host,
    script: &str,
) -> Result<String, Unreachable> {
    let limit = inventory.settings.command_timeout;
    let run = async {
        match host.transport {
            TransportKind::Ssh => {
                ssh::run_script(&inventory.ssh, &inventory.settings, host, script).await
            }
            TransportKind::Local => local::run_script(script).await,
        }
    };
    match tokio::time::timeout(limit, run).await {
        Ok(result) => result,
        Err(_) => Err(Unreachable {
            reason: UnreachableReason::TimedOut,
            message: format!("no answer within {}", humantime::format_duration(limit)),
        }),
    }
}

/// A trimmed, bounded excerpt of a tool's stderr for messages and reports.
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
