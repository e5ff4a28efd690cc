//! Trends → findings: the series the store holds for each watched target
//! (disk usage, swap and available memory, restart counters, check latency)
//! run through `trends`, and every signal becomes a finding with its
//! prediction. Pure; the clock is an argument.

use std::collections::BTreeMap;

use super::finding::{Finding, FindingKind, Severity, Target};
use super::trends::{self, Point, Signal, TrendPolicy};

/// The series of one sweep's targets, as the store holds them.
#[derive(Debug, Clone, Default)]
pub struct TrendData {
    /// (host, mount) → used %.
    pub disks: BTreeMap<(String, String), Vec<Point>>,
    /// host → swap used % (hosts with swap only).
    pub swap: BTreeMap<String, Vec<Point>>,
    /// host → available memory %.
    pub memory: BTreeMap<String, Vec<Point>>,
    /// (host, container) → the restart counter.
    pub restarts: BTreeMap<(String, String), Vec<Point>>,
    /// check → latency in ms of answered requests.
    pub latency: BTreeMap<String, Vec<Point>>,
}

pub fn trend_findings(data: &TrendData, now: i64, policy: &TrendPolicy) -> Vec<Finding> {
    let mut out = Vec::new();
    for ((host, mount), series) in &data.disks {
        let target = Target::Disk {
            host: host.clone(),
            mount: mount.clone(),
        };
        let signal = trends::disk(series, now, policy);
        out.extend(signal.map(|s| {
            finding(
                FindingKind::DiskFillingUp,
                target,
                &format!("`{mount}` on `{host}`"),
                s,
            )
        }));
    }
    for (host, series) in &data.swap {
        let signal = trends::swap(series, now, policy);
        out.extend(signal.map(|s| {
            finding(
                FindingKind::SwapRising,
                Target::Host { host: host.clone() },
                &format!("`{host}`"),
                s,
            )
        }));
    }
    for (host, series) in &data.memory {
        let signal = trends::memory(series, now, policy);
        out.extend(signal.map(|s| {
            finding(
                FindingKind::MemoryLow,
                Target::Host { host: host.clone() },
                &format!("`{host}`"),
                s,
            )
        }));
    }
    for ((host, name), series) in &data.restarts {
        let target = Target::Container {
            host: host.clone(),
            name: name.clone(),
        };
        let signal = trends::restarts(series, now, policy);
        out.extend(signal.map(|s| {
            finding(
                FindingKind::RestartsFrequent,
                target,
                &format!("container `{name}` on `{host}`"),
                s,
            )
        }));
    }
    for (check, series) in &data.latency {
        let signal = trends::latency(series, now, policy);
        out.extend(signal.map(|s| {
            finding(
                FindingKind::LatencyDegraded,
                Target::Check {
                    name: check.clone(),
                },
                &format!("check `{check}`"),
                s,
            )
        }));
    }
    out
}

fn finding(kind: FindingKind, target: Target, named: &str, signal: Signal) -> Finding {
    let mut facts = signal.evidence;
    if let Some(at) = signal
        .predicted_at
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
    {
        facts.insert("predicted_at".into(), at.to_string());
    }
    facts.insert("level".into(), signal.level.as_str().to_string());
    Finding {
        kind,
        target,
        severity: Severity::from(signal.level),
        summary: format!("{named}: {}", signal.summary),
        facts,
        since: None,
    }
}
