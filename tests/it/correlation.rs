//! One incident per root cause: a dead host with many containers, a
//! database its apps depend on, and a container that keeps flapping.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::http_server::TestServer;
use crate::lab::{FakeContainer, Lab};
use crate::support::{Ops, restarts};

#[test]
fn a_host_that_goes_down_with_ten_containers_is_one_incident_with_them_as_symptoms() {
    let lab = Lab::new()
        .host("big", |h| {
            (0..10).fold(h, |h, i| {
                h.container(FakeContainer::running(&format!("app{i}")))
            })
        })
        .host("other", |h| h.container(FakeContainer::running("web")))
        .start();
    let ops = Ops::with_playbooks(&lab.inventory_yaml());
    ops.medic_ok(&["run"]);
    assert!(ops.open_incidents().is_empty());

    lab.host("big").stop_sshd();
    ops.medic_ok(&["run"]);
    let open = ops.open_incidents();
    assert_eq!(open.len(), 1, "{open:#?}");
    assert_eq!(
        (open[0].kind.as_str(), open[0].target.key().as_str()),
        ("host_unreachable", "big")
    );
    let symptoms: Vec<&str> = open[0]
        .symptoms
        .iter()
        .map(|s| s.target_key.as_str())
        .collect();
    let expected: Vec<String> = (0..10).map(|i| format!("big/container/app{i}")).collect();
    assert_eq!(symptoms, expected);
    assert!(
        open[0].actions.is_empty(),
        "no container restarts attempted"
    );
    let report = ops.report_of(open[0].id);
    assert!(
        report.contains("## Symptoms") && report.contains("`big/container/app7`"),
        "{report}"
    );

    lab.host("big").start_sshd();
    ops.medic_ok(&["run"]);
    ops.medic_ok(&["run"]);
    let back = ops
        .incidents()
        .into_iter()
        .find(|i| i.kind == "host_unreachable")
        .expect("the incident");
    assert!(!back.is_open());
    assert!(
        back.symptoms.iter().all(|s| s.cleared_at.is_some()),
        "{:#?}",
        back.symptoms
    );
}

#[test]
fn a_failing_database_is_the_one_incident_and_its_apps_are_rechecked_after_the_fix() {
    let lab = Lab::new()
        .host("db", |h| h.container(FakeContainer::running("redis")))
        .start();
    let apps = [
        Arc::new(TestServer::start(200, "ok")),
        Arc::new(TestServer::start(200, "ok")),
    ];
    // The apps answer 502 while their database is down, like real ones.
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (stop, apps) = (Arc::clone(&stop), apps.clone());
        let state = lab.host("db").state_dir().to_path_buf();
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let up = crate::lab::container_running_in(&state, "redis");
                for app in &apps {
                    if up {
                        app.answer(200, "ok")
                    } else {
                        app.answer(502, "bad gateway")
                    }
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    let checks = format!(
        "checks:\n  app1: {{url: {}, depends_on: [db/container/redis]}}\n  app2: {{url: {}, depends_on: [db/container/redis]}}\n",
        apps[0].url, apps[1].url
    );
    let ops = Ops::with_playbooks(&format!(
        "{}{checks}policy:\n  verify_timeout: 5s\n",
        lab.inventory_yaml()
    ));
    ops.medic_ok(&["run"]);
    assert!(ops.open_incidents().is_empty());

    lab.host("db")
        .set_container(FakeContainer::exited("redis", 1));
    std::thread::sleep(Duration::from_millis(100));
    ops.medic_ok(&["run"]);
    let incidents = ops.incidents();
    assert_eq!(
        incidents.len(),
        1,
        "one incident, at the database: {incidents:#?}"
    );
    let db = &incidents[0];
    assert_eq!(db.target.key(), "db/container/redis");
    assert!(!db.is_open(), "fixed in the run: {db:#?}");
    let symptoms: Vec<(&str, bool)> = db
        .symptoms
        .iter()
        .map(|s| {
            (
                s.target_key.as_str(),
                s.cleared
                    .as_deref()
                    .unwrap_or("")
                    .contains("re-checked after the fix"),
            )
        })
        .collect();
    assert_eq!(symptoms, vec![("check/app1", true), ("check/app2", true)]);
    ops.medic_ok(&["run"]);
    assert_eq!(ops.incidents().len(), 1, "the apps never became incidents");
    stop.store(true, Ordering::Relaxed);
    watcher.join().expect("the watcher ends");
}

#[test]
fn a_flapping_container_is_detected_and_no_longer_fixed() {
    let lab = Lab::new()
        .host("box", |h| h.container(FakeContainer::exited("app", 1)))
        .start();
    let ops = Ops::with_playbooks(&format!(
        "{}policy:\n  verify_timeout: 4s\n",
        lab.inventory_yaml()
    ));
    for _ in 0..4 {
        lab.host("box")
            .set_container(FakeContainer::exited("app", 1));
        ops.medic_ok(&["run"]);
    }
    assert_eq!(
        restarts(&lab.host("box").docker_calls()),
        2,
        "fixed twice, then it is flapping"
    );
    let open = ops.open_incidents();
    assert_eq!(open.len(), 1);
    let escalation = open[0].escalation.clone().unwrap_or_default();
    assert!(escalation.contains("is flapping"), "{escalation}");
    assert!(ops.report_of(open[0].id).contains("flapping"));
}
