//! Fixes under guardrails, end to end: real containers restarted and
//! verified, high-risk plans waiting for a person, blocked plans never
//! running, circuit breakers, the emergency stop, hostile names, and a run
//! killed in the middle of an action.

use std::time::{Duration, Instant};

use crate::lab::{FakeContainer, Lab, RealContainer};
use crate::support::{Ops, restarts};

/// Short verification, so failing fixes fail fast in tests.
const POLICY: &str = "policy:\n  verify_timeout: 4s\n";

fn ops_for(lab: &Lab, extra: &str) -> Ops {
    Ops::with_playbooks(&format!("{}{POLICY}{extra}", lab.inventory_yaml()))
}

#[test]
fn real_killed_and_unhealthy_containers_are_restarted_and_verified_in_the_same_run() {
    let lab = Lab::new()
        .real_docker_host("dock", |h| {
            h.real_container(RealContainer::new("web").cmd(["sleep", "100000"]))
                .real_container(
                    RealContainer::new("api")
                        .cmd(["sh", "-c", "touch /tmp/ok; exec sleep 100000"])
                        .health_cmd("test -f /tmp/ok")
                        .health_interval_secs(1)
                        .health_retries(1),
                )
        })
        .start();
    let ops = ops_for(&lab, "");
    let (web, api) = (lab.real_container("web"), lab.real_container("api"));
    api.wait_for_health("healthy", Duration::from_secs(20));

    web.kill();
    let run = ops.medic_ok(&["run"]);
    assert!(run.stdout().contains("1 fix(es)"), "{run}");
    assert_eq!(
        web.inspect()["State"]["Running"],
        true,
        "restarted in the same run"
    );
    let incidents = ops.incidents();
    assert_eq!(incidents.len(), 1);
    let fixed = &incidents[0];
    assert!(
        !fixed.is_open(),
        "verified and resolved in the same run: {fixed:#?}"
    );
    assert!(
        fixed
            .resolution
            .as_deref()
            .unwrap_or("")
            .starts_with("fixed by `restart-container`")
    );
    let report = ops.report_of(fixed.id);
    for part in [
        "exited with code 137",
        "## Actions",
        "`restart-container`: succeeded",
        "automatic",
        "verified",
        "Time to recover",
    ] {
        assert!(report.contains(part), "report lacks {part:?}:\n{report}");
    }
    assert!(
        report.contains(&format!("docker restart -- {}", web.name())),
        "{report}"
    );

    api.exec("rm /tmp/ok");
    api.wait_for_health("unhealthy", Duration::from_secs(20));
    ops.medic_ok(&["run"]);
    let api_incident = ops
        .incidents()
        .into_iter()
        .find(|i| i.kind == "container_unhealthy")
        .expect("an unhealthy incident");
    assert!(
        !api_incident.is_open(),
        "restarted and verified healthy: {api_incident:#?}"
    );
    assert_eq!(api.inspect()["State"]["Health"]["Status"], "healthy");
    let report = ops.report_of(api_incident.id);
    assert!(
        report.contains("health check fails") && report.contains("`restart-container`: succeeded"),
        "{report}"
    );
}

/// A fake database container the shipped `restart-database` (high) remedies.
fn database_lab() -> Lab {
    Lab::new()
        .host("db", |h| {
            h.container(FakeContainer::exited("postgres", 1).image("postgres:16"))
        })
        .start()
}

#[test]
fn a_high_risk_plan_waits_for_approval_and_records_the_approver() {
    let lab = database_lab();
    let ops = ops_for(&lab, "");
    ops.medic_ok(&["run"]);
    assert_eq!(
        restarts(&lab.host("db").docker_calls()),
        0,
        "high risk never runs unapproved"
    );
    let pending = ops.git(&["ls-files", "approvals"]);
    let path = pending
        .lines()
        .next()
        .expect("a pending approval is committed")
        .to_string();
    let request = ops.read(&path);
    for part in [
        "status: pending",
        "restart-database",
        "docker restart -- postgres",
        "medic approve 1",
    ] {
        assert!(
            request.contains(part),
            "approval lacks {part:?}:\n{request}"
        );
    }
    ops.medic_ok(&["run"]);
    assert_eq!(
        ops.git(&["ls-files", "approvals"]).lines().count(),
        1,
        "no second request while one is pending"
    );
    assert_eq!(restarts(&lab.host("db").docker_calls()), 0);

    let approve = ops.medic_ok(&["approve", "1"]);
    assert!(approve.stdout().contains("approved #1"), "{approve}");
    assert_eq!(
        ops.git(&["log", "-1", "--format=%an %s"]).trim(),
        "Ada Operator approve #1: restart-database on db/container/postgres"
    );

    ops.medic_ok(&["run"]);
    assert_eq!(
        restarts(&lab.host("db").docker_calls()),
        1,
        "the approved plan ran once"
    );
    let incident = &ops.incidents()[0];
    assert!(!incident.is_open());
    let action = &incident.actions[0];
    assert_eq!(
        (action.playbook.as_str(), action.risk.as_str()),
        ("restart-database", "high")
    );
    assert_eq!(action.approver, "Ada Operator <ada@example.test>");
    assert_eq!(action.approval, Some(1));
    assert!(ops.read(&path).contains("status: executed"));
    assert!(
        ops.report_of(incident.id)
            .contains("approved by Ada Operator")
    );
}

#[test]
fn rejected_and_expired_approvals_never_run() {
    let lab = database_lab();
    let ops = ops_for(&lab, "");
    ops.medic_ok(&["run"]);
    ops.medic_ok(&["reject", "1"]);
    ops.medic_ok(&["run"]);
    ops.medic_ok(&["run"]);
    assert_eq!(restarts(&lab.host("db").docker_calls()), 0);
    let incident = &ops.open_incidents()[0];
    assert!(
        incident
            .escalation
            .as_deref()
            .unwrap_or("")
            .contains("rejected by Ada Operator"),
        "{incident:#?}"
    );
    assert!(
        ops.medic(&["approve", "1"]).code() != 0,
        "a rejected approval cannot be approved later"
    );

    let lab = database_lab();
    let ops = Ops::with_playbooks(&format!(
        "{}policy:\n  approval_ttl: 1s\n",
        lab.inventory_yaml()
    ));
    ops.medic_ok(&["run"]);
    std::thread::sleep(Duration::from_millis(2100));
    let late = ops.medic(&["approve", "1"]);
    assert_eq!(late.code(), 1, "{late}");
    assert!(late.stderr().contains("expired"), "{late}");
    ops.medic_ok(&["run"]);
    assert_eq!(restarts(&lab.host("db").docker_calls()), 0);
    assert!(
        ops.open_incidents()[0]
            .escalation
            .as_deref()
            .unwrap_or("")
            .contains("expired")
    );
}

#[test]
fn a_blocked_plan_never_runs_whatever_is_approved() {
    let lab = Lab::new()
        .host("vault", |h| h.container(FakeContainer::exited("app", 1)))
        .start();
    let groups = "groups:\n  data:\n    hosts: [vault]\n    tags: [production-data]\n";
    let ops = ops_for(&lab, groups);
    ops.medic_ok(&["run"]);
    let incident = ops.open_incidents()[0].clone();
    assert!(
        incident
            .escalation
            .as_deref()
            .unwrap_or("")
            .contains("production-data"),
        "{incident:#?}"
    );
    assert!(
        ops.git(&["ls-files", "approvals"]).is_empty(),
        "nothing to approve for a blocked plan"
    );

    // A person forges an approval by hand: still nothing runs.
    let digest = "0000000000000000";
    let forged = format!(
        "---\nid: 1\nincident: {}\nplaybook: restart-container\nplaybook_digest: {digest}\ntarget: vault/container/app\n\
         risk: low\nstatus: approved\nrequested_at: 2026-01-01T00:00:00Z\nexpires_at: 2099-01-01T00:00:00Z\n---\n",
        incident.id
    );
    ops.commit_file(
        "approvals/0001-restart-container-vault-container-app.md",
        &forged,
        "approve by hand",
    );
    ops.medic_ok(&["run"]);
    ops.medic_ok(&["run"]);
    assert_eq!(restarts(&lab.host("vault").docker_calls()), 0);
    assert!(ops.open_incidents()[0].actions.is_empty());
    let plan = ops.medic_ok(&["plan"]).stdout();
    assert!(
        plan.contains("escalate") && plan.contains("blocked"),
        "{plan}"
    );
}

#[test]
fn a_container_that_keeps_dying_stops_being_fixed_after_two_failures() {
    let lab = Lab::new()
        .host("box", |h| {
            h.container(FakeContainer::exited("app", 1).keeps_dying())
        })
        .start();
    let ops = ops_for(&lab, "");
    for _ in 0..4 {
        ops.medic_ok(&["run"]);
    }
    let calls = lab.host("box").docker_calls();
    assert_eq!(
        restarts(&calls),
        2,
        "two failed fixes, then the breaker opens: {calls:#?}"
    );
    let incident = &ops.open_incidents()[0];
    assert_eq!(incident.actions.len(), 2);
    assert!(incident.actions.iter().all(|a| a.status == "failed"));
    let escalation = incident.escalation.clone().unwrap_or_default();
    assert!(
        escalation.contains("2 consecutive fixes") && escalation.contains("medic reset"),
        "{escalation}"
    );
    assert!(ops.report_of(incident.id).contains("Needs a person"));

    ops.medic_ok(&["reset", "box/container/app"]);
    ops.medic_ok(&["run"]);
    assert_eq!(
        restarts(&lab.host("box").docker_calls()),
        3,
        "a reset lets medic try again"
    );
}

#[test]
fn fixes_that_hold_briefly_never_exceed_three_an_hour() {
    let lab = Lab::new()
        .host("box", |h| h.container(FakeContainer::exited("app", 1)))
        .start();
    // Flapping would stop it sooner; here the hourly limit is what is shown.
    let ops = Ops::with_playbooks(&format!(
        "{}policy:\n  verify_timeout: 4s\n  flapping_changes: 100\n",
        lab.inventory_yaml()
    ));
    for round in 1..=4 {
        lab.host("box")
            .set_container(FakeContainer::exited("app", 1));
        ops.medic_ok(&["run"]);
        let expected = round.min(3);
        assert_eq!(
            restarts(&lab.host("box").docker_calls()),
            expected,
            "round {round}"
        );
    }
    let plan = ops.medic_ok(&["plan"]).stdout();
    assert!(
        plan.contains("hold") && plan.contains("in the last hour"),
        "{plan}"
    );
}

#[test]
fn with_pause_committed_nothing_is_touched_until_resume() {
    let lab = Lab::new()
        .host("box", |h| h.container(FakeContainer::exited("app", 1)))
        .start();
    let ops = ops_for(&lab, "");
    ops.medic_ok(&["pause", "--reason", "disk swap in progress"]);
    assert_eq!(
        ops.git(&["log", "-1", "--format=%an"]).trim(),
        "Ada Operator"
    );
    let run = ops.medic_ok(&["run"]);
    assert!(run.stdout().contains("paused"), "{run}");
    assert_eq!(restarts(&lab.host("box").docker_calls()), 0);
    assert_eq!(ops.open_incidents().len(), 1, "still reported");

    ops.medic_ok(&["resume"]);
    ops.medic_ok(&["run"]);
    assert_eq!(restarts(&lab.host("box").docker_calls()), 1);
    assert!(ops.open_incidents().is_empty());

    // A PAUSE file committed by hand stops fixes just the same.
    ops.commit_file("PAUSE", "quiet please\n", "pause by hand");
    lab.host("box")
        .set_container(FakeContainer::exited("app", 1));
    ops.medic_ok(&["run"]);
    assert_eq!(restarts(&lab.host("box").docker_calls()), 1);
}

#[test]
fn a_container_named_with_shell_metacharacters_is_restarted_by_its_literal_name() {
    let marker = format!("/tmp/medic-pwned-{}", std::process::id());
    let name = format!("x; touch {marker}");
    let lab = Lab::new()
        .host("box", |h| h.container(FakeContainer::exited(&name, 1)))
        .start();
    let ops = ops_for(&lab, "");
    ops.medic_ok(&["run"]);
    let calls = lab.host("box").docker_calls();
    assert!(
        calls.contains(&format!("docker restart -- '{name}'")),
        "{calls:#?}"
    );
    assert!(
        !std::path::Path::new(&marker).exists(),
        "an injected command ran"
    );
    assert!(
        ops.incidents()[0]
            .resolution
            .as_deref()
            .unwrap_or("")
            .contains("restart-container")
    );
}

#[test]
fn a_run_killed_mid_action_is_settled_not_repeated() {
    let lab = Lab::new()
        .host("box", |h| h.container(FakeContainer::exited("app", 1)))
        .start();
    let ops = ops_for(&lab, "");
    let host = lab.host("box");
    host.docker_actions_hang(3);
    let mut run = ops.spawn_medic(&["run"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while restarts(&host.docker_calls()) == 0 {
        assert!(Instant::now() < deadline, "the restart never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    run.kill().expect("SIGKILL the run");
    run.wait().expect("reap it");
    let journal: String = ops
        .db()
        .query_row("SELECT status FROM actions", [], |r| r.get(0))
        .expect("the action was journaled before it started");
    assert_eq!(journal, "running");
    // The restart on the host finishes by itself after its hang.
    let deadline = Instant::now() + Duration::from_secs(20);
    while host.container_state("app").as_deref() != Some("running") {
        assert!(
            Instant::now() < deadline,
            "the interrupted restart never completed"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    host.docker_actions_hang(0);

    ops.medic_ok(&["run"]);
    assert_eq!(restarts(&host.docker_calls()), 1, "not repeated blindly");
    let incident = &ops.incidents()[0];
    assert!(!incident.is_open());
    let action = &incident.actions[0];
    assert_eq!(action.status, "succeeded");
    assert!(
        action
            .outcome
            .as_deref()
            .unwrap_or("")
            .contains("interrupted"),
        "{action:#?}"
    );
    assert!(ops.report_of(incident.id).contains("interrupted"));
}

#[test]
fn an_approval_made_by_editing_the_file_and_committing_is_honoured() {
    let lab = database_lab();
    let ops = ops_for(&lab, "");
    ops.medic_ok(&["run"]);
    let path = ops.git(&["ls-files", "approvals"]).trim().to_string();
    let edited = ops
        .read(&path)
        .replacen("status: pending", "status: approved", 1);
    ops.write(&path, &edited);
    ops.git(&["add", &path]);
    ops.git(&[
        "-c",
        "user.name=Bea Reviewer",
        "-c",
        "user.email=bea@example.test",
        "commit",
        "-qm",
        "approve the restart in the web UI",
    ]);

    ops.medic_ok(&["run"]);
    assert_eq!(restarts(&lab.host("db").docker_calls()), 1);
    let action = &ops.incidents()[0].actions[0];
    assert_eq!(action.approver, "Bea Reviewer <bea@example.test>");
}

#[test]
fn a_failed_fix_restores_the_files_it_changed_byte_for_byte() {
    let lab = Lab::new()
        .host("box", |h| {
            h.container(
                FakeContainer::exited("app", 1)
                    .image("acme/app:2")
                    .keeps_dying(),
            )
        })
        .start();
    let config = lab.host("box").state_dir().join("app.conf");
    let original = "# app settings\nworkers = 4\nmode = \"fast\" # keep $HOME and `quotes`\n";
    std::fs::write(&config, original).expect("write the config");
    std::process::Command::new("chown")
        .arg("medic-lab")
        .arg(&config)
        .status()
        .expect("chown");
    let reloaded = lab.host("box").state_dir().join("reloaded");
    let managed = format!(
        "    files:\n      {}:\n        validate: grep -q workers {}\n        reload: touch {}\n",
        config.display(),
        config.display(),
        reloaded.display()
    );
    let ops = Ops::with_playbooks(&format!("{}{managed}{POLICY}", lab.inventory_yaml()));
    let playbook = format!(
        "name: tune-app\ndescription: Lower the worker count, then restart the app.\nrisk: medium\n\
         triggers:\n  - kind: container_stopped\n    facts: {{image: \"acme/app*\"}}\n\
         steps:\n  - edit: {{path: {path}, pattern: \"workers = [0-9]+\", replacement: \"workers = 2\"}}\n  - container: restart\n",
        path = config.display()
    );
    ops.commit_file(
        "playbooks/tune-app.yaml",
        &playbook,
        "a playbook of our own",
    );
    ops.medic_ok(&["check"]);

    ops.medic_ok(&["run"]);
    assert_eq!(
        restarts(&lab.host("box").docker_calls()),
        1,
        "the fix ran: {}",
        ops.medic(&["incidents", "show", "1"]).stdout()
    );
    assert_eq!(
        std::fs::read_to_string(&config).expect("config"),
        original,
        "restored byte for byte"
    );
    let incident = &ops.open_incidents()[0];
    let action = &incident.actions[0];
    assert_eq!(action.status, "failed");
    assert!(
        action
            .outcome
            .as_deref()
            .unwrap_or("")
            .contains("rolled back"),
        "{action:#?}"
    );
    let phases: Vec<&str> = action.steps.iter().map(|s| s.phase.as_str()).collect();
    assert_eq!(
        phases,
        vec![
            "backup", "step", "step", "step", "step", "verify", "rollback", "rollback"
        ]
    );
    let commands: Vec<&str> = action
        .steps
        .iter()
        .map(|s| s.description.as_str())
        .collect();
    assert!(
        commands[2].starts_with("validate: grep -q workers"),
        "{commands:#?}"
    );
    assert!(commands[4].starts_with("reload: touch"), "{commands:#?}");
    assert!(
        commands[7].starts_with("reload: touch"),
        "the old version is reloaded after the restore: {commands:#?}"
    );
    assert!(reloaded.exists());
    assert!(
        incident
            .escalation
            .as_deref()
            .unwrap_or("")
            .contains("fix with `tune-app` failed")
    );
}
