//! The commands: thin glue from the CLI to the pipeline stages, and the
//! mapping of outcomes to exit codes.

/// `println!` that does not panic when stdout is gone (`medic status | head`):
/// the work is done by then, and a closed pipe is the reader's choice.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `print!` with the same care as `out!`.
macro_rules! out_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

mod control;
mod files;
mod fix;
mod lock;
mod paths;
mod plan;
mod run;
mod stats;
mod tables;
mod views;

use std::path::Path;
use std::process::ExitCode;

pub use lock::{LockError, RunLock};
pub use paths::{Paths, STATE_DIR};

use crate::cli::{Cli, Command, IncidentsCommand};
use crate::config::playbook::{self, Playbook};
use crate::config::{self, ConfigError, Inventory};

pub const EXIT_ERROR: u8 = 1;
pub const EXIT_INVALID: u8 = 2;
pub const EXIT_LOCKED: u8 = 3;

pub async fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    let paths = Paths::from_args(&cli.global);
    match cli.command {
        Command::Run { quiet } => run::run(&paths, quiet).await,
        Command::Check => check(&paths),
        Command::Plan { json } => plan::plan(&paths, json),
        Command::Approve { id } => control::decide_approval(&paths, id, true),
        Command::Reject { id } => control::decide_approval(&paths, id, false),
        Command::Pause { reason } => control::pause(&paths, &reason),
        Command::Resume => control::resume(&paths),
        Command::Reset { target } => control::reset(&paths, &target),
        Command::Rollback { incident } => control::rollback(&paths, incident).await,
        Command::Status { json } => views::status(&paths, json),
        Command::Stats { days, json } => stats::stats(&paths, days, json),
        Command::Incidents {
            command: None,
            all,
            json,
        } => views::list_incidents(&paths, all, json),
        Command::Incidents {
            command: Some(IncidentsCommand::Show { id, json }),
            ..
        } => views::show_incident(&paths, id, json),
    }
}

/// Everything a run reads from the ops repository, validated.
pub(crate) struct Config {
    pub inventory: Inventory,
    pub playbooks: Vec<Playbook>,
    pub rules: Vec<crate::diagnose::Rule>,
}

/// Loads the inventory, the playbooks and the diagnosis rules; on problems
/// prints each as `file:line:column: message` and gives None. Errors that are
/// not about the content (unreadable files) are Err.
pub(crate) fn load_config(repo: &Path, command: &str) -> anyhow::Result<Option<Config>> {
    let mut problems = Vec::new();
    let inventory = match config::load(repo) {
        Ok(inventory) => Some(inventory),
        Err(ConfigError::Invalid(mut found)) => {
            problems.append(&mut found);
            None
        }
        Err(e @ ConfigError::NoInventory(_)) => {
            eprintln!("medic {command}: {e}");
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    let playbooks = playbook::load(repo)
        .map_err(|mut found| problems.append(&mut found))
        .ok();
    let rules = crate::diagnose::load(repo)
        .map_err(|mut found| problems.append(&mut found))
        .ok();
    if let (Some(playbooks), Some(rules)) = (&playbooks, &rules) {
        problems.extend(crate::diagnose::check_playbooks(rules, playbooks));
    }
    match (inventory, playbooks, rules) {
        (Some(inventory), Some(playbooks), Some(rules)) if problems.is_empty() => {
            Ok(Some(Config {
                inventory,
                playbooks,
                rules,
            }))
        }
        _ => {
            for problem in &problems {
                eprintln!("{problem}");
            }
            eprintln!(
                "medic {command}: {} problem(s) in the configuration",
                problems.len()
            );
            Ok(None)
        }
    }
}

fn check(paths: &Paths) -> anyhow::Result<ExitCode> {
    let Some(Config {
        inventory,
        playbooks,
        rules,
    }) = load_config(&paths.repo, "check")?
    else {
        return Ok(ExitCode::from(EXIT_INVALID));
    };
    out!(
        "configuration ok: {} host(s), {} group(s), {} check(s), {} playbook(s), {} diagnosis rule(s)",
        inventory.hosts.len(),
        inventory.groups.len(),
        inventory.checks.len(),
        playbooks.len(),
        rules.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// JSON for stdout with secrets scrubbed, like every other output.
pub(crate) fn scrubbed_json<T: serde::Serialize>(value: &T) -> anyhow::Result<String> {
    let json = serde_json::to_string_pretty(value)?;
    Ok(crate::redact::Redactor::defaults()
        .redact(&json)
        .into_owned())
}
