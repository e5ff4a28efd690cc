//! The store on real SQLite files: migration, WAL, incidents' life cycle.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::*;
use crate::analyze::{Finding, FindingKind, IncidentChanges, Resolution, Severity, Target};

fn finding() -> Finding {
    Finding {
        kind: FindingKind::ContainerStopped,
        target: Target::Container {
            host: "nas".into(),
            name: "calibre".into(),
        },
        severity: Severity::Critical,
        summary: "container `calibre` on `nas` exited with code 1".into(),
        facts: BTreeMap::from([("exit_code".into(), "1".into())]),
        since: None,
    }
}

fn run_row(conn: &Connection) -> i64 {
    conn.execute("INSERT INTO runs (started_at) VALUES (0)", [])
        .expect("run");
    conn.last_insert_rowid()
}

#[test]
fn opens_migrates_once_and_uses_wal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("state/medic.db");
    let conn = open(&path).expect("creates");
    assert_eq!(schema_version(&conn).expect("version"), 6);
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .expect("mode");
    assert_eq!(mode, "wal");
    drop(conn);
    let conn = open(&path).expect("reopens without migrating again");
    assert_eq!(schema_version(&conn).expect("version"), 6);
}

#[test]
fn a_database_from_a_newer_medic_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("medic.db");
    drop(open(&path).expect("creates"));
    let conn = Connection::open(&path).expect("raw open");
    conn.pragma_update(None, "user_version", 99).expect("bump");
    drop(conn);
    let error = open(&path).expect_err("refused").to_string();
    assert_eq!(
        error,
        "database schema version 99 is newer than this medic knows (6); upgrade medic"
    );
}

#[test]
fn incidents_open_persist_resolve_and_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut conn = open(&dir.path().join("medic.db")).expect("creates");
    let now = Timestamp::from_second(1_800_000_000).expect("time");

    let tx = conn.transaction().expect("tx");
    let run = run_row(&tx);
    let changes = IncidentChanges {
        opened: vec![finding()],
        ..Default::default()
    };
    let applied = apply_changes(&tx, run, &changes, now).expect("applies");
    tx.commit().expect("commit");
    let id = applied.opened[0];
    let open_now = open_incidents(&conn).expect("open");
    assert_eq!(open_now.len(), 1);
    assert_eq!(
        open_now[0].fingerprint,
        "container_stopped:nas/container/calibre"
    );
    assert_eq!(unreported(&conn).expect("unreported").len(), 1);
    mark_reported(&conn, &[(id, "open".into())]).expect("mark");
    assert!(unreported(&conn).expect("unreported").is_empty());

    let tx = conn.transaction().expect("tx");
    let run = run_row(&tx);
    let persisting = IncidentChanges {
        persisting: vec![(id, finding())],
        ..Default::default()
    };
    apply_changes(&tx, run, &persisting, now).expect("applies");
    let duplicate = IncidentChanges {
        opened: vec![finding()],
        ..Default::default()
    };
    assert!(
        apply_changes(&tx, run, &duplicate, now).is_err(),
        "one open incident per fingerprint"
    );
    drop(tx);

    let tx = conn.transaction().expect("tx");
    let run = run_row(&tx);
    let resolved = IncidentChanges {
        resolved: vec![Resolution {
            id,
            reason: "healthy again".into(),
        }],
        ..Default::default()
    };
    apply_changes(&tx, run, &resolved, now).expect("applies");
    tx.commit().expect("commit");
    let record = incident(&conn, id).expect("query").expect("exists");
    assert_eq!(record.status, "resolved");
    assert_eq!(
        record
            .events
            .iter()
            .map(|e| e.kind.as_str())
            .collect::<Vec<_>>(),
        vec!["opened", "resolved"]
    );
    assert_eq!(record.facts["exit_code"], "1");
    assert!(open_incidents(&conn).expect("open").is_empty());
    assert_eq!(
        unreported(&conn).expect("unreported").len(),
        1,
        "the resolution still needs its report"
    );
}
