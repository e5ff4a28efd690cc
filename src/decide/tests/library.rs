//! Table tests of playbook selection and the plan's shape: one decision
//! per incident in id order, verdict names.

use super::*;

#[test]
fn selection() {
    use FindingKind::{ContainerStopped, ContainerUnhealthy};
    let generic = || playbook("a-generic", Risk::Low, &[(ContainerStopped, &[])]);
    let oom = || {
        playbook(
            "z-oom",
            Risk::Medium,
            &[(ContainerStopped, &[("oom_killed", "true")])],
        )
    };
    let cases: Vec<(&str, World, Option<&str>)> = vec![
        (
            "the trigger with more matching facts wins over the name",
            World::new()
                .playbooks(vec![generic(), oom()])
                .facts(&[("oom_killed", "true")]),
            Some("z-oom"),
        ),
        (
            "a trigger whose facts do not match is not chosen",
            World::new()
                .playbooks(vec![generic(), oom()])
                .facts(&[("oom_killed", "false")]),
            Some("a-generic"),
        ),
        (
            "a missing fact does not match",
            World::new().playbooks(vec![oom(), generic()]),
            Some("a-generic"),
        ),
        (
            "ties go by name",
            World::new().playbooks(vec![
                playbook("b-restart", Risk::Low, &[(ContainerStopped, &[])]),
                playbook("a-restart", Risk::Low, &[(ContainerStopped, &[])]),
                playbook("c-restart", Risk::Low, &[(ContainerStopped, &[])]),
            ]),
            Some("a-restart"),
        ),
        (
            "only the matching trigger's facts count",
            World::new()
                .playbooks(vec![
                    playbook(
                        "a-many",
                        Risk::Low,
                        &[
                            (
                                ContainerStopped,
                                &[("image", "x"), ("exit_code", "1"), ("oom_killed", "true")],
                            ),
                            (ContainerStopped, &[]),
                        ],
                    ),
                    playbook(
                        "b-one",
                        Risk::Low,
                        &[(ContainerStopped, &[("exit_code", "137")])],
                    ),
                ])
                .facts(&[("exit_code", "137")]),
            Some("b-one"),
        ),
        (
            "the most specific of a playbook's matching triggers counts",
            World::new()
                .playbooks(vec![
                    playbook(
                        "a-two",
                        Risk::Low,
                        &[
                            (ContainerStopped, &[]),
                            (
                                ContainerStopped,
                                &[("exit_code", "137"), ("oom_killed", "true")],
                            ),
                        ],
                    ),
                    playbook(
                        "b-one",
                        Risk::Low,
                        &[(ContainerStopped, &[("exit_code", "137")])],
                    ),
                ])
                .facts(&[("exit_code", "137"), ("oom_killed", "true")]),
            Some("a-two"),
        ),
        (
            "another kind does not match",
            World::new().playbooks(vec![playbook(
                "fix-health",
                Risk::Low,
                &[(ContainerUnhealthy, &[])],
            )]),
            None,
        ),
        (
            "an empty library selects nothing",
            World::new().playbooks(Vec::new()),
            None,
        ),
        (
            "a blocked playbook is still selected (and then escalates)",
            World::new()
                .playbooks(vec![
                    generic(),
                    playbook(
                        "z-block",
                        Risk::Blocked,
                        &[(ContainerStopped, &[("oom_killed", "true")])],
                    ),
                ])
                .facts(&[("oom_killed", "true")]),
            Some("z-block"),
        ),
    ];
    for (name, world, expected) in cases {
        let plan = world.plan();
        assert_eq!(plan.decisions[0].playbook.as_deref(), expected, "{name}");
    }
}

#[test]
fn no_playbook() {
    let plan = World::new().playbooks(Vec::new()).plan();
    let decision = &plan.decisions[0];
    assert_eq!(decision.verdict, NoPlaybook, "no playbook: verdict");
    assert_eq!(decision.risk, None, "no playbook: risk");
    assert_eq!(decision.playbook, None, "no playbook: playbook");
    assert_eq!(
        decision.reason, "no playbook in the library remedies a `container stopped` finding",
        "no playbook: reason"
    );
    // No playbook comes first: a data tag, a pause or an open breaker does not change it.
    let plan = World::new()
        .playbooks(Vec::new())
        .tags(&["production-data"])
        .pause(None, "x")
        .tries(&[(10, Failed), (5, Failed)])
        .plan();
    assert_eq!(
        plan.decisions[0].verdict, NoPlaybook,
        "no playbook before other rules"
    );
}

#[test]
fn plan_shape() {
    let world = World::new()
        .incident(incident(7, "pi", "pihole"))
        .incident(incident(3, "nas", "db"));
    let mut reversed = World::new();
    reversed.incidents = world.incidents.iter().rev().cloned().collect();
    for (name, world) in [("given order", world), ("reversed order", reversed)] {
        let plan = world.plan();
        let ids: Vec<i64> = plan.decisions.iter().map(|d| d.incident).collect();
        assert_eq!(
            ids,
            [1, 3, 7],
            "{name}: one decision per incident in id order"
        );
        let first = &plan.decisions[0];
        assert_eq!(first.target.key(), APP, "{name}: target");
        assert_eq!(first.kind, FindingKind::ContainerStopped, "{name}: kind");
        assert_eq!(first.playbook.as_deref(), Some(RESTART), "{name}: playbook");
        assert_eq!(first.risk, Some(Risk::Low), "{name}: risk");
    }
    let plan = World::new().incidents_none().plan();
    assert_eq!(plan.decisions, [], "no incidents: no decisions");
}

#[test]
fn verdict_names() {
    let cases = [
        (execute(), "execute"),
        (execute_for_ada(), "execute"),
        (RequestApproval, "request_approval"),
        (Verdict::AwaitApproval { approval: 1 }, "await_approval"),
        (Hold, "hold"),
        (Escalate, "escalate"),
        (NoPlaybook, "no_playbook"),
    ];
    for (verdict, name) in cases {
        assert_eq!(verdict.as_str(), name, "{verdict:?}: as_str");
        let json = serde_json::to_value(&verdict).expect("a verdict serializes");
        assert_eq!(json["verdict"], name, "{verdict:?}: serialized tag");
    }
}
