//! Table tests for the pure analysis: observations in, findings and incident
//! changes out.

use std::path::Path;
use std::time::Duration;

use jiff::Timestamp;

use super::*;
use crate::collect::probe::{
    Container, ContainerState, Filesystem, Health, HostSnapshot, Section, Unit,
};
use crate::collect::{
    CheckObservation, HostObservation, HostOutcome, Sweep, Unreachable, UnreachableReason,
};
use crate::config::{self, Inventory};

const INVENTORY: &str = r#"
hosts:
  nas:
    address: 10.0.0.1
    containers: all
    units: [nginx, backup.timer]
    disk_threshold: 80
    disks: {/data: 95}
  pi:
    address: 10.0.0.2
    containers: [pihole, unbound]
checks:
  books:
    url: http://books.example.test/
    host: nas
    body_contains: Calibre
"#;

fn inventory() -> Inventory {
    config::parse(INVENTORY, "test.yaml", Path::new("/")).expect("the test inventory is valid")
}

fn container(name: &str, state: ContainerState, exit_code: Option<i64>) -> Container {
    Container {
        id: format!("{name:0>64}"),
        name: name.to_string(),
        image: "busybox".to_string(),
        state,
        status_text: String::new(),
        health: None,
        failing_streak: None,
        last_health_output: None,
        exit_code,
        oom_killed: false,
        restart_count: 0,
        restart_policy: None,
        started_at: None,
        finished_at: None,
        error: None,
        labels: Default::default(),
        inspect: None,
    }
}

fn running(name: &str) -> Container {
    container(name, ContainerState::Running, None)
}

fn unit(id: &str, load: &str, active: &str, result: &str) -> Unit {
    Unit {
        id: id.to_string(),
        load_state: load.to_string(),
        active_state: active.to_string(),
        sub_state: String::new(),
        result: result.to_string(),
        n_restarts: None,
        exec_main_status: None,
        exec_main_code: None,
        active_enter_timestamp: None,
        exec_main_exit_timestamp: None,
        memory_current: None,
    }
}

fn disk(mount: &str, used_percent: u64) -> Filesystem {
    Filesystem {
        device: "/dev/sda1".to_string(),
        fs_type: "ext4".to_string(),
        total_kib: 1000,
        used_kib: used_percent * 10,
        available_kib: 1000 - used_percent * 10,
        mount: mount.to_string(),
    }
}

fn snapshot(containers: Vec<Container>, units: Vec<Unit>, disks: Vec<Filesystem>) -> HostSnapshot {
    HostSnapshot {
        hostname: None,
        containers: Section::Ok(containers),
        units: Section::Ok(units),
        disks: Section::Ok(disks),
        memory: Section::Unavailable("not requested".into()),
        load: Section::Unavailable("not requested".into()),
        uptime_seconds: Section::Unavailable("not requested".into()),
    }
}

fn healthy_nas() -> HostSnapshot {
    snapshot(
        vec![running("calibre")],
        vec![
            unit("nginx.service", "loaded", "active", "success"),
            unit("backup.timer", "loaded", "active", "success"),
        ],
        vec![disk("/", 50), disk("/data", 90)],
    )
}

fn healthy_pi() -> HostSnapshot {
    snapshot(
        vec![running("pihole"), running("unbound")],
        vec![],
        vec![disk("/", 10)],
    )
}

fn reached(host: &str, s: HostSnapshot) -> HostObservation {
    HostObservation {
        host: host.into(),
        observed_at: Timestamp::UNIX_EPOCH,
        duration: Duration::ZERO,
        outcome: HostOutcome::Reached(s),
    }
}

fn unreachable(host: &str, reason: UnreachableReason) -> HostObservation {
    HostObservation {
        host: host.into(),
        observed_at: Timestamp::UNIX_EPOCH,
        duration: Duration::ZERO,
        outcome: HostOutcome::Unreachable(Unreachable {
            reason,
            message: "ssh said no".into(),
        }),
    }
}

fn check(status: Option<u16>, body: Option<bool>, error: Option<&str>) -> CheckObservation {
    CheckObservation {
        check: "books".into(),
        observed_at: Timestamp::UNIX_EPOCH,
        status,
        latency_ms: Some(12.0),
        body_matched: body,
        body_excerpt: None,
        error: error.map(String::from),
    }
}

fn sweep(nas: HostObservation, pi: HostObservation, books: CheckObservation) -> Sweep {
    Sweep {
        started_at: Timestamp::UNIX_EPOCH,
        finished_at: Timestamp::UNIX_EPOCH,
        hosts: vec![nas, pi],
        checks: vec![books],
        files: vec![],
    }
}

fn healthy() -> Sweep {
    sweep(
        reached("nas", healthy_nas()),
        reached("pi", healthy_pi()),
        check(Some(200), Some(true), None),
    )
}

fn fingerprints(s: &Sweep) -> Vec<String> {
    findings(&inventory(), s)
        .iter()
        .map(Finding::fingerprint)
        .collect()
}

#[test]
fn a_healthy_sweep_has_no_findings() {
    assert_eq!(fingerprints(&healthy()), Vec::<String>::new());
}

#[test]
fn container_rules() {
    let mut oom = container("calibre", ContainerState::Exited, Some(137));
    oom.oom_killed = true;
    let mut unhealthy = running("calibre");
    unhealthy.health = Some(Health::Unhealthy);
    let mut starting = running("calibre");
    starting.health = Some(Health::Starting);
    let cases: Vec<(&str, Container, Vec<&str>)> = vec![
        (
            "exit 1 is a stop",
            container("calibre", ContainerState::Exited, Some(1)),
            vec!["container_stopped:nas/container/calibre"],
        ),
        (
            "docker kill is a stop",
            container("calibre", ContainerState::Exited, Some(137)),
            vec!["container_stopped:nas/container/calibre"],
        ),
        (
            "exit 0 is deliberate",
            container("calibre", ContainerState::Exited, Some(0)),
            vec![],
        ),
        (
            "a restart loop",
            container("calibre", ContainerState::Restarting, None),
            vec!["container_stopped:nas/container/calibre"],
        ),
        (
            "dead with a code",
            container("calibre", ContainerState::Dead, Some(2)),
            vec!["container_stopped:nas/container/calibre"],
        ),
        (
            "created, never started",
            container("calibre", ContainerState::Created, None),
            vec![],
        ),
        ("oom", oom, vec!["container_stopped:nas/container/calibre"]),
        (
            "unhealthy",
            unhealthy,
            vec!["container_unhealthy:nas/container/calibre"],
        ),
        ("health starting", starting, vec![]),
    ];
    for (name, c, expected) in cases {
        let mut nas = healthy_nas();
        nas.containers = Section::Ok(vec![c]);
        let s = sweep(
            reached("nas", nas),
            reached("pi", healthy_pi()),
            check(Some(200), Some(true), None),
        );
        assert_eq!(fingerprints(&s), expected, "{name}");
    }
}

#[test]
fn summaries_name_the_thing_and_the_cause() {
    let mut oom = container("calibre", ContainerState::Exited, Some(137));
    oom.oom_killed = true;
    let mut nas = healthy_nas();
    nas.containers = Section::Ok(vec![oom]);
    let s = sweep(
        reached("nas", nas),
        reached("pi", healthy_pi()),
        check(Some(200), Some(true), None),
    );
    let found = findings(&inventory(), &s);
    assert_eq!(
        found[0].summary,
        "container `calibre` on `nas` was killed by the kernel (out of memory, exit code 137)"
    );
    assert_eq!(found[0].facts["exit_code"], "137");
    assert_eq!(found[0].facts["oom_killed"], "true");
}

#[test]
fn named_containers_only_and_missing_ones() {
    let mut pi = healthy_pi();
    pi.containers = Section::Ok(vec![
        running("pihole"),
        container("other", ContainerState::Exited, Some(1)),
    ]);
    let s = sweep(
        reached("nas", healthy_nas()),
        reached("pi", pi),
        check(Some(200), Some(true), None),
    );
    assert_eq!(
        fingerprints(&s),
        vec!["container_missing:pi/container/unbound"]
    );
}

#[test]
fn host_rules() {
    let cases = [
        (UnreachableReason::ConnectionRefused, "host_unreachable:nas"),
        (UnreachableReason::TimedOut, "host_unreachable:nas"),
        (UnreachableReason::HostKeyRejected, "host_key_rejected:nas"),
    ];
    for (reason, expected) in cases {
        let s = sweep(
            unreachable("nas", reason),
            reached("pi", healthy_pi()),
            check(Some(200), Some(true), None),
        );
        assert_eq!(fingerprints(&s), vec![expected], "{reason:?}");
    }
}

#[test]
fn unit_rules() {
    let cases = [
        (
            unit("nginx.service", "loaded", "failed", "exit-code"),
            vec!["unit_failed:nas/unit/nginx.service"],
        ),
        (
            unit("nginx.service", "not-found", "inactive", "success"),
            vec!["unit_missing:nas/unit/nginx.service"],
        ),
        (
            unit("nginx.service", "loaded", "inactive", "success"),
            vec![],
        ),
        (
            unit("nginx.service", "loaded", "activating", "success"),
            vec![],
        ),
    ];
    for (u, expected) in cases {
        let mut nas = healthy_nas();
        nas.units = Section::Ok(vec![
            u.clone(),
            unit("backup.timer", "loaded", "active", "success"),
        ]);
        let s = sweep(
            reached("nas", nas),
            reached("pi", healthy_pi()),
            check(Some(200), Some(true), None),
        );
        assert_eq!(fingerprints(&s), expected, "{u:?}");
    }
}

#[test]
fn disk_rules_use_the_mount_override() {
    let cases = [
        (vec![disk("/", 81)], vec!["disk_above_threshold:nas/disk//"]),
        (vec![disk("/", 80)], vec![]),
        (vec![disk("/data", 94)], vec![]),
        (
            vec![disk("/data", 96)],
            vec!["disk_above_threshold:nas/disk//data"],
        ),
        (
            vec![Filesystem {
                fs_type: "tmpfs".into(),
                ..disk("/run", 99)
            }],
            vec![],
        ),
    ];
    for (disks, expected) in cases {
        let mut nas = healthy_nas();
        nas.disks = Section::Ok(disks);
        let s = sweep(
            reached("nas", nas),
            reached("pi", healthy_pi()),
            check(Some(200), Some(true), None),
        );
        assert_eq!(fingerprints(&s), expected);
    }
}

#[test]
fn probe_sections_that_fail_are_findings_and_missing_tools_are_not() {
    let mut nas = healthy_nas();
    nas.containers = Section::Failed("containers: docker ps printed garbage".into());
    nas.units = Section::Unavailable("systemd is not running".into());
    let mut pi = healthy_pi();
    pi.containers = Section::Unavailable("docker is not installed".into());
    let s = sweep(
        reached("nas", nas),
        reached("pi", pi),
        check(Some(200), Some(true), None),
    );
    assert_eq!(
        fingerprints(&s),
        vec![
            "probe_failed:nas/probe/containers",
            "probe_failed:nas/probe/units",
            "probe_failed:pi/probe/containers"
        ]
    );
}

#[test]
fn check_rules() {
    let cases = [
        (
            check(Some(502), Some(false), None),
            "check `books` fails: answered 502, expected 200",
        ),
        (
            check(None, None, Some("connection refused")),
            "check `books` fails: no response: connection refused",
        ),
        (
            check(Some(200), Some(false), None),
            "check `books` fails: the body does not contain `Calibre`",
        ),
    ];
    for (observation, summary) in cases {
        let s = sweep(
            reached("nas", healthy_nas()),
            reached("pi", healthy_pi()),
            observation,
        );
        let found = findings(&inventory(), &s);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].summary, summary);
    }
}

fn stopped_calibre() -> Sweep {
    let mut nas = healthy_nas();
    nas.containers = Section::Ok(vec![container("calibre", ContainerState::Exited, Some(1))]);
    sweep(
        reached("nas", nas),
        reached("pi", healthy_pi()),
        check(Some(200), Some(true), None),
    )
}

fn open_calibre() -> OpenIncident {
    OpenIncident {
        id: 7,
        fingerprint: "container_stopped:nas/container/calibre".into(),
        kind: FindingKind::ContainerStopped,
        target: Target::Container {
            host: "nas".into(),
            name: "calibre".into(),
        },
    }
}

#[test]
fn a_new_finding_opens_and_a_persisting_one_updates() {
    let inv = inventory();
    let s = stopped_calibre();
    let first = analyze(&inv, &s, &[], &History::default(), vec![]);
    assert_eq!(first.changes.opened.len(), 1);
    let again = analyze(&inv, &s, &[open_calibre()], &History::default(), vec![]);
    assert!(again.changes.opened.is_empty());
    assert_eq!(again.changes.persisting.len(), 1);
    assert_eq!(again.changes.persisting[0].0, 7);
    assert!(again.changes.resolved.is_empty());
}

#[test]
fn resolution_needs_a_look_at_the_target() {
    let inv = inventory();
    let cases = [
        (
            "healthy again",
            healthy(),
            Some("the container is healthy again"),
        ),
        (
            "host unreachable: unknown, stays open",
            sweep(
                unreachable("nas", UnreachableReason::TimedOut),
                reached("pi", healthy_pi()),
                check(Some(200), Some(true), None),
            ),
            None,
        ),
        (
            "containers unreadable: unknown, stays open",
            {
                let mut nas = healthy_nas();
                nas.containers = Section::Failed("containers: timed out after 10s".into());
                sweep(
                    reached("nas", nas),
                    reached("pi", healthy_pi()),
                    check(Some(200), Some(true), None),
                )
            },
            None,
        ),
        (
            "container removed",
            {
                let mut nas = healthy_nas();
                nas.containers = Section::Ok(vec![]);
                sweep(
                    reached("nas", nas),
                    reached("pi", healthy_pi()),
                    check(Some(200), Some(true), None),
                )
            },
            Some("the container no longer exists"),
        ),
    ];
    for (name, s, expected) in cases {
        let changes = analyze(&inv, &s, &[open_calibre()], &healthy_once(), vec![]).changes;
        assert_eq!(
            changes.resolved.first().map(|r| r.reason.as_str()),
            expected,
            "{name}"
        );
        assert!(changes.persisting.is_empty(), "{name}");
    }
}

#[test]
fn an_incident_whose_host_left_the_inventory_resolves() {
    let inv = config::parse(
        "hosts:\n  pi:\n    containers: [pihole, unbound]\n",
        "t.yaml",
        Path::new("/"),
    )
    .expect("valid");
    let s = Sweep {
        started_at: Timestamp::UNIX_EPOCH,
        finished_at: Timestamp::UNIX_EPOCH,
        hosts: vec![reached("pi", healthy_pi())],
        checks: vec![],
        files: vec![],
    };
    let changes = analyze(&inv, &s, &[open_calibre()], &healthy_once(), vec![]).changes;
    assert_eq!(
        changes.resolved[0].reason,
        "host `nas` is no longer in the inventory"
    );
}

/// The open calibre incident was seen healthy once already, so one more
/// healthy sweep resolves it (the default `resolve_after` is 2).
fn healthy_once() -> History {
    let mut history = History::default();
    history.streaks.insert(
        "container_stopped:nas/container/calibre".into(),
        Streak {
            failing: 0,
            healthy: 1,
        },
    );
    history
}

mod correlation;
