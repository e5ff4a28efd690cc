//! Retention on real SQLite files: exact rollups of a small seeded series,
//! the window's edge, idempotence, hourly → daily, late samples, pruning,
//! trends across raw and rolled-up rows, and the query plans.

use std::time::Duration;

use jiff::Timestamp;
use rusqlite::{Connection, params};

use super::*;

/// 2026-01-01T00:00:00Z, a day boundary.
const T0: i64 = 1_767_225_600;

fn at(secs: i64) -> Timestamp {
    Timestamp::from_second(secs).expect("time")
}

fn db() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().expect("tempdir");
    let conn = crate::store::open(&dir.path().join("medic.db")).expect("opens");
    for key in ["nas", "nas/container/calibre"] {
        conn.execute(
            "INSERT INTO targets (key, kind, host, name, first_seen_at) VALUES (?1, 'host', 'nas', ?1, 0)",
            [key],
        )
        .expect("target");
    }
    (dir, conn)
}

fn sample(conn: &Connection, target: i64, metric: &str, at: i64, value: f64) {
    conn.execute(
        "INSERT INTO samples (target_id, metric, at, value) VALUES (?1, ?2, ?3, ?4)",
        params![target, metric, at, value],
    )
    .expect("sample");
}

type Rollup = (i64, String, i64, f64, f64, f64, i64);

fn rollups(conn: &Connection, table: &str) -> Vec<Rollup> {
    let time = if table == "samples_hourly" {
        "hour"
    } else {
        "day"
    };
    let mut stmt = conn
        .prepare(&format!(
            "SELECT target_id, metric, {time}, min, max, mean, count FROM {table} ORDER BY 1, 2, 3"
        ))
        .expect("prepare");
    stmt.query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
        ))
    })
    .expect("query")
    .collect::<Result<_, _>>()
    .expect("rows")
}

fn raw(conn: &Connection) -> Vec<(i64, String, i64, f64)> {
    let mut stmt = conn
        .prepare("SELECT target_id, metric, at, value FROM samples ORDER BY 1, 2, 3")
        .expect("prepare");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

fn hourly(target: i64, metric: &str, hour: i64, min: f64, max: f64, mean: f64, n: i64) -> Rollup {
    (target, metric.into(), hour, min, max, mean, n)
}

/// Two old hours of `load1` on target 1, one old hour of `up` on target 2,
/// and recent samples; `now` is 20 days after T0, half past an hour.
fn seeded() -> (tempfile::TempDir, Connection, i64) {
    let (dir, conn) = db();
    for (offset, value) in [(0, 1.0), (60, 4.0), (120, 2.5), (3540, 0.5)] {
        sample(&conn, 1, "load1", T0 + offset, value);
    }
    sample(&conn, 1, "load1", T0 + 3600, 10.0);
    sample(&conn, 1, "load1", T0 + 3660, 20.0);
    sample(&conn, 2, "up", T0 + 7200, 1.0);
    sample(&conn, 2, "up", T0 + 7260, 0.0);
    let now = T0 + 20 * DAY + 1800;
    for minutes in [1, 2, 60, 24 * 60] {
        sample(&conn, 1, "load1", now - minutes * 60, minutes as f64);
    }
    (dir, conn, now)
}

#[test]
fn old_raw_rows_are_rolled_up_exactly_and_deleted() {
    let (_dir, conn, now) = seeded();
    let recent: Vec<_> = raw(&conn)
        .into_iter()
        .filter(|r| r.2 > now - 14 * DAY)
        .collect();
    let report = apply(&conn, at(now), &RetentionPolicy::default()).expect("applies");
    assert_eq!(
        rollups(&conn, "samples_hourly"),
        vec![
            hourly(1, "load1", T0, 0.5, 4.0, 2.0, 4),
            hourly(1, "load1", T0 + HOUR, 10.0, 20.0, 15.0, 2),
            hourly(2, "up", T0 + 2 * HOUR, 0.0, 1.0, 0.5, 2),
        ]
    );
    assert_eq!(raw(&conn), recent, "rows inside the window are untouched");
    assert_eq!(recent.len(), 4);
    assert_eq!(
        report,
        RetentionReport {
            raw_rolled: 8,
            hourly_written: 3,
            ..Default::default()
        }
    );
    assert!(rollups(&conn, "samples_daily").is_empty());
}

#[test]
fn the_window_ends_at_the_hour_before_now_minus_the_raw_window() {
    let (_dir, conn) = db();
    let now = T0 + 20 * DAY + 1800;
    let cutoff = T0 + 6 * DAY; // now - 14 days, down to the hour
    sample(&conn, 1, "load1", cutoff - 1, 1.0);
    sample(&conn, 1, "load1", cutoff, 2.0);
    apply(&conn, at(now), &RetentionPolicy::default()).expect("applies");
    assert_eq!(raw(&conn), vec![(1, "load1".into(), cutoff, 2.0)]);
    assert_eq!(
        rollups(&conn, "samples_hourly"),
        vec![hourly(1, "load1", cutoff - HOUR, 1.0, 1.0, 1.0, 1)]
    );
}

#[test]
fn applying_twice_changes_nothing_even_without_the_marks() {
    let (_dir, conn, now) = seeded();
    let policy = RetentionPolicy::default();
    assert!(!apply(&conn, at(now), &policy).expect("first").is_noop());
    let state = |c: &Connection| {
        (
            raw(c),
            rollups(c, "samples_hourly"),
            rollups(c, "samples_daily"),
        )
    };
    let before = state(&conn);
    assert!(apply(&conn, at(now), &policy).expect("second").is_noop());
    assert!(
        apply(&conn, at(now + 59), &policy)
            .expect("a minute later")
            .is_noop()
    );
    conn.execute(
        "UPDATE retention_marks SET raw_before = 0, hourly_before = 0, daily_before = 0",
        [],
    )
    .expect("forget the marks");
    assert!(apply(&conn, at(now), &policy).expect("third").is_noop());
    assert_eq!(state(&conn), before);
}

#[test]
fn an_hour_crossing_the_window_rolls_only_that_hour() {
    let (_dir, conn) = db();
    let policy = RetentionPolicy::default();
    let now = T0 + 14 * DAY + 1800;
    for minute in 0..120 {
        sample(&conn, 1, "load1", T0 + minute * 60, minute as f64);
    }
    let first = apply(&conn, at(now), &policy).expect("applies");
    assert_eq!(
        first.raw_rolled, 0,
        "T0 is inside the window until T0 + 14 days + 1 h"
    );
    let second = apply(&conn, at(now + HOUR), &policy).expect("applies");
    assert_eq!((second.raw_rolled, second.hourly_written), (60, 1));
    assert_eq!(
        rollups(&conn, "samples_hourly"),
        vec![hourly(1, "load1", T0, 0.0, 59.0, 29.5, 60)]
    );
    assert_eq!(raw(&conn).len(), 60);
}

#[test]
fn hourly_rows_become_daily_rows_with_a_weighted_mean() {
    let (_dir, conn) = db();
    let policy = RetentionPolicy::default();
    for (offset, value) in [(0, 1.0), (60, 2.0), (120, 3.0), (5 * HOUR, 10.0)] {
        sample(&conn, 1, "load1", T0 + offset, value);
    }
    let now = T0 + 30 * DAY;
    apply(&conn, at(now), &policy).expect("applies");
    assert_eq!(rollups(&conn, "samples_hourly").len(), 2);
    let report = apply(&conn, at(now + 61 * DAY), &policy).expect("applies");
    assert_eq!((report.hourly_rolled, report.daily_written), (2, 1));
    assert!(rollups(&conn, "samples_hourly").is_empty());
    assert_eq!(
        rollups(&conn, "samples_daily"),
        vec![(1, "load1".into(), T0, 1.0, 10.0, 4.0, 4)]
    );
    let report = apply(&conn, at(now + 5 * 365 * DAY), &policy).expect("applies");
    assert_eq!(report.daily_pruned, 1, "older than five years");
    assert!(rollups(&conn, "samples_daily").is_empty());
}

#[test]
fn late_samples_merge_into_their_rollup_and_very_old_ones_go_all_the_way() {
    let (_dir, conn, now) = seeded();
    let policy = RetentionPolicy::default();
    apply(&conn, at(now), &policy).expect("applies");
    sample(&conn, 1, "load1", T0 + 30, 6.0);
    sample(&conn, 2, "up", T0 - 100 * DAY, 1.0);
    let report = apply(&conn, at(now + HOUR), &policy).expect("applies");
    assert_eq!(report.raw_rolled, 2);
    assert_eq!(
        rollups(&conn, "samples_hourly")[0],
        hourly(1, "load1", T0, 0.5, 6.0, 2.8, 5)
    );
    assert_eq!(
        rollups(&conn, "samples_daily"),
        vec![(2, "up".into(), T0 - 100 * DAY, 1.0, 1.0, 1.0, 1)]
    );
}

#[test]
fn rows_past_the_hourly_window_on_arrival_go_straight_to_days() {
    let (_dir, conn) = db();
    let days = |n: i64| Duration::from_secs((n * DAY) as u64);
    let policy = RetentionPolicy {
        raw: days(2),
        hourly: days(1),
        daily: days(10),
    };
    let now = T0 + 3 * DAY + HOUR;
    apply(&conn, at(now), &policy).expect("sets the marks");
    sample(&conn, 1, "load1", T0 + 60, 3.0);
    sample(&conn, 1, "load1", T0 + 2 * HOUR, 5.0);
    let report = apply(&conn, at(now + HOUR), &policy).expect("applies");
    assert_eq!(
        report,
        RetentionReport {
            raw_rolled: 2,
            hourly_written: 2,
            hourly_rolled: 2,
            daily_written: 1,
            daily_pruned: 0,
        }
    );
    assert!(rollups(&conn, "samples_hourly").is_empty());
    assert_eq!(
        rollups(&conn, "samples_daily"),
        vec![(1, "load1".into(), T0, 3.0, 5.0, 4.0, 2)]
    );
}

#[test]
fn series_takes_raw_points_where_they_exist_and_rollups_elsewhere() {
    let (_dir, conn) = db();
    let policy = RetentionPolicy::default();
    // One value per hour for 100 days; some hours also twice (to see means).
    for hour in 0..100 * 24 {
        sample(&conn, 2, "up", T0 + hour * HOUR, (hour % 7) as f64);
        sample(
            &conn,
            2,
            "up",
            T0 + hour * HOUR + 120,
            (hour % 7 + 1) as f64,
        );
    }
    let now = T0 + 100 * DAY;
    apply(&conn, at(now), &policy).expect("applies");
    let raw_from = T0 + 86 * DAY; // now - 14 days
    let hourly_from = T0 + 10 * DAY; // now - 90 days

    // Across the raw/hourly boundary, by key.
    let points = series(
        &conn,
        "nas/container/calibre",
        "up",
        at(raw_from - 2 * HOUR),
        at(raw_from + 121),
    )
    .expect("series");
    let h = |hour: i64| ((hour - T0) / HOUR % 7) as f64;
    assert_eq!(
        points,
        vec![
            (raw_from - 2 * HOUR + 1800, h(raw_from - 2 * HOUR) + 0.5),
            (raw_from - HOUR + 1800, h(raw_from - HOUR) + 0.5),
            (raw_from, h(raw_from)),
            (raw_from + 120, h(raw_from) + 1.0),
        ]
    );

    // Across the daily/hourly boundary, by id: day midpoints, then hours.
    let points = series(
        &conn,
        2,
        "up",
        at(hourly_from - 2 * DAY),
        at(hourly_from + 2 * HOUR),
    )
    .expect("series");
    let day_mean = |day: i64| {
        // Each day holds 24 hours of (h, h + 1) pairs with h = hour % 7.
        (0..24)
            .map(|i| {
                let v = ((day - T0) / HOUR + i) % 7;
                2 * v + 1
            })
            .sum::<i64>() as f64
            / 48.0
    };
    assert_eq!(points.len(), 4, "{points:?}");
    assert_eq!(points[0].0, hourly_from - 2 * DAY + 43_200);
    assert!((points[0].1 - day_mean(hourly_from - 2 * DAY)).abs() < 1e-9);
    assert_eq!(points[1].0, hourly_from - DAY + 43_200);
    assert_eq!(
        &points[2..],
        &[
            (hourly_from + 1800, h(hourly_from) + 0.5),
            (hourly_from + HOUR + 1800, h(hourly_from + HOUR) + 0.5),
        ]
    );

    // A whole year back is every resolution, in time order.
    let all = series(&conn, 2, "up", at(T0 - DAY), at(now)).expect("series");
    assert_eq!(all.len(), 10 + (90 - 14) * 24 + 14 * 24 * 2);
    assert!(all.windows(2).all(|w| w[0].0 < w[1].0));
    assert!(
        series(&conn, "nowhere", "up", at(T0), at(now))
            .expect("series")
            .is_empty()
    );
}

#[test]
fn a_late_raw_point_hides_its_hours_rollup_in_a_series() {
    let (_dir, conn, now) = seeded();
    apply(&conn, at(now), &RetentionPolicy::default()).expect("applies");
    sample(&conn, 1, "load1", T0 + 30, 6.0);
    let points = series(&conn, 1, "load1", at(T0), at(T0 + 2 * HOUR)).expect("series");
    assert_eq!(points, vec![(T0 + 30, 6.0), (T0 + HOUR + 1800, 15.0)]);
}

fn plan(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Vec<String> {
    let mut stmt = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .expect("prepare");
    stmt.query_map(params, |r| r.get::<_, String>(3))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

#[test]
fn every_query_searches_the_primary_keys_and_never_scans() {
    let (_dir, conn, now) = seeded();
    apply(&conn, at(now), &RetentionPolicy::default()).expect("applies");
    let args = params![1, "load1", T0, now];
    let series_plan = plan(&conn, SERIES_SQL, args);
    // samples, samples_hourly (h) and samples_daily (d), and the lookups of
    // finer data in the NOT EXISTS subqueries: each a primary-key range.
    let searches: Vec<_> = series_plan
        .iter()
        .filter(|l| l.starts_with("SEARCH "))
        .collect();
    assert_eq!(searches.len(), 6, "{series_plan:#?}");
    for line in searches {
        assert!(
            line.contains("USING PRIMARY KEY (target_id=? AND metric=? AND"),
            "{line}"
        );
    }
    let three = params![1, "load1", now];
    for sql in [
        RAW_TO_HOURLY.fold,
        RAW_TO_HOURLY.delete,
        HOURLY_TO_DAILY.fold,
        HOURLY_TO_DAILY.delete,
    ] {
        let lines = plan(&conn, sql, three);
        assert!(
            lines.iter().any(|l| l.contains("USING PRIMARY KEY")),
            "{lines:#?}"
        );
        assert!(!lines.iter().any(|l| l.starts_with("SCAN")), "{lines:#?}");
    }
    let (same, next) = hops("samples");
    assert_eq!(
        plan(&conn, &same, params![1, "load1"]),
        vec!["SEARCH samples USING PRIMARY KEY (target_id=? AND metric>?)"]
    );
    assert_eq!(
        plan(&conn, &next, params![1]),
        vec!["SEARCH samples USING PRIMARY KEY (target_id>?)"]
    );
    assert!(
        !series_plan.iter().any(|l| l.starts_with("SCAN")),
        "{series_plan:#?}"
    );
}
