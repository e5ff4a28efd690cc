//! `medic plan` for a mixed set of incidents: what each would get and why,
//! compared with a reviewed snapshot.

use crate::lab::{FakeContainer, FakeUnit, Lab};
use crate::support::Ops;

#[test]
fn plan_for_a_mixed_set_of_incidents() {
    let lab = Lab::new()
        .host("box", |h| {
            h.container(FakeContainer::exited("app", 1))
                .unit(FakeUnit::not_found("backup.service"))
        })
        .host("db", |h| {
            h.container(FakeContainer::exited("postgres", 1).image("postgres:16"))
        })
        .host("vault", |h| h.container(FakeContainer::exited("app", 1)))
        .host("web", |h| h.container(FakeContainer::exited("nginx", 1)))
        .start();
    let ops = Ops::with_playbooks(&format!(
        "{}groups:\n  data:\n    hosts: [vault]\n    tags: [production-data]\n  front:\n    hosts: [web]\n    tags: [critical]\n",
        lab.inventory_yaml()
    ));
    // Observe only, so every incident is still open for the plan.
    ops.medic_ok(&["pause", "--reason", "plan snapshot"]);
    ops.medic_ok(&["run"]);
    let paused = ops.medic_ok(&["plan"]).stdout();
    assert!(paused.starts_with("paused by Ada Operator"), "{paused}");
    ops.medic_ok(&["resume"]);

    let plan = ops.medic_ok(&["plan"]).stdout();
    // Approval expiry is a wall-clock time; everything else is stable.
    insta::with_settings!({filters => vec![(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "[approval expiry]   ")]}, {
        insta::assert_snapshot!(plan);
    });
    for host in ["box", "db", "vault", "web"] {
        assert_eq!(
            lab.host(host)
                .docker_calls()
                .iter()
                .filter(|c| c.contains("restart"))
                .count(),
            0,
            "plan changes nothing"
        );
    }
}
