//! HTTP checks become incidents and resolve; a frozen host times out without
//! holding up the run; a lost database is rebuilt from the reports in Git.

use std::time::{Duration, Instant};

use crate::http_server::TestServer;
use crate::lab::{FakeContainer, Lab};
use crate::support::Ops;

#[test]
fn a_failing_http_check_opens_an_incident_and_resolves_when_it_passes() {
    let server = TestServer::start(502, "<h1>502 Bad Gateway</h1>");
    let ops = Ops::new(&format!(
        "hosts:\n  here: {{transport: local, containers: none}}\n\
         checks:\n  books:\n    url: {}\n    host: here\n    body_contains: Calibre\n    timeout: 2s\n",
        server.url
    ));
    ops.medic_ok(&["run"]);
    let open = ops.open_incidents();
    assert_eq!(open.len(), 1, "{open:#?}");
    assert_eq!(
        open[0].summary,
        "check `books` fails: answered 502, expected 200"
    );
    assert_eq!(open[0].facts["status"], "502");
    assert!(open[0].facts["body_excerpt"].contains("Bad Gateway"));

    server.answer(200, "welcome to the library");
    ops.medic_ok(&["run"]);
    let open = ops.open_incidents();
    assert_eq!(open.len(), 1, "the same incident: {open:#?}");
    assert_eq!(
        open[0].observations, 2,
        "a new cause of the same failing check updates the incident"
    );

    server.answer(200, "Calibre library");
    ops.medic_ok(&["run"]);
    assert_eq!(
        ops.open_incidents().len(),
        1,
        "one healthy sweep is not enough (resolve_after 2)"
    );
    ops.medic_ok(&["run"]);
    assert!(ops.open_incidents().is_empty());
    let status = ops.medic_ok(&["status"]).stdout();
    assert!(
        status
            .lines()
            .any(|l| l.contains("books") && l.contains("passing")),
        "{status}"
    );
}

#[test]
fn a_frozen_host_times_out_and_the_others_are_swept_meanwhile() {
    let lab = Lab::new()
        .host("frozen", |h| h.container(FakeContainer::running("app")))
        .host("fine", |h| h.container(FakeContainer::exited("app", 1)))
        .start();
    let ops = Ops::new(&lab.inventory_yaml());
    lab.host("frozen").freeze();
    let started = Instant::now();
    ops.medic_ok(&["run"]);
    let took = started.elapsed();
    lab.host("frozen").thaw();
    let mut open: Vec<String> = ops
        .open_incidents()
        .iter()
        .map(|i| format!("{} {}", i.kind, i.target.key()))
        .collect();
    open.sort();
    assert_eq!(
        open,
        vec![
            "container_stopped fine/container/app",
            "host_unreachable frozen"
        ]
    );
    let frozen = ops
        .open_incidents()
        .into_iter()
        .find(|i| i.kind == "host_unreachable")
        .expect("frozen's incident");
    assert_eq!(frozen.facts["reason"], "timed out");
    assert!(
        took < Duration::from_secs(15),
        "bounded by the connect timeout, took {took:?}"
    );
}

#[test]
fn a_lost_database_is_rebuilt_from_the_reports() {
    let lab = Lab::new()
        .host("nas", |h| h.container(FakeContainer::exited("calibre", 1)))
        .start();
    let ops = Ops::new(&lab.inventory_yaml());
    ops.medic_ok(&["run"]);
    let before = ops.open_incidents();
    assert_eq!(before.len(), 1);
    let commits = ops.subjects().len();

    std::fs::remove_dir_all(ops.path().join(".medic")).expect("lose the state");
    ops.medic_ok(&["run"]);
    let after = ops.open_incidents();
    assert_eq!(after.len(), 1, "no second incident for the same failure");
    assert_eq!(after[0].id, before[0].id);
    assert_eq!(
        ops.subjects().len(),
        commits,
        "nothing new to commit: {}",
        ops.git(&["show", "HEAD"])
    );

    lab.host("nas")
        .set_container(FakeContainer::running("calibre"));
    ops.medic_ok(&["run"]);
    ops.medic_ok(&["run"]);
    assert!(ops.open_incidents().is_empty());
    assert_eq!(
        ops.subjects()[0],
        format!(
            "medic: resolved #{} container stopped on nas/container/calibre",
            before[0].id
        )
    );
}
