//! An invalid inventory: `medic check` reports every problem with its place
//! and exits 2; `medic run` refuses and changes nothing.

use crate::support::Ops;

const BROKEN: &str = "\
hosts:
  nas:
    adress: 10.0.0.5
    containers: all
  pi:
    address: 10.0.0.6
    port: twenty-two
";

#[test]
fn check_reports_a_typo_and_a_wrong_type_with_file_line_and_column() {
    let ops = Ops::new(BROKEN);
    let check = ops.medic(&["check"]);
    assert_eq!(check.code(), 2, "{check}");
    let file = ops
        .path()
        .join("inventory/hosts.yaml")
        .display()
        .to_string();
    assert_eq!(
        check.stderr(),
        format!(
            "{file}:3:5: unknown key `adress` in `hosts.nas` (did you mean `address`?)\n\
             {file}:7:11: expected an integer from 0 to 65535 for `hosts.pi.port`, found `twenty-two`\n\
             medic check: 2 problem(s) in the configuration\n"
        )
    );
}

#[test]
fn run_refuses_an_invalid_inventory_and_changes_nothing() {
    let ops = Ops::new(BROKEN);
    let head = ops.git(&["rev-parse", "HEAD"]);
    let run = ops.medic(&["run"]);
    assert_eq!(run.code(), 2, "{run}");
    assert!(
        run.stderr()
            .contains("refusing to run on an invalid configuration; nothing was changed"),
        "{run}"
    );
    assert!(
        run.stderr()
            .contains("hosts.yaml:3:5: unknown key `adress`"),
        "{run}"
    );
    assert!(!ops.path().join(".medic").exists(), "no database, no lock");
    assert!(!ops.path().join("reports").exists());
    assert_eq!(ops.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(ops.git(&["status", "--porcelain"]), "");
}

#[test]
fn a_valid_inventory_checks_clean() {
    let ops = Ops::new("hosts:\n  here:\n    transport: local\n");
    let check = ops.medic(&["check"]);
    assert_eq!(check.code(), 0, "{check}");
    assert_eq!(
        check.stdout(),
        "configuration ok: 1 host(s), 0 group(s), 0 check(s), 0 playbook(s), 0 diagnosis rule(s)\n"
    );
}

#[test]
fn check_validates_playbooks_as_strictly_as_the_inventory() {
    let ops = Ops::new("hosts:\n  here:\n    transport: local\n");
    ops.commit_file(
        "playbooks/fix.yaml",
        "name: fix\ndescription: x\nrisk: low\ntriggers:\n  - kind: container_stoped\nsteps:\n  - contaner: restart\n  - run: echo {{ params.nope }}\n",
        "a broken playbook",
    );
    let check = ops.medic(&["check"]);
    assert_eq!(check.code(), 2, "{check}");
    let stderr = check.stderr();
    let file = ops.path().join("playbooks/fix.yaml").display().to_string();
    for expected in [
        format!("{file}:5:11: unknown value `container_stoped`"),
        format!("{file}:7:5: unknown step kind `contaner`"),
        format!("{file}:8:10:"),
    ] {
        assert!(
            stderr.contains(&expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
    assert!(stderr.contains("params.nope"), "{stderr}");
    assert_eq!(
        ops.medic(&["run"]).code(),
        2,
        "nothing runs on an invalid playbook"
    );
}
