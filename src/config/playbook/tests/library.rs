//! The shipped library (`playbooks/`): every file loads, and `select` picks the expected
//! playbook for sample findings; plus the precedence rules on made-up playbooks.

use std::collections::BTreeMap;
use std::path::Path;

use super::*;

/// A finding (kind, target, facts) and the playbook `select` should pick for it.
type Case = (
    FindingKind,
    Target,
    BTreeMap<String, String>,
    Option<&'static str>,
);
use crate::act::render::{RenderContext, render};
use crate::analyze::{FindingKind, Target};

fn library() -> Vec<Playbook> {
    match load(Path::new(env!("CARGO_MANIFEST_DIR"))) {
        Ok(playbooks) => playbooks,
        Err(problems) => panic!("the shipped playbooks have problems: {problems:#?}"),
    }
}

fn facts(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn container(name: &str) -> Target {
    Target::Container {
        host: "nas".into(),
        name: name.into(),
    }
}

fn unit(name: &str) -> Target {
    Target::Unit {
        host: "web".into(),
        name: name.into(),
    }
}

#[test]
fn every_shipped_playbook_loads_sorted_by_name() {
    let names: Vec<String> = library().into_iter().map(|p| p.name).collect();
    assert_eq!(
        names,
        [
            "clear-cache",
            "fix-proxy-upstream",
            "free-disk-space",
            "reload-nginx",
            "restart-container",
            "restart-database",
            "restart-unit",
        ]
    );
    let risks: Vec<Risk> = library().into_iter().map(|p| p.risk).collect();
    assert_eq!(
        risks,
        [
            Risk::Low,
            Risk::Medium,
            Risk::Medium,
            Risk::Low,
            Risk::Low,
            Risk::High,
            Risk::Low
        ]
    );
}

#[test]
fn select_picks_the_expected_playbook_for_sample_findings() {
    let library = library();
    let container_facts = |image: &str| {
        facts(&[
            ("image", image),
            ("state", "exited"),
            ("exit_code", "1"),
            ("status", "Exited (1)"),
        ])
    };
    let unit_facts = facts(&[
        ("load_state", "loaded"),
        ("active_state", "failed"),
        ("sub_state", "failed"),
        ("result", "exit-code"),
    ]);
    let disk_facts = facts(&[
        ("used_percent", "93.5"),
        ("threshold_percent", "90"),
        ("device", "/dev/sda1"),
    ]);
    let cases: Vec<Case> = vec![
        (
            FindingKind::ContainerStopped,
            container("calibre"),
            container_facts("linuxserver/calibre-web:latest"),
            Some("restart-container"),
        ),
        (
            FindingKind::ContainerUnhealthy,
            container("calibre"),
            container_facts("calibre"),
            Some("restart-container"),
        ),
        (
            FindingKind::ContainerStopped,
            container("db"),
            container_facts("postgres:16"),
            Some("restart-database"),
        ),
        (
            FindingKind::ContainerUnhealthy,
            container("db"),
            container_facts("docker.io/library/postgres:16-alpine"),
            Some("restart-database"),
        ),
        (
            FindingKind::ContainerStopped,
            container("db"),
            container_facts("mariadb:11"),
            Some("restart-database"),
        ),
        (
            FindingKind::ContainerStopped,
            container("db"),
            container_facts("mysql:8"),
            Some("restart-database"),
        ),
        (
            FindingKind::UnitFailed,
            unit("nginx.service"),
            unit_facts.clone(),
            Some("reload-nginx"),
        ),
        (
            FindingKind::UnitFailed,
            unit("sshd.service"),
            unit_facts.clone(),
            Some("restart-unit"),
        ),
        (
            FindingKind::DiskAboveThreshold,
            Target::Disk {
                host: "nas".into(),
                mount: "/".into(),
            },
            disk_facts,
            Some("free-disk-space"),
        ),
        (
            FindingKind::ContainerMissing,
            container("gone"),
            BTreeMap::new(),
            None,
        ),
        (
            FindingKind::UnitMissing,
            unit("nginx.service"),
            unit_facts,
            None,
        ),
        (
            FindingKind::CheckFailing,
            Target::Check {
                name: "books".into(),
            },
            facts(&[("status", "502")]),
            None,
        ),
        (
            FindingKind::HostUnreachable,
            Target::Host { host: "nas".into() },
            BTreeMap::new(),
            None,
        ),
    ];
    for (kind, target, facts, expected) in cases {
        let chosen = select_for(&library, kind, &target, &facts).map(|p| p.name.as_str());
        assert_eq!(chosen, expected, "{kind} on {target}");
    }
    // clear-cache remedies full disks, but only when someone names the directory.
    let disk = Target::Disk {
        host: "nas".into(),
        mount: "/".into(),
    };
    let names: Vec<&str> = candidates(
        &library,
        FindingKind::DiskAboveThreshold,
        &subject_facts(&disk, &BTreeMap::new()),
    )
    .into_iter()
    .map(|p| p.name.as_str())
    .collect();
    assert_eq!(names, ["clear-cache", "free-disk-space"]);
}

#[test]
fn shipped_playbooks_render_for_their_findings() {
    let library = library();
    let ctx = |target: Target, params: &[(&str, &str)]| RenderContext {
        target,
        host_name: Some("nas".into()),
        host_address: Some("10.0.0.5".into()),
        incident_id: 7,
        incident_kind: "x".into(),
        incident_summary: "x".into(),
        facts: BTreeMap::new(),
        params: facts(params),
    };
    let shown = |name: &str, ctx: RenderContext| -> Vec<String> {
        let playbook = library.iter().find(|p| p.name == name).expect("playbook");
        match render(playbook, &ctx) {
            Ok(r) => r
                .steps
                .iter()
                .chain(&r.verify)
                .map(|s| s.describe())
                .collect(),
            Err(e) => panic!("{name}: {e}"),
        }
    };
    assert_eq!(
        shown("restart-container", ctx(container("my app"), &[])),
        ["docker restart -- 'my app'"]
    );
    assert_eq!(
        shown("reload-nginx", ctx(unit("nginx.service"), &[])),
        [
            "nginx -t",
            "systemctl reload-or-restart -- nginx.service",
            "systemctl is-active --quiet -- nginx.service",
        ]
    );
    let disk = Target::Disk {
        host: "nas".into(),
        mount: "/".into(),
    };
    let steps = shown(
        "clear-cache",
        ctx(disk.clone(), &[("dir", "/var/cache/my app")]),
    );
    assert!(
        steps[0].starts_with("dir='/var/cache/my app'\n"),
        "{steps:?}"
    );
    assert_eq!(shown("free-disk-space", ctx(disk, &[])).len(), 2);
}

#[test]
fn clear_cache_refuses_what_is_not_a_cache() {
    let library = library();
    let playbook = library
        .iter()
        .find(|p| p.name == "clear-cache")
        .expect("clear-cache");
    let root = tempfile::tempdir().expect("tempdir");
    let cache = root.path().join("app/cache");
    std::fs::create_dir_all(cache.join("sub")).expect("mkdir");
    std::fs::write(cache.join("sub/blob"), "x").expect("write");
    std::fs::write(cache.join(".hidden"), "x").expect("write");
    let keep = root.path().join("app/data");
    std::fs::create_dir_all(&keep).expect("mkdir");
    std::fs::write(keep.join("db"), "x").expect("write");
    let run = |dir: &Path| {
        let ctx = RenderContext {
            target: Target::Disk {
                host: "nas".into(),
                mount: "/".into(),
            },
            host_name: None,
            host_address: None,
            incident_id: 1,
            incident_kind: "disk_above_threshold".into(),
            incident_summary: "full".into(),
            facts: BTreeMap::new(),
            params: facts(&[("dir", &dir.display().to_string())]),
        };
        let rendered = render(playbook, &ctx).expect("render");
        let Some(Ok(script)) = rendered.steps[0].host_command() else {
            panic!("no command");
        };
        std::process::Command::new("/bin/sh")
            .args(["-c", &script])
            .status()
            .expect("sh")
    };
    assert!(!run(&keep).success());
    assert!(!run(&cache.join("../data")).success());
    assert!(keep.join("db").exists());
    assert!(run(&cache).success());
    assert!(cache.exists());
    assert_eq!(std::fs::read_dir(&cache).expect("list").count(), 0);
}

#[test]
fn the_most_specific_trigger_wins_then_the_name() {
    let make = |name: &str, triggers: &str| {
        let text = format!(
            "name: {name}\ndescription: d\nrisk: low\ntriggers:\n{triggers}steps: [{{container: restart}}]\n"
        );
        match parse(&text, &format!("{name}.yaml")) {
            Ok(p) => p,
            Err(e) => panic!("{e:?}"),
        }
    };
    let playbooks = vec![
        make("a-generic", "  - kind: container_stopped\n"),
        make(
            "b-one",
            "  - kind: container_stopped\n    facts: {image: \"postgres*\"}\n",
        ),
        make(
            "c-two",
            "  - kind: container_stopped\n    facts: {image: \"postgres*\", oom_killed: \"true\"}\n  - kind: container_unhealthy\n",
        ),
        make(
            "d-one",
            "  - kind: container_stopped\n    facts: {exit_code: \"13?\"}\n",
        ),
        make(
            "e-two-other",
            "  - kind: container_stopped\n    facts: {image: \"mysql*\", oom_killed: \"true\"}\n",
        ),
    ];
    let pick = |kind: FindingKind, pairs: &[(&str, &str)]| {
        select(&playbooks, kind, &facts(pairs)).map(|p| p.name.clone())
    };
    let stopped = FindingKind::ContainerStopped;
    assert_eq!(
        pick(stopped, &[("image", "nginx")]).as_deref(),
        Some("a-generic")
    );
    assert_eq!(
        pick(stopped, &[("image", "postgres:16")]).as_deref(),
        Some("b-one")
    );
    assert_eq!(
        pick(stopped, &[("image", "postgres:16"), ("oom_killed", "true")]).as_deref(),
        Some("c-two")
    );
    // b-one and d-one both have one condition: the name decides.
    assert_eq!(
        pick(stopped, &[("image", "postgres:16"), ("exit_code", "137")]).as_deref(),
        Some("b-one")
    );
    assert_eq!(
        pick(stopped, &[("image", "redis"), ("exit_code", "137")]).as_deref(),
        Some("d-one")
    );
    // A condition on a fact the finding does not have never matches.
    assert_eq!(
        pick(stopped, &[("exit_code", "1")]).as_deref(),
        Some("a-generic")
    );
    // c-two's fact-less unhealthy trigger counts as zero conditions.
    assert_eq!(
        pick(FindingKind::ContainerUnhealthy, &[("image", "postgres")]).as_deref(),
        Some("c-two")
    );
    assert_eq!(pick(FindingKind::UnitFailed, &[]), None);
    let trigger = &playbooks[1].triggers[0];
    assert!(trigger.accepts(stopped, &facts(&[("image", "postgres:16")])));
}
