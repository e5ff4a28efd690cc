//! `medic plan`: what the next run would do for each open incident — the
//! playbook, its effective risk, the decision and why — from the same
//! `gather` and `decide` the run uses. Reads only; changes nothing.

use std::process::ExitCode;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use jiff::Timestamp;

use super::paths::Paths;
use super::{EXIT_INVALID, fix, load_config};
use crate::decide::{self, Plan};
use crate::record::OpsRepo;
use crate::store;

pub fn plan(paths: &Paths, json: bool) -> anyhow::Result<ExitCode> {
    let Some(super::Config {
        inventory,
        playbooks,
        ..
    }) = load_config(&paths.repo, "plan")?
    else {
        return Ok(ExitCode::from(EXIT_INVALID));
    };
    let repo = OpsRepo::open(&paths.repo)?;
    let Some(conn) = store::open_existing(&paths.db)? else {
        out!(
            "no data yet: `{}` does not exist; run `medic run` first",
            paths.db.display()
        );
        return Ok(ExitCode::SUCCESS);
    };
    let now = Timestamp::now();
    let gathered = fix::gather(&conn, &repo, &inventory, &inventory.policy, now)?;
    let plan = decide::decide(&gathered.input(now, &playbooks, &inventory.policy));
    if json {
        out!("{}", super::scrubbed_json(&plan)?);
    } else {
        out_raw!("{}", render(&plan));
    }
    Ok(ExitCode::SUCCESS)
}

/// The plan as a person reads it; stable text (no times), so it can be
/// compared between runs and in tests.
pub fn render(plan: &Plan) -> String {
    let mut out = String::new();
    if let Some(paused) = &plan.paused {
        out.push_str(&format!("{paused}\n"));
    }
    if plan.decisions.is_empty() {
        out.push_str("no open incidents: the next run has nothing to fix\n");
        return out;
    }
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header([
            "#", "target", "finding", "playbook", "risk", "decision", "why",
        ]);
    for d in &plan.decisions {
        table.add_row([
            d.incident.to_string(),
            d.target.key(),
            d.kind.as_str().to_string(),
            d.playbook.clone().unwrap_or_else(|| "—".into()),
            d.risk
                .map(|r| r.as_str().to_string())
                .unwrap_or_else(|| "—".into()),
            d.verdict.as_str().replace('_', " "),
            d.reason.clone(),
        ]);
    }
    out.push_str(&table.to_string());
    out.push('\n');
    out
}
