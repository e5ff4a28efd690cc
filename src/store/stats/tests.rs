//! `stats` on a seeded history: every expected value is derived by hand in a
//! comment from the rows inserted here.

use jiff::Timestamp;
use rusqlite::{Connection, params};

use super::*;

const NOW: i64 = 1_800_000_000;
const DAY: i64 = 86_400;
/// The base of the history: ten days before now, well inside 30 days.
const T: i64 = NOW - 10 * DAY;

fn at(s: i64) -> Timestamp {
    timestamp(s)
}

fn db() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().expect("tempdir");
    let conn = crate::store::open(&dir.path().join("medic.db")).expect("opens");
    (dir, conn)
}

fn run(conn: &Connection, at: i64) {
    conn.execute("INSERT INTO runs (started_at) VALUES (?1)", [at])
        .expect("run");
}

/// An incident on `key`; resolved when `resolved` is given.
fn incident(
    conn: &Connection,
    id: i64,
    kind: &str,
    key: &str,
    started: Option<i64>,
    opened: i64,
    resolved: Option<i64>,
) {
    conn.execute(
        "INSERT INTO incidents (id, fingerprint, kind, target, target_key, severity, status, summary, facts,
            started_at, opened_at, last_seen_at, resolved_at)
         VALUES (?1, ?2, ?3, '{}', ?4, 'critical', ?5, 'seeded', '{}', ?6, ?7, ?7, ?8)",
        params![
            id,
            format!("{kind}:{key}"),
            kind,
            key,
            if resolved.is_some() { "resolved" } else { "open" },
            started,
            opened,
            resolved
        ],
    )
    .expect("incident");
}

fn event(conn: &Connection, incident: i64, kind: &str, at: i64) {
    conn.execute(
        "INSERT INTO incident_events (incident_id, at, kind, message) VALUES (?1, ?2, ?3, 'seeded')",
        params![incident, at, kind],
    )
    .expect("event");
}

fn action(conn: &Connection, incident: i64, approver: &str, status: &str, at: i64) {
    conn.execute(
        "INSERT INTO actions (incident_id, target_key, playbook, playbook_digest, risk, approver, reason,
            status, started_at, finished_at)
         VALUES (?1, 'seeded', 'restart', 'digest', 'low', ?2, 'seeded', ?3, ?4, ?5)",
        params![
            incident,
            approver,
            status,
            at,
            (status != "running").then_some(at + 20)
        ],
    )
    .expect("action");
}

const CALIBRE: &str = "nas/container/calibre";
const PIHOLE: &str = "pi/container/pihole";
const BOOKS: &str = "check/books";
const ROOT: &str = "nas/disk/root";

/// The history the expected values below are computed from.
fn seed(conn: &Connection) {
    // Runs: one before the period (ignored), then gaps 60, 60, 90, 120 in it:
    // median (60 + 90) / 2 = 75 s; a false positive clears within 1.5 × 75 = 112.5 s.
    for start in [NOW - 40 * DAY, T, T + 60, T + 120, T + 210, T + 330] {
        run(conn, start);
    }
    // #7: calibre before the period, with a failed automatic fix: ignored.
    incident(
        conn,
        7,
        "container_stopped",
        CALIBRE,
        None,
        NOW - 31 * DAY,
        Some(NOW - 31 * DAY + 60),
    );
    action(conn, 7, "auto", "failed", NOW - 31 * DAY + 10);
    // #1 calibre stopped: failed at T-30, opened T, diagnosed T+10, fixed
    // automatically, resolved T+60; opens again (#2) 1740 s later.
    incident(
        conn,
        1,
        "container_stopped",
        CALIBRE,
        Some(T - 30),
        T,
        Some(T + 60),
    );
    event(conn, 1, "diagnosed", T + 10);
    action(conn, 1, "auto", "succeeded", T + 20);
    // #2 calibre again: failed T+1780, opened T+1800, diagnosed T+1830; the
    // automatic fix failed, the one alice approved worked; resolved T+2100.
    incident(
        conn,
        2,
        "container_stopped",
        CALIBRE,
        Some(T + 1780),
        T + 1800,
        Some(T + 2100),
    );
    event(conn, 2, "diagnosed", T + 1830);
    action(conn, 2, "auto", "failed", T + 1840);
    action(conn, 2, "alice", "succeeded", T + 2000);
    // #3 pihole stopped, still open: diagnosed after 20 s; an automatic fix
    // interrupted, bob's failed, another automatic one still running.
    incident(
        conn,
        3,
        "container_stopped",
        PIHOLE,
        None,
        T + 100_000,
        None,
    );
    event(conn, 3, "diagnosed", T + 100_020);
    action(conn, 3, "auto", "interrupted", T + 100_030);
    action(conn, 3, "bob", "failed", T + 100_100);
    action(conn, 3, "auto", "running", T + 100_200);
    // #4 check failing, cleared by itself 100 s later (> 75, ≤ 112.5: the
    // next sweep); diagnosed after 15 s; opens again (#5) at T+5000.
    incident(
        conn,
        4,
        "check_failing",
        BOOKS,
        None,
        T + 200,
        Some(T + 300),
    );
    event(conn, 4, "diagnosed", T + 215);
    // #5 check failing again: its started_at is 10 s after opening (skew:
    // taken as opened); cleared by itself after 200 s (> 112.5).
    incident(
        conn,
        5,
        "check_failing",
        BOOKS,
        Some(T + 5010),
        T + 5000,
        Some(T + 5200),
    );
    event(conn, 5, "diagnosed", T + 5020);
    // #6 disk full: failed now-1320, opened now-1200, diagnosed now-1145,
    // fixed automatically, resolved 10 minutes ago (too recent to judge).
    incident(
        conn,
        6,
        "disk_above_threshold",
        ROOT,
        Some(NOW - 1320),
        NOW - 1200,
        Some(NOW - 600),
    );
    event(conn, 6, "diagnosed", NOW - 1145);
    event(conn, 6, "diagnosed", NOW - 1000); // only the first one counts
    action(conn, 6, "auto", "succeeded", NOW - 1100);
}

#[test]
fn seeded_history_gives_hand_computed_metrics() {
    let (_dir, conn) = db();
    seed(&conn);
    let s = stats(&conn, at(NOW), 30).expect("stats");

    assert_eq!(s.since, at(NOW - 30 * DAY));
    // #1..#6 opened in the period; #3 open; #1, #2, #6 resolved with a
    // succeeded action.
    assert_eq!((s.incidents, s.open, s.resolved, s.fixed), (6, 1, 5, 3));
    assert_eq!(
        (s.run_interval_seconds, s.run_interval_measured),
        (75.0, true)
    );
    // Known started_at: #1 30, #2 20, #5 0 (skew), #6 120: 170 / 4.
    assert_eq!(
        s.time_to_detect,
        Mean {
            count: 4,
            seconds: Some(42.5)
        }
    );
    // #1 10, #2 30, #3 20, #4 15, #5 20, #6 55: 150 / 6.
    assert_eq!(
        s.time_to_diagnose,
        Mean {
            count: 6,
            seconds: Some(25.0)
        }
    );
    // From started (else opened): #1 90, #2 320, #4 100, #5 200, #6 720: 1430 / 5.
    assert_eq!(
        s.time_to_recover,
        Mean {
            count: 5,
            seconds: Some(286.0)
        }
    );
    // Automatic, finished: #1 ok, #2 failed, #3 interrupted, #6 ok (#3's
    // running one and #7's are not counted): 2 of 4.
    assert_eq!(s.automatic_fixes, Rate::new(2, 4));
    assert_eq!(s.automatic_fixes.rate, Some(0.5));
    // Approved: alice's worked, bob's failed: 1 of 2.
    assert_eq!(s.approved_fixes, Rate::new(1, 2));
    // Fixed: #1 broke (reopened after 1740 s ≤ 3600), #2 held, #6 too recent.
    assert_eq!(s.fixes_held, Rate::new(1, 2));
    // No action and resolved within 112.5 s: #4 only, of 6 incidents.
    assert_eq!(s.false_positives, Rate::new(1, 6));
    assert_eq!(s.false_positives.rate, Some(1.0 / 6.0));
    // Resolved: #1 (→ #2) and #4 (→ #5) recurred; #2, #5, #6 did not: 2 of 5.
    assert_eq!(s.recurrence, Rate::new(2, 5));
    assert_eq!(s.recurrence.rate, Some(0.4));

    let kinds: Vec<_> = s
        .top_kinds
        .iter()
        .map(|k| {
            (
                k.kind.as_str(),
                k.incidents,
                k.fixed,
                k.fix_rate,
                k.time_to_recover.seconds,
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            // #1, #2, #3; fixed #1, #2; recover (90 + 320) / 2.
            ("container_stopped", 3, 2, Some(2.0 / 3.0), Some(205.0)),
            // #4, #5; none fixed; recover (100 + 200) / 2.
            ("check_failing", 2, 0, Some(0.0), Some(150.0)),
            ("disk_above_threshold", 1, 1, Some(1.0), Some(720.0)),
        ]
    );
}

#[test]
fn the_period_follows_the_injected_clock() {
    let (_dir, conn) = db();
    seed(&conn);
    // Seen from T+1000 with a 1-day period: #1 and #4 only (#7 is 21 days
    // older; the rest opened later). #2 and #5 opened after this "now", so
    // nothing recurred yet and #1's fix (940 s old) is not judged.
    let s = stats(&conn, at(T + 1000), 1).expect("stats");
    assert_eq!((s.incidents, s.open, s.resolved, s.fixed), (2, 0, 2, 1));
    assert_eq!(s.recurrence, Rate::new(0, 2));
    assert_eq!(s.fixes_held, Rate::new(0, 0));
    assert_eq!(s.fixes_held.rate, None);
    // Runs T..T+330 (the old one is outside): the same median, 75 s.
    assert_eq!(s.run_interval_seconds, 75.0);
    assert_eq!(s.automatic_fixes, Rate::new(1, 1));
    assert_eq!(s.approved_fixes, Rate::new(0, 0));
}

#[test]
fn recurrence_counts_only_within_thirty_days() {
    let (_dir, conn) = db();
    // #1 resolved at T; the same fingerprint opens 29 days later (#2, counts).
    // #3 resolved at T; its fingerprint opens 31 days later (#4, does not).
    incident(&conn, 1, "unit_failed", "a/unit/x", None, T - 100, Some(T));
    incident(
        &conn,
        2,
        "unit_failed",
        "a/unit/x",
        None,
        T + 29 * DAY,
        None,
    );
    incident(&conn, 3, "unit_failed", "a/unit/y", None, T - 100, Some(T));
    incident(
        &conn,
        4,
        "unit_failed",
        "a/unit/y",
        None,
        T + 31 * DAY,
        None,
    );
    let s = stats(&conn, at(T + 40 * DAY), 90).expect("stats");
    // Resolved: #1 and #3; recurred: #1.
    assert_eq!(s.recurrence, Rate::new(1, 2));
    // No runs: the default interval, 60 s. #1 and #3 took 100 s to clear,
    // more than 1.5 × 60 = 90 s: not false positives.
    assert_eq!(
        (s.run_interval_seconds, s.run_interval_measured),
        (60.0, false)
    );
    assert_eq!(s.false_positives, Rate::new(0, 4));
}

#[test]
fn an_empty_database_has_nothing_to_divide() {
    let (_dir, conn) = db();
    let s = stats(&conn, at(NOW), 30).expect("stats");
    assert_eq!((s.incidents, s.open, s.resolved, s.fixed), (0, 0, 0, 0));
    assert_eq!(
        (s.run_interval_seconds, s.run_interval_measured),
        (60.0, false)
    );
    for mean in [&s.time_to_detect, &s.time_to_diagnose, &s.time_to_recover] {
        assert_eq!(
            *mean,
            Mean {
                count: 0,
                seconds: None
            }
        );
    }
    for rate in [
        &s.automatic_fixes,
        &s.approved_fixes,
        &s.fixes_held,
        &s.false_positives,
        &s.recurrence,
    ] {
        assert_eq!(
            *rate,
            Rate {
                count: 0,
                of: 0,
                rate: None
            }
        );
    }
    assert!(s.top_kinds.is_empty());
}

#[test]
fn median_gap_of_odd_and_even_counts() {
    assert_eq!(median_gap(&[]), None);
    assert_eq!(median_gap(&[5]), None);
    assert_eq!(median_gap(&[0, 60, 300]), Some(150.0)); // gaps 60, 240
    assert_eq!(median_gap(&[0, 60, 120, 600]), Some(60.0)); // gaps 60, 60, 480
}
