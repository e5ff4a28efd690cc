//! Two `medic run` at once: exactly one sweeps, the other exits at once with
//! the lock message and touches neither the database nor the repository.

use std::time::{Duration, Instant};

use crate::lab::{FakeContainer, Lab};
use crate::support::Ops;

#[test]
fn two_runs_started_together_sweep_once() {
    let lab = Lab::new()
        .host("slow", |h| h.container(FakeContainer::exited("app", 1)))
        .start();
    // A slow docker keeps the first run inside its sweep while the second starts.
    lab.host("slow").docker_hangs(3);
    let ops = Ops::new(&lab.inventory_yaml());

    let first = ops.spawn_medic(&["run"]);
    let second = ops.spawn_medic(&["run"]);
    let started = Instant::now();
    let outputs = [
        first.wait_with_output().expect("first run"),
        second.wait_with_output().expect("second run"),
    ];

    let codes: Vec<i32> = outputs
        .iter()
        .map(|o| o.status.code().unwrap_or(-1))
        .collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        vec![0, 3],
        "one sweeps, one is locked out: {outputs:#?}"
    );
    let locked = &outputs[codes.iter().position(|c| *c == 3).expect("a locked run")];
    let message = String::from_utf8_lossy(&locked.stderr);
    assert!(
        message.contains("another `medic run` is in progress on this repository (pid "),
        "{message}"
    );
    assert!(message.contains("nothing was done"), "{message}");
    assert!(locked.stdout.is_empty());
    assert_eq!(ops.runs(), 1, "exactly one sweep was stored");
    assert_eq!(ops.open_incidents().len(), 1);
    assert_eq!(ops.subjects().len(), 2, "one commit by the run that swept");
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn the_lock_is_released_when_a_run_ends() {
    let ops = Ops::new("hosts:\n  here:\n    transport: local\n    containers: none\n");
    ops.medic_ok(&["run", "--quiet"]);
    let again = ops.medic_ok(&["run", "--quiet"]);
    assert_eq!(again.stdout(), "", "--quiet prints nothing");
    assert_eq!(ops.runs(), 2);
}
