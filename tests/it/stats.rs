//! `medic stats` on a seeded history: the roadmap's metrics, computed from
//! the store and printed, match values worked out by hand.

use crate::support::Ops;

/// Two incidents an hour ago: a container fixed automatically (failure began
/// 30 s before medic saw it, diagnosed 10 s after, fixed 90 s after it
/// began) and a check that cleared by itself at the next sweep (60 s).
fn seed(ops: &Ops) {
    let db = ops.db();
    let now = jiff::Timestamp::now().as_second();
    let t = now - 3600;
    db.execute_batch(&format!(
        "INSERT INTO runs (id, started_at) VALUES (1, {t}), (2, {}), (3, {});
         INSERT INTO incidents (id, fingerprint, kind, target, target_key, host, severity, status, summary, facts,
             started_at, opened_at, last_seen_at, resolved_at, resolution, reported_status, diagnosed)
         VALUES
           (1, 'container_stopped:nas/container/app', 'container_stopped', '{{\"type\":\"container\",\"host\":\"nas\",\"name\":\"app\"}}',
            'nas/container/app', 'nas', 'critical', 'resolved', 'app stopped', '{{}}', {}, {t}, {t}, {}, 'fixed', 'resolved', 1),
           (2, 'check_failing:check/books', 'check_failing', '{{\"type\":\"check\",\"name\":\"books\"}}',
            'check/books', NULL, 'critical', 'resolved', 'books fails', '{{}}', NULL, {t}, {t}, {}, 'passes again', 'resolved', 1);
         INSERT INTO incident_events (incident_id, at, kind, message) VALUES
           (1, {}, 'diagnosed', 'no known pattern matched'), (2, {}, 'diagnosed', 'no known pattern matched');
         INSERT INTO actions (incident_id, target_key, playbook, playbook_digest, risk, approver, reason, status, started_at, finished_at)
         VALUES (1, 'nas/container/app', 'restart-container', 'x', 'low', 'auto', 'why', 'succeeded', {}, {});",
        t + 60,
        t + 120,
        t - 30,
        t + 60,
        t + 60,
        t + 10,
        t + 10,
        t + 20,
        t + 25,
    ))
    .expect("seed the history");
}

#[test]
fn stats_print_the_roadmap_metrics_of_a_seeded_history() {
    let ops = Ops::new("hosts:\n  here: {transport: local}\n");
    seed(&ops);
    let out = ops.medic_ok(&["stats"]).stdout();
    let line = |metric: &str| {
        out.lines()
            .find(|l| l.contains(metric))
            .unwrap_or_else(|| panic!("no `{metric}` in:\n{out}"))
            .to_string()
    };
    // detect: opened − started = 30 s (only #1 knows when it began)
    assert!(line("time to detect").contains("30s"), "{out}");
    // diagnose: (10 + 10) / 2 = 10 s
    assert!(line("time to diagnose").contains("10s"), "{out}");
    // recover: #1 60 − (−30) = 90 s, #2 60 − 0 = 60 s → 75 s
    assert!(line("time to recover").contains("1m 15s"), "{out}");
    // automatic fixes: 1 of 1 succeeded
    assert!(
        line("Automatic fix success").contains("100% (1 of 1)"),
        "{out}"
    );
    // false positives: #2 cleared without action by the next sweep → 1 of 2
    assert!(line("False positive").contains("50% (1 of 2)"), "{out}");
    assert!(
        out.contains("container_stopped") && out.contains("check_failing"),
        "{out}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ops.medic_ok(&["stats", "--json"]).stdout()).expect("JSON");
    assert_eq!(json["incidents"], 2);
    assert_eq!(json["time_to_recover"]["seconds"], 75.0);
}
