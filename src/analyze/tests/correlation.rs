//! Correlation: hysteresis, symptoms of unreachable hosts and failing
//! dependencies, flapping.

use super::*;

fn with(extra: &str) -> Inventory {
    config::parse(&format!("{INVENTORY}{extra}"), "test.yaml", Path::new("/")).expect("valid")
}

fn streak(failing: u32, healthy: u32) -> Streak {
    Streak { failing, healthy }
}

const CALIBRE: &str = "container_stopped:nas/container/calibre";

#[test]
fn an_incident_opens_after_open_after_failing_sweeps() {
    let inv = with("policy: {open_after: 2}\n");
    let first = analyze(&inv, &stopped_calibre(), &[], &History::default(), vec![]).changes;
    assert!(first.opened.is_empty(), "one failing sweep is not enough");
    assert_eq!(first.streaks[CALIBRE], streak(1, 0));
    let history = History {
        streaks: first.streaks.clone(),
        ..Default::default()
    };
    let second = analyze(&inv, &stopped_calibre(), &[], &history, vec![]).changes;
    assert_eq!(second.opened.len(), 1);
    assert_eq!(second.streaks[CALIBRE], streak(2, 0));
}

#[test]
fn an_incident_resolves_after_resolve_after_healthy_sweeps_in_a_row() {
    let inv = inventory();
    let first = analyze(
        &inv,
        &healthy(),
        &[open_calibre()],
        &History::default(),
        vec![],
    )
    .changes;
    assert!(first.resolved.is_empty(), "one healthy sweep is not enough");
    assert_eq!(first.streaks[CALIBRE], streak(0, 1));

    let history = History {
        streaks: first.streaks.clone(),
        ..Default::default()
    };
    let relapse = analyze(
        &inv,
        &stopped_calibre(),
        &[open_calibre()],
        &history,
        vec![],
    )
    .changes;
    assert_eq!(
        relapse.streaks[CALIBRE],
        streak(1, 0),
        "a failing sweep starts over"
    );
    assert!(relapse.resolved.is_empty());

    let second = analyze(&inv, &healthy(), &[open_calibre()], &history, vec![]).changes;
    assert_eq!(second.resolved.len(), 1);
    assert!(
        !second.streaks.contains_key(CALIBRE),
        "a resolved fingerprint is forgotten"
    );
}

#[test]
fn a_check_may_resolve_at_once() {
    let inv = config::parse(
        &INVENTORY.replace(
            "    body_contains: Calibre\n",
            "    body_contains: Calibre\n    resolve_after: 1\n",
        ),
        "t.yaml",
        Path::new("/"),
    )
    .expect("valid");
    let open = OpenIncident {
        id: 9,
        fingerprint: "check_failing:check/books".into(),
        kind: FindingKind::CheckFailing,
        target: Target::Check {
            name: "books".into(),
        },
    };
    let changes = analyze(&inv, &healthy(), &[open], &History::default(), vec![]).changes;
    assert_eq!(changes.resolved.len(), 1);
}

#[test]
fn an_unreachable_host_explains_what_was_last_seen_on_it_and_its_checks() {
    let inv = inventory();
    let mut history = History::default();
    history.last_known.insert(
        "nas".into(),
        vec![
            "nas/container/calibre".into(),
            "nas/unit/nginx.service".into(),
        ],
    );
    let s = sweep(
        unreachable("nas", UnreachableReason::ConnectionRefused),
        reached("pi", healthy_pi()),
        check(None, None, Some("connection refused")),
    );
    let changes = analyze(&inv, &s, &[], &history, vec![]).changes;
    let opened: Vec<String> = changes.opened.iter().map(Finding::fingerprint).collect();
    assert_eq!(
        opened,
        vec!["host_unreachable:nas"],
        "the failing check is a symptom, not an incident"
    );
    let mut symptoms: Vec<(Root, String)> = changes
        .symptoms
        .iter()
        .map(|s| (s.root.clone(), s.target_key.clone()))
        .collect();
    symptoms.sort();
    let root = Root::Opened("host_unreachable:nas".into());
    assert_eq!(
        symptoms,
        vec![
            (root.clone(), "check/books".into()),
            (root.clone(), "nas/container/calibre".into()),
            (root, "nas/unit/nginx.service".into()),
        ]
    );
}

#[test]
fn a_failing_dependency_explains_its_dependents() {
    let inv = with(
        "depends_on:\n  check/books: [nas/container/calibre]\n  pi/container/pihole: [check/books]\n",
    );
    let mut pi = healthy_pi();
    pi.containers = Section::Ok(vec![
        container("pihole", ContainerState::Exited, Some(1)),
        running("unbound"),
    ]);
    let mut nas = healthy_nas();
    nas.containers = Section::Ok(vec![container("calibre", ContainerState::Exited, Some(1))]);
    let s = sweep(
        reached("nas", nas),
        reached("pi", pi),
        check(Some(502), Some(false), None),
    );

    let changes = analyze(&inv, &s, &[], &History::default(), vec![]).changes;
    let opened: Vec<String> = changes.opened.iter().map(Finding::fingerprint).collect();
    assert_eq!(opened, vec![CALIBRE], "one incident at the root");
    let mut symptoms: Vec<String> = changes
        .symptoms
        .iter()
        .map(|s| s.target_key.clone())
        .collect();
    symptoms.sort();
    assert_eq!(
        symptoms,
        vec!["check/books", "pi/container/pihole"],
        "followed through the chain"
    );
    assert!(
        changes
            .symptoms
            .iter()
            .all(|s| s.root == Root::Opened(CALIBRE.into()))
    );

    let later = analyze(&inv, &s, &[open_calibre()], &History::default(), vec![]).changes;
    assert!(
        later.symptoms.iter().all(|s| s.root == Root::Incident(7)),
        "attached to the open incident"
    );
    assert!(later.opened.is_empty());
}

#[test]
fn a_target_that_keeps_changing_is_flapping() {
    let inv = inventory();
    let mut history = History::default();
    history
        .recent_changes
        .insert("nas/container/calibre".into(), 2);
    let calm = analyze(&inv, &stopped_calibre(), &[], &history, vec![]).changes;
    assert!(calm.flapping.is_empty(), "3 changes, the limit is 4");
    history
        .recent_changes
        .insert("nas/container/calibre".into(), 3);
    let flapping = analyze(&inv, &stopped_calibre(), &[], &history, vec![]).changes;
    assert_eq!(
        flapping.flapping.iter().collect::<Vec<_>>(),
        vec!["nas/container/calibre"]
    );
}
