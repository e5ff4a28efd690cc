//! Docker parser on output recorded from a real Docker (CLI 28.2, Engine 20.10).

use super::super::docker::{Container, ContainerState, Health, parse_containers};

const PS: &str = include_str!("../fixtures/docker_ps.jsonl");
const INSPECT: &str = include_str!("../fixtures/docker_inspect.json");

fn by_name<'a>(list: &'a [Container], name: &str) -> &'a Container {
    list.iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

#[test]
fn recorded_ps_and_inspect() {
    let list = parse_containers(PS, INSPECT).unwrap();
    assert_eq!(list.len(), 7);
    assert!(list.iter().all(|c| c.inspect.is_some() && c.id.len() == 64));
    assert!(list.iter().all(|c| c.image == "medic-probe-test/bb:latest"));

    let exit1 = by_name(&list, "medic-probe-exit1");
    assert_eq!(exit1.state, ContainerState::Exited);
    assert_eq!(exit1.exit_code, Some(1));
    assert_eq!(exit1.status_text, "Exited (1) 11 seconds ago");
    assert_eq!(exit1.health, None);
    assert_eq!(exit1.restart_policy.as_deref(), Some("no"));
    assert_eq!(exit1.labels.get("note").map(String::as_str), Some("a,b=c"));
    assert_eq!(
        exit1
            .labels
            .get("com.docker.compose.project")
            .map(String::as_str),
        Some("probe")
    );
    assert_eq!(
        exit1.started_at,
        Some("2026-11-27T22:38:28.463697115Z".parse().unwrap())
    );
    assert_eq!(
        exit1.finished_at,
        Some("2026-11-27T22:38:28.483262964Z".parse().unwrap())
    );
    assert_eq!(exit1.error, None);

    let killed = by_name(&list, "medic-probe-killed");
    assert_eq!((killed.exit_code, killed.oom_killed), (Some(137), false));

    let sick = by_name(&list, "medic-probe-unhealthy");
    assert_eq!(sick.state, ContainerState::Running);
    assert_eq!(sick.health, Some(Health::Unhealthy));
    assert!(sick.failing_streak.unwrap() >= 3);
    assert_eq!(sick.last_health_output.as_deref(), Some("checking"));
    assert_eq!(sick.exit_code, None);
    assert_eq!(sick.finished_at, None);

    let well = by_name(&list, "medic-probe-healthy");
    assert_eq!(well.health, Some(Health::Healthy));
    assert_eq!(well.restart_policy.as_deref(), Some("unless-stopped"));
    assert_eq!(
        (well.failing_streak, well.last_health_output.as_deref()),
        (Some(0), None)
    );

    let starting = by_name(&list, "medic-probe-starting");
    assert_eq!(starting.health, Some(Health::Starting));

    let created = by_name(&list, "medic-probe-created");
    assert_eq!(created.state, ContainerState::Created);
    assert_eq!(
        (created.started_at, created.finished_at, created.exit_code),
        (None, None, None)
    );
    assert!(created.labels.is_empty());

    assert_eq!(
        by_name(&list, "medic-probe-paused").state,
        ContainerState::Paused
    );
}

#[test]
fn ps_only_falls_back_to_status_text_and_ps_labels() {
    let list = parse_containers(PS, "").unwrap();
    assert_eq!(list.len(), 7);
    assert!(
        list.iter()
            .all(|c| c.inspect.is_none() && c.started_at.is_none())
    );
    assert_eq!(
        by_name(&list, "medic-probe-unhealthy").health,
        Some(Health::Unhealthy)
    );
    assert_eq!(
        by_name(&list, "medic-probe-healthy").health,
        Some(Health::Healthy)
    );
    assert_eq!(
        by_name(&list, "medic-probe-starting").health,
        Some(Health::Starting)
    );
    assert_eq!(by_name(&list, "medic-probe-killed").exit_code, Some(137));
    let exit1 = by_name(&list, "medic-probe-exit1");
    assert_eq!(exit1.exit_code, Some(1));
    // `note=a,b=c` is ambiguous in ps; inspect is the source of truth.
    assert_eq!(
        exit1
            .labels
            .get("com.docker.compose.project")
            .map(String::as_str),
        Some("probe")
    );
    assert!(exit1.labels.contains_key("note"));
}

#[test]
fn inspect_race_keeps_every_ps_row() {
    let list = parse_containers(PS, include_str!("../fixtures/docker_inspect_race.json")).unwrap();
    assert_eq!(list.len(), 7);
    assert_eq!(list.iter().filter(|c| c.inspect.is_some()).count(), 1);
    assert!(by_name(&list, "medic-probe-exit1").inspect.is_some());
}

#[test]
fn newer_cli_health_status_field_and_odd_values() {
    let ps = r#"{"ID":"abc123abc123abc1","Names":"web,other/alias","Image":"nginx","State":"restarting","Status":"Restarting (2) 3 seconds ago","HealthStatus":"unhealthy","IPAddresses":[{"Network":"n","IP":"10.0.0.2"}],"Platform":{"os":"linux"}}"#;
    let list = parse_containers(ps, "").unwrap();
    assert_eq!(list[0].name, "web");
    assert_eq!(list[0].state, ContainerState::Restarting);
    assert_eq!(list[0].health, Some(Health::Unhealthy));
    assert_eq!(list[0].exit_code, Some(2));
    let ps = r#"{"ID":"x","State":"weird","Status":""}"#;
    assert_eq!(
        parse_containers(ps, "").unwrap()[0].state,
        ContainerState::Other("weird".into())
    );
}

#[test]
fn long_health_output_is_cut_to_500_chars() {
    let ps = r#"{"ID":"f00","Names":"n","Image":"i","State":"running","Status":"Up"}"#;
    let long = "é".repeat(800);
    let inspect = format!(
        r#"[{{"Id":"f00","Name":"/n","State":{{"Status":"running","Error":"boom","OOMKilled":true,"Health":{{"Status":"unhealthy","FailingStreak":4,"Log":[{{"Output":"old"}},{{"Output":"  {long}  "}}]}}}},"Config":{{"Labels":null}}}}]"#
    );
    let c = &parse_containers(ps, &inspect).unwrap()[0];
    assert_eq!(c.last_health_output.as_ref().unwrap().chars().count(), 500);
    assert_eq!(
        (c.error.as_deref(), c.oom_killed, c.failing_streak),
        (Some("boom"), true, Some(4))
    );
    assert!(c.labels.is_empty());
    assert_eq!(c.restart_count, 0);
}

#[test]
fn garbage_is_an_error() {
    let cases = [
        (
            r#"{"ID": "abc","#,
            "docker ps output line 1 is not valid json",
        ),
        (
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
            "docker ps output line 1 is not valid json",
        ),
        (
            include_str!("../fixtures/docker_no_daemon.txt"),
            "docker ps output line 1 is not valid json",
        ),
        (
            include_str!("../fixtures/docker_permission_denied.txt"),
            "docker ps output line 1 is not valid json",
        ),
        (r#"{"Names":"x"}"#, "docker ps output line 1 has no \"ID\""),
        ("[1,2]", "docker ps output line 1 is not a json object"),
        (
            r#"{"ID":7}"#,
            "docker ps output line 1 has an unexpected field type",
        ),
    ];
    for (ps, want) in cases {
        let e = parse_containers(ps, "").unwrap_err().to_string();
        assert!(e.starts_with(want), "{e}");
        assert!(e.len() < 400, "{e}");
    }
    let e = parse_containers(PS, "[{\"Id\": \"abc\",")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("docker inspect output is not a json array"),
        "{e}"
    );
    let e = parse_containers(PS, "{}").unwrap_err().to_string();
    assert!(
        e.starts_with("docker inspect output is not a json array"),
        "{e}"
    );
    let e = parse_containers(PS, "[{\"Name\":\"x\"}]")
        .unwrap_err()
        .to_string();
    assert!(e.contains("without") || e.contains("not an object"), "{e}");
    assert_eq!(parse_containers("", "").unwrap(), vec![]);
    assert_eq!(parse_containers("\n\n", "[]").unwrap(), vec![]);
}

#[test]
fn serde_round_trip() {
    let list = parse_containers(PS, INSPECT).unwrap();
    let json = serde_json::to_value(&list).unwrap();
    assert_eq!(json[0]["state"], "running");
    let exit1 = json
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "medic-probe-exit1")
        .unwrap();
    assert_eq!(exit1["started_at"], "2026-11-27T22:38:28.463697115Z");
    let back: Vec<Container> = serde_json::from_value(json).unwrap();
    assert_eq!(back, list);
}
