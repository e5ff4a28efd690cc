//! Collect: takes the inventory and gives one `Sweep`: every host probed over
//! its transport (bounded concurrency, one round trip each) and every HTTP
//! check requested. One host failing is an observation, never an early return.

pub mod http;
pub mod observation;
pub mod probe;
pub mod transport;

use std::time::Instant;

use futures::stream::{self, StreamExt};
use jiff::Timestamp;

use crate::config::{Host, Inventory};
pub use observation::{
    CheckObservation, HostObservation, HostOutcome, Sweep, Unreachable, UnreachableReason,
};

pub async fn sweep(inventory: &Inventory) -> Sweep {
    let started_at = Timestamp::now();
    let concurrency = inventory.settings.concurrency.max(1);
    let hosts = stream::iter(&inventory.hosts)
        .map(|host| probe_host(inventory, host))
        .buffer_unordered(concurrency);
    let client = http::client();
    let checks = stream::iter(&inventory.checks)
        .map(|check| http::run_check(&client, check))
        .buffer_unordered(concurrency);
    let (mut hosts, mut checks): (Vec<HostObservation>, Vec<CheckObservation>) =
        futures::join!(hosts.collect(), checks.collect());
    hosts.sort_by(|a, b| a.host.cmp(&b.host));
    checks.sort_by(|a, b| a.check.cmp(&b.check));
    Sweep {
        started_at,
        finished_at: Timestamp::now(),
        hosts,
        checks,
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
    let observed_at = Timestamp::now();
    let started = Instant::now();
    let nonce = probe::new_nonce();
    let script = probe::script(&probe_spec(inventory, host), &nonce);
    let outcome = match transport::run_probe(inventory, host, &script).await {
        Ok(output) => HostOutcome::Reached(probe::parse(&output, &nonce)),
        Err(unreachable) => {
            tracing::warn!(host = %host.name, reason = unreachable.reason.describe(), message = %unreachable.message, "host not probed");
            HostOutcome::Unreachable(unreachable)
        }
    };
    HostObservation {
        host: host.name.clone(),
        observed_at,
        duration: started.elapsed(),
        outcome,
    }
}
