//! `reports/STATUS.md`: the current state at a glance for the Git web UI.
//! Only states that matter go in (no load, no percentages, no "last run"
//! time), so a run in which nothing changed leaves the file byte-identical.

use minijinja::context;

use super::render::{RenderError, environment, human_time};

use super::report::report_path;
use crate::store::StatusView;

pub const STATUS_PATH: &str = "reports/STATUS.md";

pub fn render_status(view: &StatusView) -> Result<String, RenderError> {
    let hosts: Vec<_> = view
        .hosts
        .iter()
        .map(|h| {
            let of_host = |kind| view.targets_of(&h.name, kind);
            let state = match (h.status.as_str(), &h.reason) {
                ("reached", _) => "✅ up".to_string(),
                (_, Some(reason)) => format!("🔴 unreachable ({reason})"),
                _ => "🔴 unreachable".to_string(),
            };
            let reached = h.status == "reached";
            let containers = count(reached, of_host("container"), |t| t.state == "running" && t.health.as_deref() != Some("unhealthy"), "healthy");
            let units = count(reached, of_host("unit"), |t| t.state == "active", "active");
            let full: Vec<String> = of_host("disk").filter(|t| t.state != "ok").map(|t| format!("{} above threshold", t.name)).collect();
            let disks = match (reached, of_host("disk").count(), full.is_empty()) {
                (false, _, _) => "?".to_string(),
                (true, 0, _) => "—".to_string(),
                (true, n, true) => format!("{n} ok"),
                (true, _, false) => full.join(", "),
            };
            context! { name => &h.name, state => state, containers => containers, units => units, disks => disks }
        })
        .collect();
    let incidents: Vec<_> = view
        .open_incidents
        .iter()
        .map(|i| {
            let link = report_path(i)
                .strip_prefix("reports")
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            context! { id => i.id, link => link, opened_at => human_time(i.opened_at), severity => &i.severity, summary => &i.summary }
        })
        .collect();
    let checks: Vec<_> = view
        .checks
        .iter()
        .map(|c| context! { name => &c.name, host => &c.host, state => if c.failing { "🔴 failing" } else { "✅ passing" } })
        .collect();
    let unreachable = view.hosts.iter().filter(|h| h.status != "reached").count();
    environment().get_template("status.md")?.render(context! {
        open_incidents => incidents,
        hosts => hosts,
        unreachable => unreachable,
        checks => checks,
    })
}

fn count<'a, T: 'a>(
    reached: bool,
    items: impl Iterator<Item = &'a T>,
    good: impl Fn(&T) -> bool,
    word: &str,
) -> String {
    if !reached {
        return "?".to_string();
    }
    let (mut total, mut ok) = (0, 0);
    for item in items {
        total += 1;
        if good(item) {
            ok += 1;
        }
    }
    if total == 0 {
        "—".to_string()
    } else {
        format!("{ok}/{total} {word}")
    }
}
