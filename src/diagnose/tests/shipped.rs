//! The rules shipped in `diagnoses/`: each loads, explains a realistic subject exactly, and
//! leaves a near miss alone. The proxy case gathers its context with `upstream`, as collect
//! will.

use std::path::Path;

use serde_json::json;

use super::*;
use crate::config::playbook;

fn shipped() -> Vec<Rule> {
    match load(Path::new(env!("CARGO_MANIFEST_DIR"))) {
        Ok(rules) => rules,
        Err(problems) => panic!("the shipped rules are invalid: {problems:#?}"),
    }
}

fn shipped_rule(name: &str) -> Rule {
    shipped()
        .into_iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no shipped rule `{name}`"))
}

fn diagnosis(
    rule: &str,
    cause: &str,
    evidence: &[&str],
    confidence: Confidence,
    playbook: Option<&str>,
    params: &[(&str, &str)],
) -> Diagnosis {
    Diagnosis {
        rule: rule.into(),
        cause: cause.into(),
        evidence: evidence.iter().map(|e| e.to_string()).collect(),
        confidence,
        playbook: playbook.map(str::to_owned),
        params: map(params),
    }
}

#[test]
fn the_shipped_rules_load_and_name_existing_playbooks() {
    let rules = shipped();
    let names: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "container-oom",
            "crash-loop-same-error",
            "disk-full",
            "proxy-upstream-mismatch",
            "unit-start-limit"
        ]
    );
    let playbooks = playbook::load(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    // `fix-proxy-upstream` is still to be written.
    let problems: Vec<String> = check_playbooks(&rules, &playbooks)
        .iter()
        .map(ToString::to_string)
        .filter(|p| !p.contains("unknown playbook `fix-proxy-upstream`"))
        .collect();
    assert_eq!(problems, Vec::<String>::new());
}

/// The books site of the roadmap: nginx proxies to the NAS's old address.
const BOOKS_CONF: &str = "server {\n    listen 80;\n    server_name books.example.test;\n    location / {\n        proxy_pass http://192.168.1.20:8083;\n        proxy_set_header Host $host;\n    }\n}\n";

fn books(status: &str, upstream_conf: &str) -> Subject {
    let inspect = json!([{
        "Name": "/calibre",
        "HostConfig": {"PortBindings": {"8083/tcp": [{"HostIp": "", "HostPort": "8083"}]}},
        "NetworkSettings": {"Ports": {"8083/tcp": [{"HostIp": "192.168.1.9", "HostPort": "8083"}]}}
    }]);
    let mut values = map(&[
        ("proxy_file", "/etc/nginx/conf.d/books.conf"),
        ("backend_container", "calibre"),
    ]);
    if let Some(upstream) = upstream::proxy_upstream(upstream_conf, Some("books.example.test")) {
        values.insert("proxy_upstream".into(), upstream);
    }
    if let Some(address) = upstream::published_address(&inspect, Some(8083)) {
        values.insert("backend_address".into(), address);
    }
    Subject {
        kind: FindingKind::CheckFailing,
        target: check("books"),
        facts: map(&[
            ("url", "http://books.example.test/"),
            ("problem", &format!("answered {status}, expected 200")),
            ("status", status),
            ("latency_ms", "4"),
        ]),
        context: Context {
            logs: lines(
                "2024/05/01 10:00:00 [error] 31#31: *7 connect() failed (113: No route to host) while connecting to upstream, client: 10.0.0.2, server: books.example.test, request: \"GET / HTTP/1.1\", upstream: \"http://192.168.1.20:8083/\", host: \"books.example.test\"",
            ),
            values,
        },
    }
}

#[test]
fn proxy_upstream_mismatch() {
    let rules = shipped();
    assert_eq!(
        diagnose(&rules, &books("502", BOOKS_CONF)),
        Some(diagnosis(
            "proxy-upstream-mismatch",
            "the proxy sends books to 192.168.1.20:8083, but `calibre` listens on 192.168.1.9:8083",
            &[
                "check `books` answered 502 for http://books.example.test/",
                "/etc/nginx/conf.d/books.conf proxies to 192.168.1.20:8083",
                "container `calibre` is published on 192.168.1.9:8083",
                "proxy log: 2024/05/01 10:00:00 [error] 31#31: *7 connect() failed (113: No route to host) while connecting to upstream, client: 10.0.0.2, server: books.example.test, request: \"GET / HTTP/1.1\", upstream: \"http://192.168.1.20:8083/\", host: \"books.example.test\"",
            ],
            Confidence::High,
            Some("fix-proxy-upstream"),
            &[
                ("file", "/etc/nginx/conf.d/books.conf"),
                ("upstream", "192.168.1.9:8083")
            ],
        ))
    );
    let fixed = BOOKS_CONF.replace("192.168.1.20", "192.168.1.9");
    assert_eq!(
        diagnose(&rules, &books("502", &fixed)),
        None,
        "same address"
    );
    assert_eq!(
        diagnose(&rules, &books("500", BOOKS_CONF)),
        None,
        "the backend answered"
    );
    let rule = shipped_rule("proxy-upstream-mismatch");
    let mut unknown = books("504", BOOKS_CONF);
    unknown.context.values.remove("backend_address");
    assert_eq!(
        evaluate(&rule, &unknown),
        Err(Mismatch::When),
        "not gathered"
    );
}

fn calibre(facts: &[(&str, &str)], logs: &str) -> Subject {
    let mut all = map(&[
        ("state", "exited"),
        ("image", "lscr.io/linuxserver/calibre-web:0.6.21"),
        ("restart_count", "0"),
        ("finished_at", "2024-05-01T10:00:00Z"),
    ]);
    all.extend(map(facts));
    Subject {
        kind: FindingKind::ContainerStopped,
        target: container("calibre"),
        facts: all,
        context: Context {
            logs: lines(logs),
            values: BTreeMap::new(),
        },
    }
}

#[test]
fn container_oom() {
    let rules = shipped();
    let killed = calibre(
        &[
            ("status", "Exited (137) 2 minutes ago"),
            ("exit_code", "137"),
            ("oom_killed", "true"),
        ],
        "[INFO] Starting Calibre-Web\n[INFO] Converting library",
    );
    assert_eq!(
        diagnose(&rules, &killed),
        Some(diagnosis(
            "container-oom",
            "container `calibre` ran out of memory and the kernel killed it (exit code 137)",
            &["docker reports OOMKilled", "exit code 137 (128 + SIGKILL)"],
            Confidence::High,
            Some("restart-container"),
            &[],
        ))
    );
    let java = calibre(
        &[("exit_code", "137"), ("restart_count", "4")],
        "Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space\n\tat App.load(App.java:12)",
    );
    assert_eq!(
        diagnose(&rules, &java).map(|d| d.evidence),
        Some(vec![
            "exit code 137 (128 + SIGKILL)".to_string(),
            "last log line about it: Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space".into(),
            "restarted 4 times before".into(),
        ])
    );
    let stopped_by_hand = calibre(&[("exit_code", "137")], "[INFO] Stopping on SIGTERM");
    assert_eq!(diagnose(&rules, &stopped_by_hand), None);
    let skilled = calibre(&[("exit_code", "137")], "[INFO] 3 skilled workers ready");
    assert_eq!(diagnose(&rules, &skilled), None, "a word, not `killed`");
}

#[test]
fn crash_loop_same_error() {
    let rules = shipped();
    let looping = calibre(
        &[("exit_code", "1"), ("restart_count", "7")],
        "2024-05-01T10:00:00.000Z [INFO] Starting Calibre-Web\n\
         2024-05-01T10:00:00.500Z [ERROR] unable to open database file: /config/app.db\n\
         2024-05-01T10:00:10.000Z [INFO] Starting Calibre-Web\n\
         2024-05-01T10:00:10.400Z [ERROR] unable to open database file: /config/app.db\n\
         2024-05-01T10:00:30.000Z [INFO] Starting Calibre-Web\n\
         2024-05-01T10:00:30.450Z [ERROR] unable to open database file: /config/app.db",
    );
    assert_eq!(
        diagnose(&rules, &looping),
        Some(diagnosis(
            "crash-loop-same-error",
            "container `calibre` keeps failing with the same error: [ERROR] unable to open database file: /config/app.db",
            &[
                "its last log lines repeat: [ERROR] unable to open database file: /config/app.db",
                "restarted 7 times",
                "last exit code 1",
            ],
            Confidence::Medium,
            None,
            &[],
        ))
    );
    let unit = Subject {
        kind: FindingKind::UnitFailed,
        target: Target::Unit {
            host: "nas".into(),
            name: "backup.service".into(),
        },
        facts: map(&[
            ("load_state", "loaded"),
            ("active_state", "failed"),
            ("sub_state", "failed"),
            ("result", "exit-code"),
        ]),
        context: Context {
            logs: lines(
                "May 01 10:00:01 nas restic[101]: Fatal: unable to open config file: stat /srv/repo/config: no such file or directory\n\
                 May 01 10:00:01 nas systemd[1]: backup.service: Failed with result 'exit-code'.\n\
                 May 01 10:00:07 nas restic[140]: Fatal: unable to open config file: stat /srv/repo/config: no such file or directory\n\
                 May 01 10:00:07 nas systemd[1]: backup.service: Failed with result 'exit-code'.\n\
                 May 01 10:00:13 nas restic[177]: Fatal: unable to open config file: stat /srv/repo/config: no such file or directory\n\
                 May 01 10:00:13 nas systemd[1]: backup.service: Failed with result 'exit-code'.",
            ),
            values: BTreeMap::new(),
        },
    };
    assert_eq!(
        diagnose(&rules, &unit).map(|d| (d.rule, d.cause)),
        Some((
            "crash-loop-same-error".to_string(),
            "unit `backup.service` keeps failing with the same error: Fatal: unable to open config file: stat /srv/repo/config: no such file or directory".to_string()
        ))
    );
    let varied = calibre(
        &[("exit_code", "1")],
        "[ERROR] disk full\n[ERROR] cannot bind :8083\n[ERROR] database locked",
    );
    assert_eq!(diagnose(&rules, &varied), None);
}

fn backup_unit(result: &str, logs: &str) -> Subject {
    Subject {
        kind: FindingKind::UnitFailed,
        target: Target::Unit {
            host: "nas".into(),
            name: "backup.service".into(),
        },
        facts: map(&[
            ("load_state", "loaded"),
            ("active_state", "failed"),
            ("sub_state", "failed"),
            ("result", result),
        ]),
        context: Context {
            logs: lines(logs),
            values: BTreeMap::new(),
        },
    }
}

#[test]
fn unit_start_limit() {
    let rules = shipped();
    assert_eq!(
        diagnose(&rules, &backup_unit("start-limit-hit", "")),
        Some(diagnosis(
            "unit-start-limit",
            "systemd stopped restarting unit `backup.service` on `nas` after it failed too many times in a row",
            &["systemd result: start-limit-hit", "state: failed (failed)"],
            Confidence::High,
            Some("restart-unit"),
            &[],
        ))
    );
    let repeating = backup_unit(
        "start-limit-hit",
        "backup: error: lock held by pid 7\nbackup: error: lock held by pid 7\nbackup: error: lock held by pid 7",
    );
    assert_eq!(
        diagnose(&rules, &repeating).map(|d| (d.rule, d.evidence.last().cloned())),
        Some((
            "unit-start-limit".to_string(),
            Some("its last log lines repeat: backup: error: lock held by pid 7".to_string())
        )),
        "high confidence wins over the crash loop"
    );
    assert_eq!(diagnose(&rules, &backup_unit("exit-code", "")), None);
}

#[test]
fn disk_full() {
    let rules = shipped();
    let full = Subject {
        kind: FindingKind::DiskAboveThreshold,
        target: Target::Disk {
            host: "nas".into(),
            mount: "/srv/media".into(),
        },
        facts: map(&[
            ("used_percent", "93.4"),
            ("threshold_percent", "90"),
            ("available", "3.1 GiB"),
            ("size", "46.9 GiB"),
            ("device", "/dev/sdb1"),
        ]),
        context: Context::default(),
    };
    assert_eq!(
        diagnose(&rules, &full),
        Some(diagnosis(
            "disk-full",
            "`/srv/media` on `nas` is 93.4% full, above its threshold of 90%",
            &["3.1 GiB free of 46.9 GiB", "device /dev/sdb1"],
            Confidence::Medium,
            Some("free-disk-space"),
            &[],
        ))
    );
    let mut odd = full.clone();
    odd.facts.remove("used_percent");
    assert_eq!(diagnose(&rules, &odd), None, "no percentage, no sentence");
    let rule = shipped_rule("disk-full");
    assert_eq!(
        evaluate(&rule, &backup_unit("exit-code", "")),
        Err(Mismatch::Kind {
            found: FindingKind::UnitFailed
        })
    );
}
