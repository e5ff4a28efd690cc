//! Terminal tables for `status`, `run` and `incidents`, built from store views.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};

use crate::store::{IncidentRecord, StatusView, TargetRow};

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().copied());
    t
}

/// How much of the targets a table shows: `run` lists what is wrong,
/// `status` lists everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    Problems,
    Everything,
}

fn is_healthy(t: &TargetRow) -> bool {
    match t.kind.as_str() {
        "container" => t.state == "running" && t.health.as_deref() != Some("unhealthy"),
        "unit" => t.state == "active",
        "disk" => t.state == "ok",
        _ => true,
    }
}

pub fn status_tables(view: &StatusView, detail: Detail) -> String {
    let mut out = String::new();
    let mut hosts = table(&[
        "host",
        "state",
        "containers",
        "units",
        "disks",
        "load",
        "memory free",
        "up",
    ]);
    for h in &view.hosts {
        let of_host = |kind| view.targets_of(&h.name, kind);
        let reached = h.status == "reached";
        let state = if reached {
            "up".to_string()
        } else {
            format!("unreachable: {}", h.reason.as_deref().unwrap_or("unknown"))
        };
        let containers = ratio(
            of_host("container")
                .filter(|t| t.state == "running" && t.health.as_deref() != Some("unhealthy"))
                .count(),
            of_host("container").count(),
            "healthy",
        );
        let units = ratio(
            of_host("unit").filter(|t| t.state == "active").count(),
            of_host("unit").count(),
            "active",
        );
        let disks = of_host("disk")
            .map(|t| {
                format!(
                    "{} {}",
                    t.name,
                    t.detail
                        .as_deref()
                        .unwrap_or("")
                        .split(' ')
                        .next()
                        .unwrap_or("")
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let memory = match (h.mem_available, h.mem_total) {
            (Some(a), Some(t)) if t > 0 => format!("{:.0}%", a as f64 * 100.0 / t as f64),
            _ => String::new(),
        };
        hosts.add_row(vec![
            h.name.clone(),
            state,
            if reached { containers } else { "?".into() },
            if reached { units } else { "?".into() },
            disks,
            h.load1.map(|l| format!("{l:.2}")).unwrap_or_default(),
            memory,
            h.uptime_seconds.map(human_uptime).unwrap_or_default(),
        ]);
    }
    out.push_str(&hosts.to_string());
    out.push('\n');
    let shown: Vec<_> = view
        .targets
        .iter()
        .filter(|t| detail == Detail::Everything || !is_healthy(t))
        .collect();
    if !shown.is_empty() {
        let mut t = table(&["target", "state", "detail"]);
        for p in shown {
            let state = match &p.health {
                Some(h) => format!("{} ({h})", p.state),
                None => p.state.clone(),
            };
            t.add_row(vec![
                p.key.clone(),
                state,
                p.detail.clone().unwrap_or_default(),
            ]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
    }
    if !view.checks.is_empty() {
        let mut t = table(&["check", "host", "state", "last answer"]);
        for c in &view.checks {
            t.add_row(vec![
                c.name.clone(),
                c.host.clone().unwrap_or_default(),
                if c.failing {
                    "failing".into()
                } else {
                    "passing".into()
                },
                c.detail.clone().unwrap_or_default(),
            ]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
    }
    if view.open_incidents.is_empty() {
        out.push_str("no open incidents\n");
    } else {
        out.push_str(&incident_table(&view.open_incidents));
        out.push('\n');
    }
    scrub(out)
}

pub fn incident_table(incidents: &[IncidentRecord]) -> String {
    let mut t = table(&[
        "#",
        "status",
        "severity",
        "kind",
        "target",
        "opened (UTC)",
        "summary",
    ]);
    for i in incidents {
        t.add_row(vec![
            i.id.to_string(),
            i.status.clone(),
            i.severity.clone(),
            i.kind.clone(),
            i.target.key(),
            i.opened_at.strftime("%Y-%m-%d %H:%M").to_string(),
            i.summary.clone(),
        ]);
    }
    scrub(t.to_string())
}

fn ratio(good: usize, total: usize, word: &str) -> String {
    if total == 0 {
        "—".to_string()
    } else {
        format!("{good}/{total} {word}")
    }
}

/// `3d 4h`, `5h 12m`, `42m`: the two largest units are enough for a table.
fn human_uptime(seconds: f64) -> String {
    let s = seconds.max(0.0) as u64;
    let (d, h, m) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60);
    match (d, h) {
        (0, 0) => format!("{m}m"),
        (0, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h"),
    }
}

/// Terminal output is a log too: no secret in it.
fn scrub(text: String) -> String {
    crate::redact::Redactor::defaults()
        .redact(&text)
        .into_owned()
}
