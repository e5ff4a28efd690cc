//! `medic status` and `medic incidents`: read-only views of the store, as
//! tables or JSON (JSON on stdout, so scripts can pipe it).

use std::process::ExitCode;

use super::paths::Paths;
use super::{EXIT_ERROR, tables};
use crate::record::render_report;
use crate::store;

pub fn status(paths: &Paths, json: bool) -> anyhow::Result<ExitCode> {
    let Some(conn) = store::open_existing(&paths.db)? else {
        return no_database(paths, json);
    };
    let view = store::status(&conn)?;
    if json {
        out!("{}", super::scrubbed_json(&view)?);
    } else {
        if let Some(run) = &view.last_run {
            out!(
                "last run {} at {} UTC: {}/{} hosts reached",
                run.id,
                run.started_at.strftime("%Y-%m-%d %H:%M:%S"),
                run.hosts_reached,
                run.hosts_total
            );
        }
        out_raw!(
            "{}",
            tables::status_tables(&view, tables::Detail::Everything)
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn list_incidents(paths: &Paths, all: bool, json: bool) -> anyhow::Result<ExitCode> {
    let Some(conn) = store::open_existing(&paths.db)? else {
        return no_database(paths, json);
    };
    let incidents = store::incidents(&conn, all)?;
    if json {
        out!("{}", super::scrubbed_json(&incidents)?);
    } else if incidents.is_empty() {
        out!(
            "{}",
            if all {
                "no incidents"
            } else {
                "no open incidents (--all shows resolved ones)"
            }
        );
    } else {
        out!("{}", tables::incident_table(&incidents));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn show_incident(paths: &Paths, id: i64, json: bool) -> anyhow::Result<ExitCode> {
    let incident = match store::open_existing(&paths.db)? {
        Some(conn) => store::incident(&conn, id)?,
        None => None,
    };
    let Some(incident) = incident else {
        eprintln!(
            "medic incidents show: no incident #{id} in `{}`",
            paths.db.display()
        );
        return Ok(ExitCode::from(EXIT_ERROR));
    };
    if json {
        out!("{}", super::scrubbed_json(&incident)?);
    } else {
        out_raw!(
            "{}",
            crate::redact::Redactor::defaults().redact(&render_report(&incident)?)
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn no_database(paths: &Paths, json: bool) -> anyhow::Result<ExitCode> {
    if json {
        out!("null");
    } else {
        out!(
            "no data yet: `{}` does not exist; run `medic run` first",
            paths.db.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
