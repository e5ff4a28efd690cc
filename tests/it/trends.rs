//! A disk filling steadily across sweeps: medic predicts when it will be
//! full, opens a proactive incident before the threshold is crossed, and
//! runs the clean-up playbook.

use crate::lab::{FakeContainer, GIB, Lab};
use crate::support::Ops;

#[test]
fn a_disk_filling_steadily_gets_a_proactive_incident_and_a_clean_up_before_it_is_full() {
    let lab = Lab::new()
        .host("box", |h| {
            h.container(FakeContainer::running("app"))
                .disk("/", 100 * GIB, 79 * GIB)
        })
        .start();
    let ops = Ops::with_playbooks(&format!(
        "{}policy:\n  verify_timeout: 5s\n",
        lab.inventory_yaml()
    ));
    ops.medic_ok(&["run"]);
    assert!(ops.open_incidents().is_empty());

    // Three hours of sweeps, one every 6 minutes: 79% → 85%, 2 points an hour.
    let now = jiff::Timestamp::now().as_second();
    let db = ops.db();
    let target: i64 = db
        .query_row("SELECT id FROM targets WHERE key = 'box/disk//'", [], |r| {
            r.get(0)
        })
        .expect("the disk target");
    db.execute(
        "DELETE FROM samples WHERE target_id = ?1 AND metric = 'used_percent'",
        [target],
    )
    .expect("clear");
    for i in 0..30 {
        let at = now - 3 * 3600 + i * 360;
        let used = 79.0 + 6.0 * (i as f64) / 30.0;
        db.execute("INSERT INTO samples (target_id, metric, at, value) VALUES (?1, 'used_percent', ?2, ?3)", rusqlite::params![target, at, used])
            .expect("a sample");
    }
    drop(db);
    lab.host("box")
        .set_disk("/", 100 * GIB, 85 * GIB)
        .prune_frees("/", 40 * GIB);

    ops.medic_ok(&["run"]);
    let incidents = ops.incidents();
    assert_eq!(incidents.len(), 1, "{incidents:#?}");
    let disk = &incidents[0];
    assert_eq!(
        (disk.kind.as_str(), disk.target.key().as_str()),
        ("disk_filling_up", "box/disk//")
    );
    assert!(
        disk.summary.contains("fills up in about"),
        "{}",
        disk.summary
    );
    let predicted: jiff::Timestamp = disk.facts["predicted_at"]
        .parse()
        .expect("a predicted time");
    let hours = (predicted.as_second() - now) as f64 / 3600.0;
    assert!(
        (6.5..8.5).contains(&hours),
        "about 7.5 hours to full, predicted {hours:.2}h"
    );
    assert!(
        ops.incidents()
            .iter()
            .all(|i| i.kind != "disk_above_threshold"),
        "the threshold was not crossed"
    );
    let calls = lab.host("box").docker_calls();
    assert!(
        calls.iter().any(|c| c.starts_with("docker image prune")),
        "{calls:#?}"
    );
    assert_eq!(disk.actions[0].playbook, "free-disk-space");
    assert!(!disk.is_open(), "cleaned up and verified: {disk:#?}");
    assert!(ops.report_of(disk.id).contains("predicted_at"));
}

#[test]
fn every_run_rolls_samples_older_than_the_raw_window_into_hourly_rows() {
    let lab = Lab::new()
        .host("box", |h| h.disk("/", 100 * GIB, 50 * GIB))
        .start();
    let ops = Ops::with_playbooks(&format!(
        "{}policy:\n  retention: {{raw: 8d, hourly: 30d}}\n",
        lab.inventory_yaml()
    ));
    ops.medic_ok(&["run"]);

    // Four samples in one hour 10 days ago (past the 8-day raw window), one
    // 40 days ago (past the hourly window too), one from yesterday.
    let now = jiff::Timestamp::now().as_second();
    let hour_10_days_ago = (now - 10 * 86_400) / 3600 * 3600;
    let db = ops.db();
    let target: i64 = db
        .query_row("SELECT id FROM targets WHERE key = 'box/disk//'", [], |r| {
            r.get(0)
        })
        .expect("the disk target");
    let old = [
        (hour_10_days_ago, 40.0),
        (hour_10_days_ago + 60, 42.0),
        (hour_10_days_ago + 120, 44.0),
        (hour_10_days_ago + 3599, 46.0),
        (now - 40 * 86_400, 10.0),
        (now - 86_400, 49.0),
    ];
    for (at, used) in old {
        db.execute(
            "INSERT INTO samples (target_id, metric, at, value) VALUES (?1, 'used_percent', ?2, ?3)",
            rusqlite::params![target, at, used],
        )
        .expect("a sample");
    }
    // As a database from before retention: the next run rolls all history.
    db.execute(
        "UPDATE retention_marks SET raw_before = 0, hourly_before = 0, daily_before = 0",
        [],
    )
    .expect("reset the marks");
    drop(db);

    ops.medic_ok(&["run"]);
    let db = ops.db();
    let raw_before_window: i64 = db
        .query_row(
            "SELECT count(*) FROM samples WHERE at < ?1",
            [now - 8 * 86_400],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(
        raw_before_window, 0,
        "nothing raw older than 8 days is left"
    );
    let hourly: (f64, f64, f64, i64) = db
        .query_row(
            "SELECT min, max, mean, count FROM samples_hourly \
             WHERE target_id = ?1 AND metric = 'used_percent' AND hour = ?2",
            rusqlite::params![target, hour_10_days_ago],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("the hour 10 days ago, rolled up");
    assert_eq!(hourly, (40.0, 46.0, 43.0, 4));
    let daily: i64 = db
        .query_row(
            "SELECT count FROM samples_daily WHERE target_id = ?1 AND metric = 'used_percent'",
            [target],
            |r| r.get(0),
        )
        .expect("the sample 40 days ago, rolled into its day");
    assert_eq!(daily, 1);
    let recent: i64 = db
        .query_row(
            "SELECT count(*) FROM samples WHERE target_id = ?1 AND metric = 'used_percent' AND at = ?2",
            rusqlite::params![target, now - 86_400],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(recent, 1, "yesterday's sample stays raw");
}
