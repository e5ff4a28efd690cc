//! `medic run` against lab hosts: incidents open once, persist without new
//! commits, resolve when the target is healthy; one host failing never stops
//! the sweep; changed host keys are refused; real containers on the real
//! engine are seen as they are.

use crate::lab::{FakeContainer, FakeUnit, Lab, RealContainer};
use crate::support::Ops;

fn three_hosts() -> Lab {
    Lab::new()
        .host("nas", |h| {
            h.container(FakeContainer::running("calibre"))
                .container(FakeContainer::running("jellyfin"))
        })
        .host("pi", |h| {
            h.container(FakeContainer::running("pihole"))
                .unit(FakeUnit::active("unbound.service"))
        })
        .host("web", |h| h.container(FakeContainer::running("nginx")))
        .start()
}

#[test]
fn a_stopped_container_opens_one_incident_commits_once_and_resolves() {
    let lab = three_hosts();
    let ops = Ops::new(&lab.inventory_yaml());
    lab.host("nas")
        .set_container(FakeContainer::exited("calibre", 1));

    let first = ops.medic_ok(&["run"]);
    assert!(first.stdout().contains("3/3 hosts reached"), "{first}");
    let open = ops.open_incidents();
    assert_eq!(open.len(), 1, "{open:#?}");
    let incident = &open[0];
    assert_eq!(
        (incident.kind.as_str(), incident.target.key().as_str()),
        ("container_stopped", "nas/container/calibre")
    );
    assert_eq!(incident.facts["exit_code"], "1");
    assert_eq!(
        ops.subjects(),
        vec![
            format!(
                "medic: #{} container stopped on nas/container/calibre",
                incident.id
            ),
            "inventory".into()
        ]
    );
    let message = ops.git(&["log", "-1", "--format=%B"]);
    assert!(
        message.contains(&format!("Medic-Incident: {}", incident.id)),
        "{message}"
    );
    assert_eq!(ops.git(&["log", "-1", "--format=%an"]).trim(), "medic");
    let report_path = format!("reports/incidents/{}", incident.opened_at.strftime("%Y-%m"));
    let committed = ops.git(&["show", "--name-only", "--format=", "HEAD"]);
    let report_file = committed
        .lines()
        .find(|l| l.starts_with(&report_path))
        .expect("the report is in the commit")
        .to_string();
    assert!(committed.contains("reports/STATUS.md"), "{committed}");
    let report = ops.read(&report_file);
    assert!(report.contains("status: open"), "{report}");
    assert!(
        report.contains("container `calibre` on `nas` exited with code 1"),
        "{report}"
    );
    let status = ops.read("reports/STATUS.md");
    assert!(
        status.contains(&format!("[#{}]", incident.id)) && status.contains("1/2 healthy"),
        "{status}"
    );
    assert_eq!(
        ops.git(&["status", "--porcelain"]),
        "",
        "medic leaves a clean work tree"
    );

    let second = ops.medic_ok(&["run"]);
    assert!(second.stdout().contains("nothing to commit"), "{second}");
    assert_eq!(ops.subjects().len(), 2, "an identical run commits nothing");
    let open = ops.open_incidents();
    assert_eq!(open.len(), 1);
    assert_eq!(
        open[0].observations, 2,
        "the persisting finding updated the same incident"
    );

    lab.host("nas")
        .set_container(FakeContainer::running("calibre"));
    ops.medic_ok(&["run"]);
    assert_eq!(
        ops.open_incidents().len(),
        1,
        "healthy once: not resolved yet (resolve_after 2)"
    );
    ops.medic_ok(&["run"]);
    assert!(ops.open_incidents().is_empty());
    assert_eq!(
        ops.subjects()[0],
        format!(
            "medic: resolved #{} container stopped on nas/container/calibre",
            incident.id
        )
    );
    let report = ops.read(&report_file);
    assert!(
        report.contains("status: resolved") && report.contains("the container is healthy again"),
        "{report}"
    );
    assert!(ops.read("reports/STATUS.md").contains("No open incidents"));
    assert_eq!(ops.runs(), 4);
}

#[test]
fn an_unreachable_host_is_a_finding_and_the_others_are_still_swept() {
    let lab = three_hosts();
    let ops = Ops::new(&lab.inventory_yaml());
    lab.host("pi").stop_sshd();
    lab.host("web")
        .set_container(FakeContainer::exited("nginx", 2));

    let run = ops.medic_ok(&["run"]);
    assert!(run.stdout().contains("2/3 hosts reached"), "{run}");
    let mut open: Vec<(String, String)> = ops
        .open_incidents()
        .iter()
        .map(|i| (i.kind.clone(), i.target.key()))
        .collect();
    open.sort();
    assert_eq!(
        open,
        vec![
            ("container_stopped".into(), "web/container/nginx".into()),
            ("host_unreachable".into(), "pi".into())
        ]
    );
    let pi = ops
        .open_incidents()
        .into_iter()
        .find(|i| i.kind == "host_unreachable")
        .expect("pi's incident");
    assert_eq!(pi.facts["reason"], "connection refused");
    let status = ops.medic_ok(&["status", "--json"]).stdout();
    let status: serde_json::Value = serde_json::from_str(&status).expect("status --json is JSON");
    let reached: Vec<&str> = status["hosts"]
        .as_array()
        .expect("hosts")
        .iter()
        .filter(|h| h["status"] == "reached")
        .map(|h| h["name"].as_str().expect("name"))
        .collect();
    assert_eq!(reached, vec!["nas", "web"]);

    lab.host("pi").start_sshd();
    ops.medic_ok(&["run"]);
    ops.medic_ok(&["run"]);
    let open: Vec<String> = ops
        .open_incidents()
        .iter()
        .map(|i| i.target.key())
        .collect();
    assert_eq!(open, vec!["web/container/nginx"], "pi answers again");
}

#[test]
fn a_changed_host_key_is_refused_and_reported() {
    let lab = three_hosts();
    let ops = Ops::new(&lab.inventory_yaml());
    ops.medic_ok(&["run"]);
    assert!(ops.open_incidents().is_empty());
    let nas = lab.host("nas");
    let calls_before = nas.docker_calls().len();
    assert!(calls_before > 0, "the first run probed nas");

    nas.change_host_key();
    ops.medic_ok(&["run"]);
    let open = ops.open_incidents();
    assert_eq!(open.len(), 1, "{open:#?}");
    assert_eq!(
        (open[0].kind.as_str(), open[0].target.key().as_str()),
        ("host_key_rejected", "nas")
    );
    assert!(
        open[0].summary.contains("does not match known_hosts"),
        "{}",
        open[0].summary
    );
    assert_eq!(
        nas.docker_calls().len(),
        calls_before,
        "nothing ran on a host with a changed key"
    );
    assert!(
        lab.host("pi").docker_calls().len() >= 2,
        "the other hosts were swept"
    );
}

#[test]
fn a_host_without_docker_or_systemd_is_a_fact_not_a_problem() {
    let lab = Lab::new()
        .host("bare", |h| h.without_docker().systemd_not_booted())
        .host("pi", |h| h.container(FakeContainer::running("pihole")))
        .start();
    let ops = Ops::new(&lab.inventory_yaml());
    let run = ops.medic_ok(&["run"]);
    assert!(ops.open_incidents().is_empty(), "{run}");
}

#[test]
fn garbage_from_docker_fails_only_that_section() {
    let lab = three_hosts();
    let ops = Ops::new(&lab.inventory_yaml());
    lab.host("web")
        .docker_prints("<html>502 Bad Gateway</html>");
    lab.host("nas")
        .set_container(FakeContainer::exited("jellyfin", 3));
    ops.medic_ok(&["run"]);
    let mut open: Vec<String> = ops
        .open_incidents()
        .iter()
        .map(|i| format!("{} {}", i.kind, i.target.key()))
        .collect();
    open.sort();
    assert_eq!(
        open,
        vec![
            "container_stopped nas/container/jellyfin",
            "probe_failed web/probe/containers"
        ]
    );
}

#[test]
fn a_real_killed_container_is_stopped_with_exit_code_137_and_its_inspect_stored() {
    let lab = Lab::new()
        .real_docker_host("dock", |h| {
            h.real_container(RealContainer::new("web").cmd(["sleep", "100000"]))
        })
        .start();
    let ops = Ops::new(&lab.inventory_yaml());
    let web = lab.real_container("web");
    web.kill();

    ops.medic_ok(&["run"]);
    let open = ops.open_incidents();
    assert_eq!(open.len(), 1, "{open:#?}");
    assert_eq!(open[0].kind, "container_stopped");
    assert_eq!(
        open[0].target.key(),
        format!("dock/container/{}", web.name())
    );
    assert_eq!(open[0].facts["exit_code"], "137");
    assert_eq!(open[0].facts["state"], "exited");
    let inspect: String = ops
        .db()
        .query_row(
            "SELECT s.data FROM target_states s JOIN targets t ON t.id = s.target_id WHERE t.key = ?1",
            [open[0].target.key()],
            |r| r.get(0),
        )
        .expect("the container's state is stored");
    let inspect: serde_json::Value =
        serde_json::from_str(&inspect).expect("stored inspect is JSON");
    assert_eq!(inspect["State"]["ExitCode"], 137);
    assert_eq!(inspect["Name"], format!("/{}", web.name()));
}
