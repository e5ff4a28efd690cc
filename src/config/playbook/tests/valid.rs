//! Valid playbooks: every step kind in its short and long forms, the defaults, and the
//! model built from them.

use std::collections::BTreeMap;
use std::time::Duration;

use super::*;
use crate::analyze::FindingKind;

const EVERY_KIND: &str = r#"
name: t
description: Every step kind.
risk: medium
triggers:
  - kind: container_stopped
  - kind: container_unhealthy
    facts: {image: "postgres*", oom_killed: true}
params:
  upstream: "{{ host.address }}:8080"
  other: null
steps:
  - container: restart
  - container: {action: stop, name: "{{ params.other }}"}
  - service: {action: reload, unit: nginx.service}
  - service: {action: start, unit: app.service}
  - run: "nginx -t"
  - run: {command: "find {{ facts.dir }} -mindepth 1 -delete", timeout: 2m}
  - backup: /etc/nginx/conf.d/books.conf
  - write: {path: "/etc/app/{{ target.name }}.conf", content: "a\nb\n"}
  - edit: {path: /etc/nginx/conf.d/books.conf, pattern: "proxy_pass http://[^;]+;", replacement: "proxy_pass http://{{ params.upstream }};"}
  - http: {url: "http://{{ host.address }}/health", expect_status: 204, timeout: 5s}
  - http: {url: "http://{{ host.address }}/"}
  - wait: 5s
verify:
  timeout: 90s
  steps:
    - http: {url: "https://books.example.test/"}
    - run: "test -s /etc/nginx/conf.d/books.conf"
    - wait: 1s
rollback:
  - service: {action: reload, unit: nginx.service}
"#;

fn t(source: &str) -> Template {
    Template(source.to_string())
}

#[test]
fn every_step_kind() {
    let playbook = parse_ok(EVERY_KIND.trim_start());
    assert_eq!(playbook.name, "t");
    assert_eq!(playbook.risk, Risk::Medium);
    assert_eq!(
        playbook.triggers,
        [
            Trigger {
                kind: FindingKind::ContainerStopped,
                facts: BTreeMap::new(),
            },
            Trigger {
                kind: FindingKind::ContainerUnhealthy,
                facts: [
                    ("image".to_string(), "postgres*".to_string()),
                    ("oom_killed".to_string(), "true".to_string()),
                ]
                .into(),
            },
        ]
    );
    assert_eq!(
        playbook.params,
        [
            ("other".to_string(), None),
            ("upstream".to_string(), Some(t("{{ host.address }}:8080"))),
        ]
        .into()
    );
    let target = t("{{ target.name }}");
    assert_eq!(
        playbook.steps,
        [
            Step::Container {
                action: ContainerAction::Restart,
                name: target
            },
            Step::Container {
                action: ContainerAction::Stop,
                name: t("{{ params.other }}")
            },
            Step::Service {
                action: ServiceAction::Reload,
                unit: t("nginx.service")
            },
            Step::Service {
                action: ServiceAction::Start,
                unit: t("app.service")
            },
            Step::Run {
                command: t("nginx -t"),
                timeout: DEFAULT_RUN_TIMEOUT
            },
            Step::Run {
                command: t("find {{ facts.dir }} -mindepth 1 -delete"),
                timeout: Duration::from_secs(120),
            },
            Step::Backup {
                path: t("/etc/nginx/conf.d/books.conf")
            },
            Step::Write {
                path: t("/etc/app/{{ target.name }}.conf"),
                content: t("a\nb\n")
            },
            Step::Edit {
                path: t("/etc/nginx/conf.d/books.conf"),
                pattern: "proxy_pass http://[^;]+;".to_string(),
                replacement: t("proxy_pass http://{{ params.upstream }};"),
            },
            Step::Http {
                url: t("http://{{ host.address }}/health"),
                expect_status: 204,
                timeout: Duration::from_secs(5),
            },
            Step::Http {
                url: t("http://{{ host.address }}/"),
                expect_status: 200,
                timeout: DEFAULT_HTTP_TIMEOUT,
            },
            Step::Wait {
                duration: Duration::from_secs(5)
            },
        ]
    );
    assert_eq!(playbook.verify.timeout, Duration::from_secs(90));
    assert_eq!(playbook.verify.steps.len(), 3);
    assert_eq!(
        playbook.rollback,
        [Step::Service {
            action: ServiceAction::Reload,
            unit: t("nginx.service")
        }]
    );
    assert_eq!(playbook.location.to_string(), format!("{FILE}:1:1"));
}

#[test]
fn defaults() {
    let playbook = parse_ok(&format!(
        "{HEAD}triggers: [{{kind: unit_failed}}]\nsteps: [{{service: restart}}]\n"
    ));
    assert_eq!(
        playbook.verify,
        Verify {
            timeout: DEFAULT_VERIFY_TIMEOUT,
            steps: Vec::new()
        }
    );
    assert!(playbook.rollback.is_empty() && playbook.params.is_empty());
    // `.yml` works as well, and the digest follows what the playbook does.
    let same = match parse(
        &format!("{HEAD}triggers: [{{kind: unit_failed}}]\nsteps: [{{service: restart}}]\n"),
        "elsewhere/t.yml",
    ) {
        Ok(p) => p,
        Err(e) => panic!("{e:?}"),
    };
    assert_eq!(same.digest(), playbook.digest());
    let other = parse_ok(&format!(
        "{HEAD}triggers: [{{kind: unit_failed}}]\nsteps: [{{service: reload}}]\n"
    ));
    assert_ne!(other.digest(), playbook.digest());
}
