//! Verification: after a fix, look at the target again — a fresh probe of
//! its host, or the HTTP check again — until it is healthy or time is up.

use std::time::{Duration, Instant};

use jiff::Timestamp;

use crate::analyze::{FindingKind, Target, healthy_again};
use crate::collect::{self, Sweep, http};
use crate::config::Inventory;

/// How long to wait between two looks.
const INTERVAL: Duration = Duration::from_secs(2);

/// One look at a target: healthy (why) or not (what is still wrong), and
/// the sweep it was seen in, so the store can show the target's new state.
pub struct Look {
    pub result: Result<String, String>,
    pub sweep: Option<Sweep>,
}

/// Looks once.
pub async fn look(
    inventory: &Inventory,
    client: &reqwest::Client,
    kind: FindingKind,
    target: &Target,
) -> Look {
    match observe(inventory, client, target).await {
        Ok(sweep) => {
            let result = healthy_again(inventory, &sweep, kind, target)
                .ok_or_else(|| still_wrong(inventory, &sweep, kind, target));
            Look {
                result,
                sweep: Some(sweep),
            }
        }
        Err(problem) => Look {
            result: Err(problem),
            sweep: None,
        },
    }
}

/// A sweep of just what the target needs: its host's probe, or its check.
async fn observe(
    inventory: &Inventory,
    client: &reqwest::Client,
    target: &Target,
) -> Result<Sweep, String> {
    let started_at = Timestamp::now();
    let mut sweep = Sweep {
        started_at,
        finished_at: started_at,
        hosts: Vec::new(),
        checks: Vec::new(),
        files: Vec::new(),
    };
    match target {
        Target::Check { name } => {
            let check = inventory
                .check(name)
                .ok_or_else(|| format!("check `{name}` is no longer in the inventory"))?;
            sweep.checks.push(http::run_check(client, check).await);
        }
        _ => {
            let host_name = target
                .host()
                .ok_or_else(|| format!("`{target}` has no host"))?;
            let host = inventory
                .host(host_name)
                .ok_or_else(|| format!("host `{host_name}` is no longer in the inventory"))?;
            let observation = collect::probe_host(inventory, host).await;
            if let collect::HostOutcome::Unreachable(u) = &observation.outcome {
                return Err(format!("host `{host_name}` did not answer: {}", u.message));
            }
            sweep.hosts.push(observation);
        }
    }
    sweep.finished_at = Timestamp::now();
    Ok(sweep)
}

fn still_wrong(inventory: &Inventory, sweep: &Sweep, kind: FindingKind, target: &Target) -> String {
    let fingerprint = crate::analyze::fingerprint(kind, target);
    crate::analyze::findings(inventory, sweep)
        .into_iter()
        .find(|f| f.fingerprint() == fingerprint)
        .map(|f| f.summary)
        .unwrap_or_else(|| format!("`{target}` is not healthy yet"))
}

/// Looks until healthy or `timeout`; gives the last look.
pub async fn until_healthy(
    inventory: &Inventory,
    client: &reqwest::Client,
    kind: FindingKind,
    target: &Target,
    timeout: Duration,
) -> Look {
    let started = Instant::now();
    loop {
        let look = look(inventory, client, kind, target).await;
        if look.result.is_ok() || started.elapsed() + INTERVAL > timeout {
            return look;
        }
        tokio::time::sleep(INTERVAL).await;
    }
}
