//! Incident reports: an `IncidentRecord` → its Markdown file (front matter a
//! program can read back, then summary, timeline and evidence) and the path
//! it lives at under `reports/`.

use std::path::PathBuf;

use minijinja::context;
use minijinja::value::Serde;

use super::render::{RenderError, environment, human_duration, human_time};
use crate::store::IncidentRecord;

/// Where an incident's report lives, relative to the repository root:
/// `reports/incidents/2026-11/00042-container-stopped-nas-container-calibre.md`.
pub fn report_path(incident: &IncidentRecord) -> PathBuf {
    let month = incident.opened_at.strftime("%Y-%m").to_string();
    let name = format!(
        "{:05}-{}-{}.md",
        incident.id,
        slug(&incident.kind),
        slug(&incident.target.key())
    );
    PathBuf::from("reports")
        .join("incidents")
        .join(month)
        .join(name)
}

pub fn render_report(incident: &IncidentRecord) -> Result<String, RenderError> {
    let env = environment();
    let template = env.get_template("incident.md")?;
    let events: Vec<_> = incident
        .events
        .iter()
        .map(|e| context! { at => human_time(e.at), kind => &e.kind, message => &e.message })
        .collect();
    let duration = incident
        .resolved_at
        .map(|r| human_duration(r.duration_since(incident.opened_at)));
    let icon = if incident.is_open() { "🔴" } else { "✅" };
    let recovered_after = incident.resolved_at.map(|r| {
        human_duration(r.duration_since(incident.started_at.unwrap_or(incident.opened_at)))
    });
    let actions: Vec<_> = incident
        .actions
        .iter()
        .map(|a| {
            let took = a.finished_at.map(|f| human_duration(f.duration_since(a.started_at))).unwrap_or_else(|| "—".into());
            let approver = if a.is_automatic() { "automatic".to_string() } else { format!("approved by {}", a.approver) };
            let steps: Vec<_> = a
                .steps
                .iter()
                .map(|s| {
                    context! {
                        seq => s.seq,
                        phase => &s.phase,
                        description => &s.description,
                        exit => s.exit_code.map(|c| c.to_string()).unwrap_or_else(|| if s.ok { "ok".into() } else { "failed".into() }),
                        took => format!("{:.1}s", s.duration_ms as f64 / 1000.0),
                        output => one_line(s.output.as_deref().unwrap_or("")),
                    }
                })
                .collect();
            context! {
                playbook => &a.playbook,
                status => &a.status,
                risk => &a.risk,
                approver => approver,
                started_at => human_time(a.started_at),
                took => took,
                outcome => &a.outcome,
                reason => &a.reason,
                steps => steps,
            }
        })
        .collect();
    template.render(context! {
        id => incident.id,
        status => &incident.status,
        kind => &incident.kind,
        title => incident.kind.replace('_', " "),
        severity => &incident.severity,
        fingerprint => &incident.fingerprint,
        target => Serde(&incident.target),
        target_key => incident.target.key(),
        host => incident.target.host(),
        summary => &incident.summary,
        opened_at => incident.opened_at.to_string(),
        opened_at_human => human_time(incident.opened_at),
        started_at => incident.started_at.map(|t| t.to_string()),
        started_at_human => incident.started_at.map(human_time),
        resolved_at => incident.resolved_at.map(|t| t.to_string()),
        resolved_at_human => incident.resolved_at.map(human_time),
        resolution => &incident.resolution,
        duration => duration,
        recovered_after => recovered_after,
        escalation => &incident.escalation,
        symptoms => incident.symptoms.iter().map(|s| context! {
            target => &s.target_key,
            summary => &s.summary,
            since => human_time(s.first_seen),
            cleared => s.cleared.clone().unwrap_or_default(),
        }).collect::<Vec<_>>(),
        diagnosis => incident.diagnosis.as_ref().map(Serde),
        diagnosed => incident.diagnosed,
        fix_params => incident.diagnosis.as_ref().map(|d| {
            d.params.iter().map(|(k, v)| format!("`{k}={v}`")).collect::<Vec<_>>().join(", ")
        }).filter(|p| !p.is_empty()),
        context_values => incident.context.as_ref().map(|c| c.values.clone()).unwrap_or_default(),
        logs => incident.context.as_ref().map(|c| logs_excerpt(&c.logs)).filter(|l| !l.is_empty()),
        actions => actions,
        icon => icon,
        events => events,
        facts => &incident.facts,
    })
}

/// The last log lines, enough to see a pattern, never a fence breaker.
fn logs_excerpt(lines: &[String]) -> String {
    const KEEP: usize = 20;
    let skip = lines.len().saturating_sub(KEEP);
    lines
        .iter()
        .skip(skip)
        .map(|l| l.replace("````", "``\u{200b}``"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A command's output in one table cell: its last lines, joined.
fn one_line(output: &str) -> String {
    const KEEP: usize = 200;
    let joined = output
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ⏎ ");
    if joined.len() <= KEEP {
        return joined;
    }
    let mut start = joined.len() - KEEP;
    while !joined.is_char_boundary(start) {
        start += 1;
    }
    format!("…{}", &joined[start..])
}

fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_matches('-');
    let mut end = trimmed.len().min(60);
    while !trimmed.is_char_boundary(end) {
        end -= 1;
    }
    trimmed[..end].trim_end_matches('-').to_string()
}
