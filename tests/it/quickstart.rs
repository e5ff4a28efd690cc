//! The README's quick start on a fresh clone: `medic run` in the checkout
//! sweeps localhost with the shipped inventory and prints a status table.

use std::path::Path;
use std::process::Command;

use crate::support::{Ops, medic_bin};

#[test]
fn medic_run_on_a_fresh_clone_sweeps_localhost_and_prints_a_table() {
    let project = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shipped = std::fs::read_to_string(project.join("inventory/localhost.yaml"))
        .expect("the shipped inventory");
    let clone = Ops::new("");
    std::fs::remove_file(clone.path().join("inventory/hosts.yaml")).expect("remove placeholder");
    clone.write("inventory/localhost.yaml", &shipped);
    clone.write(
        ".gitignore",
        &std::fs::read_to_string(project.join(".gitignore")).expect(".gitignore"),
    );
    clone.git(&["add", "-A"]);
    clone.git(&["commit", "-qm", "fresh clone"]);

    // Exactly the README's command, in the checkout: no --repo, no --db.
    let out = Command::new(medic_bin())
        .arg("run")
        .current_dir(clone.path())
        .output()
        .expect("medic runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("1/1 hosts reached"), "{stdout}");
    let header = stdout
        .lines()
        .find(|l| l.contains("host") && l.contains("state"))
        .expect("a table header");
    assert!(
        header.contains("containers") && header.contains("disks"),
        "{header}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("localhost") && l.contains(" up ")),
        "{stdout}"
    );
    assert!(clone.path().join(".medic/medic.db").exists());
    assert!(
        clone
            .read("reports/STATUS.md")
            .contains("| localhost | ✅ up |")
    );
    assert_eq!(
        clone.git(&["status", "--porcelain"]),
        "",
        "the state dir is ignored, reports are committed"
    );

    let status = Command::new(medic_bin())
        .arg("status")
        .current_dir(clone.path())
        .output()
        .expect("medic status");
    assert!(String::from_utf8_lossy(&status.stdout).contains("localhost"));
}
