//! Collect: takes the inventory and gives one `Sweep`: every host probed over
//! its transport (bounded concurrency, one round trip each) and every HTTP
//! check requested. One host failing is an observation, never an early return.

pub mod context;
pub mod http;
pub mod observation;
pub mod probe;
pub mod transport;

use std::time::Instant;

use futures::stream::{self, StreamExt};
use jiff::Timestamp;

use crate::config::{Host, Inventory};
pub use observation::{
    CheckObservation, FileObservation, HostObservation, HostOutcome, Sweep, Unreachable,
    UnreachableReason,
};

pub async fn sweep(inventory: &Inventory) -> Sweep {
    let started_at = Timestamp::now();
    let concurrency = inventory.settings.concurrency.max(1);
    let hosts = stream::iter(&inventory.hosts)
        .map(|host| observe_host(inventory, host))
        .buffer_unordered(concurrency);
    let client = http::client();
    let checks = stream::iter(&inventory.checks)
        .map(|check| http::run_check(&client, check))
        .buffer_unordered(concurrency);
    let (observed, mut checks): (
        Vec<(HostObservation, Vec<FileObservation>)>,
        Vec<CheckObservation>,
    ) = futures::join!(hosts.collect(), checks.collect());
    let (mut hosts, files): (Vec<HostObservation>, Vec<Vec<FileObservation>>) =
        observed.into_iter().unzip();
    let mut files: Vec<FileObservation> = files.into_iter().flatten().collect();
    hosts.sort_by(|a, b| a.host.cmp(&b.host));
    checks.sort_by(|a, b| a.check.cmp(&b.check));
    files.sort_by(|a, b| (&a.host, &a.path).cmp(&(&b.host, &b.path)));
    Sweep {
        started_at,
        finished_at: Timestamp::now(),
        hosts,
        checks,
        files,
    }
}

pub fn probe_spec(inventory: &Inventory, host: &Host) -> probe::ProbeSpec {
    probe::ProbeSpec {
        containers: !host.containers.is_none(),
        units: host.units.clone(),
        section_timeout_secs: inventory.settings.section_timeout.as_secs().max(1) as u32,
    }
}

/// Probes one host: one connection, one script, parsed sections.
pub async fn probe_host(inventory: &Inventory, host: &Host) -> HostObservation {
    probe_and_read(inventory, host, &[]).await.0
}

/// Probes one host and reads its managed files on the same connection.
async fn observe_host(
    inventory: &Inventory,
    host: &Host,
) -> (HostObservation, Vec<FileObservation>) {
    let paths: Vec<String> = host.files.keys().cloned().collect();
    probe_and_read(inventory, host, &paths).await
}

async fn probe_and_read(
    inventory: &Inventory,
    host: &Host,
    paths: &[String],
) -> (HostObservation, Vec<FileObservation>) {
    let observed_at = Timestamp::now();
    let started = Instant::now();
    let nonce = probe::new_nonce();
    let script = probe::script(&probe_spec(inventory, host), &nonce);
    let (outcome, files) = match transport::run_probe(inventory, host, &script, paths).await {
        Ok((output, read)) => {
            let files = read
                .into_iter()
                .map(|(path, content)| FileObservation {
                    host: host.name.clone(),
                    path,
                    content,
                })
                .collect();
            (HostOutcome::Reached(probe::parse(&output, &nonce)), files)
        }
        Err(unreachable) => {
            tracing::warn!(host = %host.name, reason = unreachable.reason.describe(), message = %unreachable.message, "host not probed");
            (HostOutcome::Unreachable(unreachable), Vec::new())
        }
    };
    let observation = HostObservation {
        host: host.name.clone(),
        observed_at,
        duration: started.elapsed(),
        outcome,
    };
    (observation, files)
}
