//! Matching one rule (`evaluate`, with the reason it does not match), choosing among several
//! (`diagnose`), and rendering: undefined values, blank output, no quoting.

use super::*;

/// A rule named `name` (file `diagnoses/NAME.yaml`) from its `match` block and the rest.
fn rule(name: &str, conditions: &str, rest: &str) -> Rule {
    let text = format!("name: {name}\ndescription: d\nmatch:\n{conditions}{rest}");
    parse_named(&text, &format!("diagnoses/{name}.yaml"))
}

fn simple(conditions: &str, cause: &str) -> Rule {
    rule(
        "t",
        conditions,
        &format!("cause: {cause:?}\nconfidence: low\n"),
    )
}

fn stopped(facts: &[(&str, &str)]) -> Subject {
    subject(FindingKind::ContainerStopped, container("calibre"), facts)
}

fn cause_of(rule: &Rule, subject: &Subject) -> Result<String, Mismatch> {
    evaluate(rule, subject).map(|d| d.cause)
}

#[test]
fn conditions_and_why_they_fail() {
    let r = simple(
        "  kind: container_stopped\n  facts: {exit_code: '13?', target.name: 'cal*'}\n  logs: '(?i)killed'\n",
        "matched",
    );
    let mut s = stopped(&[("exit_code", "137")]);
    s.context.logs = lines("starting\nsh: line 1: 7 Killed java -jar app.jar");
    assert_eq!(cause_of(&r, &s), Ok("matched".into()));

    let cases: Vec<(&str, Subject, Mismatch)> = vec![
        (
            "another kind",
            subject(FindingKind::UnitFailed, container("calibre"), &[]),
            Mismatch::Kind {
                found: FindingKind::UnitFailed,
            },
        ),
        (
            "no such fact",
            stopped(&[]),
            Mismatch::MissingFact {
                name: "exit_code".into(),
            },
        ),
        (
            "a fact that does not match its glob",
            stopped(&[("exit_code", "1")]),
            Mismatch::Fact {
                name: "exit_code".into(),
                value: "1".into(),
                glob: "13?".into(),
            },
        ),
        (
            "the target's name",
            Subject {
                target: container("jellyfin"),
                ..s.clone()
            },
            Mismatch::Fact {
                name: "target.name".into(),
                value: "jellyfin".into(),
                glob: "cal*".into(),
            },
        ),
        (
            "no log line matches",
            Subject {
                context: Context::default(),
                ..s.clone()
            },
            Mismatch::Logs {
                pattern: "(?i)killed".into(),
            },
        ),
    ];
    for (case, subject, expected) in cases {
        assert_eq!(cause_of(&r, &subject), Err(expected), "case `{case}`");
    }
    assert_eq!(
        Mismatch::Fact {
            name: "exit_code".into(),
            value: "1".into(),
            glob: "13?".into()
        }
        .to_string(),
        "fact `exit_code` is `1`, which does not match `13?`"
    );
}

#[test]
fn a_rule_may_cover_several_kinds() {
    let r = simple(
        "  kind: [container_stopped, unit_failed]\n",
        "{{ target.kind }}",
    );
    let unit = Target::Unit {
        host: "nas".into(),
        name: "backup.service".into(),
    };
    assert_eq!(cause_of(&r, &stopped(&[])), Ok("container".into()));
    let failed = subject(FindingKind::UnitFailed, unit, &[]);
    assert_eq!(cause_of(&r, &failed), Ok("unit".into()));
}

#[test]
fn undefined_values_in_when_are_falsy() {
    let mut s = stopped(&[("state", "exited")]);
    s.context.values = map(&[("proxy_upstream", "10.0.0.5:8080")]);
    let cases: &[(&str, bool)] = &[
        ("context.proxy_upstream", true),
        ("context.backend_address", false),
        ("not context.backend_address", true),
        ("context.backend_address == '10.0.0.5:8080'", false),
        // Unequal to any string: guard comparisons with `context.x and ...`.
        ("context.backend_address != '10.0.0.5:8080'", true),
        (
            "context.backend_address and context.backend_address != context.proxy_upstream",
            false,
        ),
        ("context.a.b.c", false),
        ("facts.oom_killed == 'true'", false),
        ("facts.state == 'exited'", true),
        ("facts.missing in ['a', 'b']", false),
        ("logs | search('x')", false),
        ("repeated_error", false),
        ("target.name == 'calibre' and target.host == 'nas'", true),
    ];
    for (when, expected) in cases {
        let r = simple(
            &format!("  kind: container_stopped\n  when: {when:?}\n"),
            "c",
        );
        let found = evaluate(&r, &s);
        match expected {
            true => assert!(found.is_ok(), "`{when}`: {found:?}"),
            false => assert_eq!(found, Err(Mismatch::When), "`{when}`"),
        }
    }
    let checked = subject(FindingKind::CheckFailing, check("books"), &[]);
    let r = simple("  kind: check_failing\n  when: target.host\n", "c");
    assert_eq!(
        evaluate(&r, &checked),
        Err(Mismatch::When),
        "checks have no host"
    );
}

#[test]
fn a_when_that_fails_is_no_match() {
    let r = simple(
        "  kind: container_stopped\n  when: facts.restart_count | int > 3\n",
        "c",
    );
    assert!(evaluate(&r, &stopped(&[("restart_count", "5")])).is_ok());
    let found = evaluate(&r, &stopped(&[("restart_count", "many")]));
    assert!(
        matches!(&found, Err(Mismatch::WhenFailed { message }) if message.contains("invalid operation")),
        "{found:?}"
    );
    let r = simple(
        "  kind: container_stopped\n  when: logs | search(facts.pattern)\n",
        "c",
    );
    let found = evaluate(&r, &stopped(&[("pattern", "(")]));
    assert_eq!(
        found,
        Err(Mismatch::WhenFailed {
            message: "invalid operation: invalid regex `(`: unclosed group".into()
        })
    );
}

#[test]
fn templates_are_strict_and_never_give_an_empty_cause() {
    let s = stopped(&[("exit_code", "1")]);
    let r = rule(
        "t",
        "  kind: container_stopped\n",
        "cause: 'exited with {{ facts.exit_code }} on {{ context.proxy_file }}'\nconfidence: low\n",
    );
    let found = evaluate(&r, &s);
    assert!(
        matches!(&found, Err(Mismatch::Render { field, message }) if field == "cause" && message.starts_with("undefined value")),
        "{found:?}"
    );
    let checked = subject(FindingKind::CheckFailing, check("books"), &[]);
    let r = rule(
        "t",
        "  kind: check_failing\n",
        "cause: 'on {{ target.host }}'\nconfidence: low\n",
    );
    assert!(matches!(
        evaluate(&r, &checked),
        Err(Mismatch::Render { .. })
    ));

    let r = rule(
        "t",
        "  kind: container_stopped\n",
        "cause: \"{% if facts.oom_killed is defined %}oom{% endif %}\"\nconfidence: low\n",
    );
    assert_eq!(
        evaluate(&r, &s),
        Err(Mismatch::Empty {
            field: "cause".into()
        })
    );
    let r = rule(
        "t",
        "  kind: container_stopped\n",
        "cause: c\nconfidence: low\nplaybook: p\nparams:\n  grace: \"  {{ facts.exit_code if false else '' }} \"\n",
    );
    assert_eq!(
        evaluate(&r, &s),
        Err(Mismatch::Empty {
            field: "params.grace".into()
        })
    );
    let r = rule(
        "t",
        "  kind: container_stopped\n",
        "cause: c\nconfidence: low\nevidence:\n  - \"{{ facts.missing }}\"\n",
    );
    assert_eq!(
        evaluate(&r, &s).map_err(|e| e.to_string()),
        Err("cannot render `evidence[0]`: undefined value: `facts.missing` is undefined".into())
    );
}

#[test]
fn sentences_are_one_line_and_values_are_not_quoted() {
    let mut s = subject(
        FindingKind::CheckFailing,
        check("books"),
        &[
            ("status", "502"),
            ("body_excerpt", "<h1>502 Bad Gateway</h1>"),
        ],
    );
    s.context.values = map(&[
        (
            "proxy_file",
            "/etc/nginx/conf.d/it's here; rm -rf $HOME.conf",
        ),
        ("upstream", "10.0.0.5:8080"),
    ]);
    let r = rule(
        "t",
        "  kind: check_failing\n",
        "cause: |\n  the proxy\n     in {{ context.proxy_file }}\n\n  answered {{ facts.body_excerpt }}\nevidence:\n  - \"{% if facts.latency_ms is defined %}slow{% endif %}\"\n  - '  \"{{ context.upstream }}\"  '\nconfidence: medium\nplaybook: fix\nparams:\n  file: \"{{ context.proxy_file }}\"\n  upstream: \" {{ context.upstream }}\\n\"\n",
    );
    let found = evaluate(&r, &s);
    let expected = Diagnosis {
        rule: "t".into(),
        cause: "the proxy in /etc/nginx/conf.d/it's here; rm -rf $HOME.conf answered <h1>502 Bad Gateway</h1>".into(),
        evidence: vec!["\"10.0.0.5:8080\"".into()],
        confidence: Confidence::Medium,
        playbook: Some("fix".into()),
        params: map(&[
            ("file", "/etc/nginx/conf.d/it's here; rm -rf $HOME.conf"),
            ("upstream", "10.0.0.5:8080"),
        ]),
    };
    assert_eq!(found, Ok(expected));
}

#[test]
fn the_search_filter() {
    let mut s = stopped(&[("error", "mkdir /data: permission denied")]);
    s.context.logs = lines("OOM killer invoked\nstarting\nKilled process 42\nstarting");
    let cases: &[(&str, &str)] = &[
        ("{{ logs | search('(?i)kill') }}", "Killed process 42"),
        ("[{{ logs | search('nothing') }}]", "[]"),
        (
            "{{ facts.error | search('denied$') }}",
            "mkdir /data: permission denied",
        ),
        ("[{{ facts.error | search('^denied') }}]", "[]"),
    ];
    for (cause, expected) in cases {
        let r = simple("  kind: container_stopped\n", cause);
        assert_eq!(cause_of(&r, &s).as_deref(), Ok(*expected), "`{cause}`");
    }
    let r = simple(
        "  kind: container_stopped\n",
        "{{ facts.nope | search('x') }}",
    );
    assert!(matches!(cause_of(&r, &s), Err(Mismatch::Render { .. })));
}

#[test]
fn repeated_errors_are_a_variable() {
    let r = simple(
        "  kind: container_stopped\n  when: repeated_error\n",
        "keeps failing with: {{ repeated_error }}",
    );
    let mut s = stopped(&[]);
    s.context.logs = lines(
        "2024-05-01T10:00:00Z listening\n2024-05-01T10:00:01Z Error: EACCES /config\n\
         2024-05-01T10:00:05Z listening\n2024-05-01T10:00:06Z Error: EACCES /config\n\
         2024-05-01T10:00:10Z listening\n2024-05-01T10:00:11Z Error: EACCES /config",
    );
    assert_eq!(
        cause_of(&r, &s),
        Ok("keeps failing with: Error: EACCES /config".into())
    );
    s.context.logs.truncate(4);
    assert_eq!(cause_of(&r, &s), Err(Mismatch::When));
}

#[test]
fn the_best_rule_wins() {
    let make = |name: &str, confidence: &str, conditions: &str| {
        rule(
            name,
            &format!("  kind: container_stopped\n{conditions}"),
            &format!("cause: {name}\nconfidence: {confidence}\n"),
        )
    };
    let s = stopped(&[("exit_code", "137"), ("image", "postgres:16")]);
    let winner = |rules: &[Rule]| diagnose(rules, &s).map(|d| d.rule);
    let low_specific = make(
        "a-low",
        "low",
        "  facts: {exit_code: '137', image: 'postgres*'}\n  when: 'true'\n",
    );
    let medium = make("b-medium", "medium", "");
    let medium_specific = make("c-medium", "medium", "  facts: {exit_code: '137'}\n");
    let medium_same = make("a-medium", "medium", "  facts: {image: 'post*'}\n");
    let high_broken = rule(
        "d-high",
        "  kind: container_stopped\n",
        "cause: '{{ context.nothing }}'\nconfidence: high\n",
    );
    let other_kind = rule(
        "e-high",
        "  kind: unit_failed\n",
        "cause: unit\nconfidence: high\n",
    );
    assert_eq!(
        winner(&[low_specific.clone(), medium.clone()]).as_deref(),
        Some("b-medium"),
        "confidence first"
    );
    assert_eq!(
        winner(&[medium.clone(), medium_specific.clone()]).as_deref(),
        Some("c-medium"),
        "then the most conditions"
    );
    assert_eq!(
        winner(&[medium_specific.clone(), medium_same.clone()]).as_deref(),
        Some("a-medium"),
        "then the first name"
    );
    assert_eq!(
        winner(&[
            high_broken.clone(),
            other_kind.clone(),
            medium.clone(),
            low_specific.clone()
        ])
        .as_deref(),
        Some("b-medium"),
        "a rule that cannot render does not match"
    );
    assert_eq!(winner(&[high_broken, other_kind]), None);
    assert_eq!(winner(&[]), None);
}

#[test]
fn diagnoses_are_stored_as_json() {
    let diagnosis = Diagnosis {
        rule: "disk-full".into(),
        cause: "`/` on `nas` is 93.0% full".into(),
        evidence: vec!["1.2 GiB free".into()],
        confidence: Confidence::Medium,
        playbook: Some("free-disk-space".into()),
        params: BTreeMap::new(),
    };
    let json = serde_json::to_string(&diagnosis).unwrap();
    assert_eq!(
        json,
        r#"{"rule":"disk-full","cause":"`/` on `nas` is 93.0% full","evidence":["1.2 GiB free"],"confidence":"medium","playbook":"free-disk-space","params":{}}"#
    );
    assert_eq!(serde_json::from_str::<Diagnosis>(&json).unwrap(), diagnosis);
    assert!(Confidence::Low < Confidence::Medium && Confidence::Medium < Confidence::High);
    assert_eq!(Confidence::High.to_string(), "high");
}
