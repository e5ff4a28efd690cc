//! Reports, STATUS.md and commits, on real Git repositories in temp dirs.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use jiff::Timestamp;

use super::*;
use crate::analyze::Target;
use crate::store::{EventRecord, IncidentRecord};

fn incident(status: &str) -> IncidentRecord {
    let opened: Timestamp = "2026-11-27T22:40:00Z".parse().expect("timestamp");
    let resolved: Timestamp = "2026-11-27T22:43:12Z".parse().expect("timestamp");
    let mut events = vec![EventRecord {
        at: opened,
        kind: "opened".into(),
        message: "container `calibre` on `nas` exited with code 1".into(),
    }];
    if status == "resolved" {
        events.push(EventRecord {
            at: resolved,
            kind: "resolved".into(),
            message: "the container is healthy again".into(),
        });
    }
    IncidentRecord {
        id: 42,
        fingerprint: "container_stopped:nas/container/calibre".into(),
        kind: "container_stopped".into(),
        target: Target::Container {
            host: "nas".into(),
            name: "calibre".into(),
        },
        severity: "critical".into(),
        status: status.into(),
        summary: "container `calibre` on `nas` exited with code 1".into(),
        facts: BTreeMap::from([
            ("exit_code".into(), "1".into()),
            ("status".into(), "Exited (1) | 3 minutes ago".into()),
        ]),
        started_at: Some("2026-11-27T22:39:30Z".parse().expect("timestamp")),
        opened_at: opened,
        last_seen_at: opened,
        resolved_at: (status == "resolved").then_some(resolved),
        resolution: (status == "resolved").then(|| "the container is healthy again".into()),
        observations: 3,
        escalation: None,
        reported_status: None,
        context: None,
        diagnosis: None,
        diagnosed: false,
        events,
        actions: Vec::new(),
        symptoms: Vec::new(),
    }
}

#[test]
fn a_report_has_front_matter_timeline_and_evidence() {
    let report = render_report(&incident("resolved")).expect("renders");
    let expected = r#"---
id: 42
status: resolved
kind: container_stopped
severity: critical
fingerprint: "container_stopped:nas/container/calibre"
target: {"type": "container", "host": "nas", "name": "calibre"}
target_key: "nas/container/calibre"
host: "nas"
summary: "container `calibre` on `nas` exited with code 1"
escalation: null
diagnosed: false
diagnosis: null
facts: {"exit_code": "1", "status": "Exited (1) | 3 minutes ago"}
opened_at: 2026-11-27T22:40:00Z
started_at: 2026-11-27T22:39:30Z
resolved_at: 2026-11-27T22:43:12Z
---

# #42 container stopped: nas/container/calibre

✅ **resolved** · severity **critical** · host `nas` · opened 2026-11-27 22:40:00 · resolved 2026-11-27 22:43:12 after 3m 12s

container `calibre` on `nas` exited with code 1

**Resolved:** the container is healthy again. Time to recover: 3m 42s from the first sign of failure.

## Diagnosis

Not diagnosed yet.

## Timeline

| time (UTC) | event |
|---|---|
| 2026-11-27 22:39:30 | failure began (best evidence) |
| 2026-11-27 22:40:00 | opened: container `calibre` on `nas` exited with code 1 |
| 2026-11-27 22:43:12 | resolved: the container is healthy again |

## Evidence

| fact | value |
|---|---|
| exit_code | 1 |
| status | Exited (1) \| 3 minutes ago |

---
Fingerprint `container_stopped:nas/container/calibre`. Written by medic; edits here are overwritten when the incident changes.
"#;
    assert_eq!(report, expected);
    assert_eq!(
        report_path(&incident("open")),
        Path::new("reports/incidents/2026-11/00042-container-stopped-nas-container-calibre.md")
    );
}

#[test]
fn front_matter_reads_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    for status in ["open", "resolved"] {
        let mut i = incident(status);
        i.id = if status == "open" { 1 } else { 2 };
        let path = dir.path().join(report_path(&i));
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, render_report(&i).expect("renders")).expect("write");
    }
    let back = reported_incidents(dir.path()).expect("reads");
    assert_eq!(
        back.iter()
            .map(|r| (r.id, r.status.as_str()))
            .collect::<Vec<_>>(),
        vec![(1, "open"), (2, "resolved")]
    );
    assert_eq!(
        back[0].target,
        Target::Container {
            host: "nas".into(),
            name: "calibre".into()
        }
    );
    assert_eq!(
        back[0].fingerprint,
        "container_stopped:nas/container/calibre"
    );
    assert_eq!(back[1].resolved_at, incident("resolved").resolved_at);
    assert_eq!(
        back[1].facts,
        incident("resolved").facts,
        "evidence comes back"
    );
    let events: Vec<(String, String)> = back[1]
        .events
        .iter()
        .map(|(_, k, m)| (k.clone(), m.clone()))
        .collect();
    assert_eq!(
        events,
        vec![
            (
                "opened".to_string(),
                "container `calibre` on `nas` exited with code 1".to_string()
            ),
            (
                "resolved".to_string(),
                "the container is healthy again".to_string()
            ),
        ]
    );
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn repo_with_a_commit() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["config", "user.name", "Ada"]);
    git(dir.path(), &["config", "user.email", "ada@example.test"]);
    std::fs::write(dir.path().join("README"), "ops\n").expect("write");
    git(dir.path(), &["add", "README"]);
    git(dir.path(), &["commit", "-qm", "start"]);
    dir
}

#[test]
fn commits_only_changes_and_leaves_staged_work_alone() {
    let dir = repo_with_a_commit();
    std::fs::write(dir.path().join("notes.txt"), "a person's staged work\n").expect("write");
    git(dir.path(), &["add", "notes.txt"]);
    let repo = OpsRepo::open(dir.path()).expect("opens");
    let file = |content: &str| vec![RepoFile::write("reports/STATUS.md", content.into())];

    let first = repo
        .commit_files(&file("one\n"), "medic: first\n")
        .expect("commits");
    assert!(first.is_some());
    assert_eq!(
        repo.commit_files(&file("one\n"), "medic: again\n")
            .expect("no-op"),
        None
    );
    assert!(
        repo.commit_files(&file("two\n"), "medic: second\n")
            .expect("commits")
            .is_some()
    );

    assert_eq!(
        git(dir.path(), &["log", "--format=%s %an"]),
        "medic: second medic\nmedic: first medic\nstart Ada\n"
    );
    assert_eq!(
        git(dir.path(), &["show", "--name-only", "--format=", "HEAD"]),
        "reports/STATUS.md\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("reports/STATUS.md")).expect("written"),
        "two\n"
    );
    assert_eq!(
        git(dir.path(), &["status", "--porcelain"]),
        "A  notes.txt\n"
    );
}

#[test]
fn works_below_the_work_tree_root_and_on_an_unborn_branch() {
    let dir = tempfile::tempdir().expect("tempdir");
    git(dir.path(), &["init", "-q", "-b", "main"]);
    let ops = dir.path().join("ops");
    std::fs::create_dir_all(&ops).expect("mkdir");
    let repo = OpsRepo::open(&ops).expect("opens");
    repo.commit_files(
        &[RepoFile::write(
            "reports/STATUS.md",
            "x
"
            .into(),
        )],
        "medic: first\n",
    )
    .expect("commits");
    assert_eq!(git(dir.path(), &["ls-files"]), "ops/reports/STATUS.md\n");
    assert_eq!(git(dir.path(), &["status", "--porcelain"]), "");
}

#[test]
fn a_folder_outside_git_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let error = OpsRepo::open(dir.path())
        .err()
        .expect("not a repository")
        .to_string();
    assert!(error.contains("is not inside a git repository"), "{error}");
}
