//! Rules that turn one sweep into findings. Pure: the inventory says what is
//! watched and where the thresholds are; the sweep says what was seen.

use std::collections::BTreeMap;

use super::finding::{Finding, FindingKind, Severity, Target};
use crate::collect::probe::{
    Container, ContainerState, Filesystem, Health, HostSnapshot, Section, Unit,
};
use crate::collect::{CheckObservation, HostOutcome, Sweep, UnreachableReason};
use crate::config::{ContainerWatch, Host, HttpCheck, Inventory};

pub fn findings(inventory: &Inventory, sweep: &Sweep) -> Vec<Finding> {
    let mut out = Vec::new();
    for observation in &sweep.hosts {
        let Some(host) = inventory.host(&observation.host) else {
            continue;
        };
        match &observation.outcome {
            HostOutcome::Unreachable(u) => {
                let kind = if u.reason == UnreachableReason::HostKeyRejected {
                    FindingKind::HostKeyRejected
                } else {
                    FindingKind::HostUnreachable
                };
                let summary = match kind {
                    FindingKind::HostKeyRejected => format!(
                        "host `{}` presented a host key that does not match known_hosts; medic refused to connect",
                        host.name
                    ),
                    _ => format!(
                        "host `{}` is unreachable: {}",
                        host.name,
                        u.reason.describe()
                    ),
                };
                out.push(Finding {
                    kind,
                    target: Target::Host {
                        host: host.name.clone(),
                    },
                    severity: Severity::Critical,
                    summary,
                    facts: facts([
                        ("reason", u.reason.describe().to_string()),
                        ("message", u.message.clone()),
                    ]),
                    since: None,
                });
            }
            HostOutcome::Reached(snapshot) => host_findings(host, snapshot, &mut out),
        }
    }
    for observation in &sweep.checks {
        if let Some(check) = inventory.check(&observation.check) {
            out.extend(check_finding(check, observation));
        }
    }
    out.sort_by(|a, b| (&a.target, a.kind).cmp(&(&b.target, b.kind)));
    out
}

fn host_findings(host: &Host, snapshot: &HostSnapshot, out: &mut Vec<Finding>) {
    match &snapshot.containers {
        Section::Ok(containers) => container_findings(host, containers, out),
        Section::Failed(problem) if !host.containers.is_none() => {
            out.push(probe_failed(host, "containers", problem));
        }
        Section::Unavailable(problem) if matches!(host.containers, ContainerWatch::Named(_)) => {
            out.push(probe_failed(host, "containers", problem));
        }
        _ => {}
    }
    match &snapshot.units {
        Section::Ok(units) => unit_findings(host, units, out),
        Section::Failed(problem) | Section::Unavailable(problem) if !host.units.is_empty() => {
            out.push(probe_failed(host, "units", problem));
        }
        _ => {}
    }
    match &snapshot.disks {
        Section::Ok(filesystems) => disk_findings(host, filesystems, out),
        Section::Failed(problem) => out.push(probe_failed(host, "disks", problem)),
        Section::Unavailable(_) => {}
    }
}

fn probe_failed(host: &Host, section: &str, problem: &str) -> Finding {
    Finding {
        kind: FindingKind::ProbeFailed,
        target: Target::Probe {
            host: host.name.clone(),
            section: section.to_string(),
        },
        severity: Severity::Warning,
        summary: format!(
            "cannot read {section} on `{}`: {}",
            host.name,
            problem
                .strip_prefix(&format!("{section}: "))
                .unwrap_or(problem)
        ),
        facts: facts([("problem", problem.to_string())]),
        since: None,
    }
}

fn container_findings(host: &Host, containers: &[Container], out: &mut Vec<Finding>) {
    for c in containers
        .iter()
        .filter(|c| host.containers.watches(&c.name))
    {
        let target = Target::Container {
            host: host.name.clone(),
            name: c.name.clone(),
        };
        let mut evidence = facts([
            ("state", c.state.as_str().to_string()),
            ("status", c.status_text.clone()),
            ("image", c.image.clone()),
            ("restart_count", c.restart_count.to_string()),
        ]);
        if let Some(code) = c.exit_code {
            evidence.insert("exit_code".into(), code.to_string());
        }
        if c.oom_killed {
            evidence.insert("oom_killed".into(), "true".into());
        }
        if let Some(at) = c.finished_at {
            evidence.insert("finished_at".into(), at.to_string());
        }
        if let Some(error) = &c.error {
            evidence.insert("error".into(), error.clone());
        }
        let stopped = match c.state {
            ContainerState::Exited | ContainerState::Dead => {
                c.exit_code.is_some_and(|code| code != 0)
            }
            ContainerState::Restarting => true,
            _ => false,
        };
        if stopped {
            let why = match (c.state.clone(), c.exit_code) {
                (ContainerState::Restarting, _) => "is in a restart loop".to_string(),
                (_, Some(137)) if c.oom_killed => {
                    "was killed by the kernel (out of memory, exit code 137)".to_string()
                }
                (_, Some(code)) => format!("exited with code {code}"),
                (_, None) => "stopped".to_string(),
            };
            out.push(Finding {
                kind: FindingKind::ContainerStopped,
                summary: format!("container `{}` on `{}` {why}", c.name, host.name),
                target,
                severity: Severity::Critical,
                facts: evidence,
                since: c.finished_at,
            });
        } else if c.state == ContainerState::Running && c.health == Some(Health::Unhealthy) {
            if let Some(streak) = c.failing_streak {
                evidence.insert("failing_streak".into(), streak.to_string());
            }
            if let Some(output) = &c.last_health_output {
                evidence.insert("last_health_output".into(), output.clone());
            }
            out.push(Finding {
                kind: FindingKind::ContainerUnhealthy,
                summary: format!(
                    "container `{}` on `{}` is running but its health check fails",
                    c.name, host.name
                ),
                target,
                severity: Severity::Critical,
                facts: evidence,
                since: None,
            });
        }
    }
    if let ContainerWatch::Named(names) = &host.containers {
        for name in names
            .iter()
            .filter(|n| !containers.iter().any(|c| &c.name == *n))
        {
            out.push(Finding {
                kind: FindingKind::ContainerMissing,
                target: Target::Container {
                    host: host.name.clone(),
                    name: name.clone(),
                },
                severity: Severity::Critical,
                summary: format!(
                    "container `{name}` is watched on `{}` but does not exist there",
                    host.name
                ),
                facts: BTreeMap::new(),
                since: None,
            });
        }
    }
}

fn unit_findings(host: &Host, units: &[Unit], out: &mut Vec<Finding>) {
    for name in &host.units {
        let target = Target::Unit {
            host: host.name.clone(),
            name: name.clone(),
        };
        let Some(unit) = units.iter().find(|u| &u.id == name) else {
            continue;
        };
        let evidence = facts([
            ("load_state", unit.load_state.clone()),
            ("active_state", unit.active_state.clone()),
            ("sub_state", unit.sub_state.clone()),
            ("result", unit.result.clone()),
        ]);
        if unit.load_state == "not-found" {
            out.push(Finding {
                kind: FindingKind::UnitMissing,
                target,
                severity: Severity::Warning,
                summary: format!(
                    "unit `{name}` is watched on `{}` but is not installed there",
                    host.name
                ),
                facts: evidence,
                since: None,
            });
        } else if unit.active_state == "failed" {
            out.push(Finding {
                kind: FindingKind::UnitFailed,
                target,
                severity: Severity::Critical,
                summary: format!(
                    "unit `{name}` on `{}` failed (result: {})",
                    host.name, unit.result
                ),
                facts: evidence,
                since: None,
            });
        }
    }
}

fn disk_findings(host: &Host, filesystems: &[Filesystem], out: &mut Vec<Finding>) {
    for fs in filesystems.iter().filter(|fs| !fs.is_pseudo()) {
        let used = fs.used_percent();
        let threshold = host.threshold_for(&fs.mount);
        if used <= threshold {
            continue;
        }
        out.push(Finding {
            kind: FindingKind::DiskAboveThreshold,
            target: Target::Disk {
                host: host.name.clone(),
                mount: fs.mount.clone(),
            },
            severity: Severity::Warning,
            summary: format!(
                "`{}` on `{}` is {used:.1}% full (threshold {threshold}%)",
                fs.mount, host.name
            ),
            facts: facts([
                ("used_percent", format!("{used:.1}")),
                ("threshold_percent", format!("{threshold}")),
                ("available", human_kib(fs.available_kib)),
                ("size", human_kib(fs.total_kib)),
                ("device", fs.device.clone()),
            ]),
            since: None,
        });
    }
}

fn check_finding(check: &HttpCheck, seen: &CheckObservation) -> Option<Finding> {
    let problem = match (&seen.error, seen.status, seen.body_matched) {
        (Some(error), None, _) => format!("no response: {error}"),
        (_, Some(status), _) if status != check.expect_status => {
            format!("answered {status}, expected {}", check.expect_status)
        }
        (_, _, Some(false)) => format!(
            "the body does not contain `{}`",
            check.body_contains.as_deref().unwrap_or_default()
        ),
        (Some(error), Some(_), _) => format!("the response broke off: {error}"),
        _ => return None,
    };
    let mut evidence = facts([("url", check.url.clone()), ("problem", problem.clone())]);
    if let Some(status) = seen.status {
        evidence.insert("status".into(), status.to_string());
    }
    if let Some(ms) = seen.latency_ms {
        evidence.insert("latency_ms".into(), format!("{ms:.0}"));
    }
    if let Some(body) = &seen.body_excerpt {
        evidence.insert("body_excerpt".into(), body.clone());
    }
    Some(Finding {
        kind: FindingKind::CheckFailing,
        target: Target::Check {
            name: check.name.clone(),
        },
        severity: Severity::Critical,
        summary: format!("check `{}` fails: {problem}", check.name),
        facts: evidence,
        since: None,
    })
}

fn facts<const N: usize>(pairs: [(&str, String); N]) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

pub fn human_kib(kib: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = kib as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}
