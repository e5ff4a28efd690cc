//! `medic stats`: the learning data (see `store::stats` for the definitions)
//! as the roadmap's "Metrics for Success" table — metric, value, target — and
//! the most frequent incident types with their fix rate; JSON with `--json`.

use std::process::ExitCode;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use jiff::Timestamp;

use super::paths::Paths;
use crate::store::{self, Mean, Rate, Stats};

pub fn stats(paths: &Paths, days: u32, json: bool) -> anyhow::Result<ExitCode> {
    let Some(conn) = store::open_existing(&paths.db)? else {
        return super::views::no_database(paths, json);
    };
    let stats = store::stats(&conn, Timestamp::now(), days)?;
    if json {
        out!("{}", super::scrubbed_json(&stats)?);
    } else {
        out_raw!("{}", render(&stats, None));
    }
    Ok(ExitCode::SUCCESS)
}

/// The summary lines and tables; `width` None fits the terminal.
pub(crate) fn render(s: &Stats, width: Option<u16>) -> String {
    let table = |header: &[&str]| {
        let mut t = Table::new();
        t.load_style(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(header.iter().copied());
        if let Some(width) = width {
            t.set_width(width);
        }
        t
    };
    let mut out = format!(
        "incidents opened in the last {} day(s), since {} UTC: {} ({} open, {} resolved, {} fixed by an action)\n",
        s.days,
        s.since.strftime("%Y-%m-%d %H:%M"),
        s.incidents,
        s.open,
        s.resolved,
        s.fixed
    );
    out.push_str(&format!(
        "run interval: {} ({})\n",
        duration(s.run_interval_seconds),
        if s.run_interval_measured {
            "median gap between runs"
        } else {
            "assumed: fewer than two runs in the period"
        }
    ));
    let mut metrics = table(&["Metric", "Value", "Target"]);
    let rows = [
        (
            "Mean time to detect (MTTD)",
            mean(&s.time_to_detect),
            "< 1 min",
        ),
        (
            "Mean time to diagnose",
            mean(&s.time_to_diagnose),
            "< 2 min",
        ),
        (
            "Mean time to recover (MTTR)",
            mean(&s.time_to_recover),
            "< 5 min",
        ),
        (
            "Automatic fix success rate",
            rate(&s.automatic_fixes),
            "> 90%",
        ),
        ("Fixes approved by people", rate(&s.approved_fixes), "—"),
        ("Fixes that held 1 hour", rate(&s.fixes_held), "—"),
        ("False positive rate", rate(&s.false_positives), "< 5%"),
        ("Recurrence within 30 days", rate(&s.recurrence), "< 10%"),
    ];
    for (metric, value, target) in rows {
        metrics.add_row(vec![metric.to_string(), value, target.to_string()]);
    }
    out.push_str(&metrics.to_string());
    out.push('\n');
    if s.top_kinds.is_empty() {
        return out;
    }
    let mut kinds = table(&[
        "Incident type",
        "Incidents",
        "Fixed",
        "Fix rate",
        "Time to recover",
    ]);
    for k in &s.top_kinds {
        kinds.add_row(vec![
            k.kind.clone(),
            k.incidents.to_string(),
            k.fixed.to_string(),
            k.fix_rate.map(percent).unwrap_or_else(|| "—".into()),
            k.time_to_recover
                .seconds
                .map(duration)
                .unwrap_or_else(|| "—".into()),
        ]);
    }
    out.push_str(&kinds.to_string());
    out.push('\n');
    out
}

fn mean(m: &Mean) -> String {
    match m.seconds {
        Some(s) => format!(
            "{} (over {} incident{})",
            duration(s),
            m.count,
            if m.count == 1 { "" } else { "s" }
        ),
        None => "—".into(),
    }
}

fn rate(r: &Rate) -> String {
    match r.rate {
        Some(f) => format!("{} ({} of {})", percent(f), r.count, r.of),
        None => "—".into(),
    }
}

/// `50%`, `16.7%`.
fn percent(fraction: f64) -> String {
    let p = fraction * 100.0;
    if (p - p.round()).abs() < 0.05 {
        format!("{:.0}%", p.round())
    } else {
        format!("{p:.1}%")
    }
}

/// `43s`, `4m 46s`, `2h 5m`, `3d 4h`: rounded to the second, two units at most.
fn duration(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    let (d, h, m, sec) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60, s % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{sec}s"),
        (0, 0, _) => format!("{m}m {sec}s"),
        (0, _, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::KindStats;

    fn fixed() -> Stats {
        Stats {
            now: "2027-01-15T08:00:00Z".parse().expect("time"),
            since: "2026-12-16T08:00:00Z".parse().expect("time"),
            days: 30,
            incidents: 6,
            open: 1,
            resolved: 5,
            fixed: 3,
            run_interval_seconds: 75.0,
            run_interval_measured: true,
            time_to_detect: Mean {
                count: 4,
                seconds: Some(42.5),
            },
            time_to_diagnose: Mean {
                count: 1,
                seconds: Some(25.0),
            },
            time_to_recover: Mean {
                count: 5,
                seconds: Some(286.0),
            },
            automatic_fixes: Rate::new(2, 4),
            approved_fixes: Rate::new(0, 0),
            fixes_held: Rate::new(1, 2),
            false_positives: Rate::new(1, 6),
            recurrence: Rate::new(2, 5),
            top_kinds: vec![
                KindStats {
                    kind: "container_stopped".into(),
                    incidents: 3,
                    fixed: 2,
                    fix_rate: Some(2.0 / 3.0),
                    time_to_recover: Mean {
                        count: 2,
                        seconds: Some(205.0),
                    },
                },
                KindStats {
                    kind: "check_failing".into(),
                    incidents: 2,
                    fixed: 0,
                    fix_rate: Some(0.0),
                    time_to_recover: Mean {
                        count: 0,
                        seconds: None,
                    },
                },
            ],
        }
    }

    /// The table line holding `first`, its cells without the borders.
    fn row(text: &str, first: &str) -> Vec<String> {
        let line = text
            .lines()
            .find(|l| l.starts_with('│') && l.contains(first))
            .unwrap_or_else(|| panic!("no row `{first}` in\n{text}"));
        line.trim_matches('│')
            .split(['│', '┆'])
            .map(|c| c.trim().to_string())
            .collect()
    }

    #[test]
    fn renders_the_roadmap_table_and_the_top_types() {
        let text = render(&fixed(), Some(200));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "incidents opened in the last 30 day(s), since 2026-12-16 08:00 UTC: 6 (1 open, 5 resolved, 3 fixed by an action)"
        );
        assert_eq!(lines[1], "run interval: 1m 15s (median gap between runs)");
        assert_eq!(row(&text, "Metric"), ["Metric", "Value", "Target"]);
        let expected = [
            [
                "Mean time to detect (MTTD)",
                "43s (over 4 incidents)",
                "< 1 min",
            ],
            ["Mean time to diagnose", "25s (over 1 incident)", "< 2 min"],
            [
                "Mean time to recover (MTTR)",
                "4m 46s (over 5 incidents)",
                "< 5 min",
            ],
            ["Automatic fix success rate", "50% (2 of 4)", "> 90%"],
            ["Fixes approved by people", "—", "—"],
            ["Fixes that held 1 hour", "50% (1 of 2)", "—"],
            ["False positive rate", "16.7% (1 of 6)", "< 5%"],
            ["Recurrence within 30 days", "40% (2 of 5)", "< 10%"],
        ];
        for cells in expected {
            assert_eq!(row(&text, cells[0]), cells, "in\n{text}");
        }
        assert_eq!(
            row(&text, "Incident type"),
            [
                "Incident type",
                "Incidents",
                "Fixed",
                "Fix rate",
                "Time to recover"
            ]
        );
        assert_eq!(
            row(&text, "container_stopped"),
            ["container_stopped", "3", "2", "66.7%", "3m 25s"]
        );
        assert_eq!(
            row(&text, "check_failing"),
            ["check_failing", "2", "0", "0%", "—"]
        );
    }

    #[test]
    fn an_empty_period_shows_dashes_and_no_type_table() {
        let mut s = fixed();
        s.incidents = 0;
        s.open = 0;
        s.resolved = 0;
        s.fixed = 0;
        s.run_interval_seconds = 60.0;
        s.run_interval_measured = false;
        s.time_to_detect = Mean::default();
        s.recurrence = Rate::new(0, 0);
        s.top_kinds.clear();
        let text = render(&s, Some(200));
        assert!(text.contains("run interval: 1m 0s (assumed: fewer than two runs in the period)"));
        assert_eq!(
            row(&text, "Mean time to detect"),
            ["Mean time to detect (MTTD)", "—", "< 1 min"]
        );
        assert_eq!(
            row(&text, "Recurrence"),
            ["Recurrence within 30 days", "—", "< 10%"]
        );
        assert!(!text.contains("Incident type"));
    }

    #[test]
    fn durations_and_percentages() {
        assert_eq!(duration(0.4), "0s");
        assert_eq!(duration(59.5), "1m 0s");
        assert_eq!(duration(7_500.0), "2h 5m");
        assert_eq!(duration(273_600.0), "3d 4h");
        assert_eq!(percent(0.9), "90%");
        assert_eq!(percent(1.0 / 3.0), "33.3%");
        assert_eq!(percent(0.9999), "100%");
    }
}
