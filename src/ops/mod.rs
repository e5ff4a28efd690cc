//! The commands: thin glue from the CLI to the pipeline stages, and the
//! mapping of outcomes to exit codes.

mod lock;
mod paths;
mod run;
mod tables;
mod views;

use std::path::Path;
use std::process::ExitCode;

pub use lock::{LockError, RunLock};
pub use paths::{Paths, STATE_DIR};

use crate::cli::{Cli, Command, IncidentsCommand};
use crate::config::{self, ConfigError, Inventory};

pub const EXIT_ERROR: u8 = 1;
pub const EXIT_INVALID: u8 = 2;
pub const EXIT_LOCKED: u8 = 3;

pub async fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    let paths = Paths::from_args(&cli.global);
    match cli.command {
        Command::Run { quiet } => run::run(&paths, quiet).await,
        Command::Check => check(&paths),
        Command::Status { json } => views::status(&paths, json),
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

/// Loads the inventory; on problems prints each as `file:line:column: message`
/// and gives None. Errors that are not about the content (unreadable files) are Err.
pub(crate) fn load_inventory(repo: &Path, command: &str) -> anyhow::Result<Option<Inventory>> {
    match config::load(repo) {
        Ok(inventory) => Ok(Some(inventory)),
        Err(ConfigError::Invalid(problems)) => {
            for problem in &problems {
                eprintln!("{problem}");
            }
            eprintln!(
                "medic {command}: {} problem(s) in the inventory",
                problems.len()
            );
            Ok(None)
        }
        Err(e @ ConfigError::NoInventory(_)) => {
            eprintln!("medic {command}: {e}");
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

fn check(paths: &Paths) -> anyhow::Result<ExitCode> {
    let Some(inventory) = load_inventory(&paths.repo, "check")? else {
        return Ok(ExitCode::from(EXIT_INVALID));
    };
    println!(
        "inventory ok: {} host(s), {} group(s), {} check(s)",
        inventory.hosts.len(),
        inventory.groups.len(),
        inventory.checks.len()
    );
    Ok(ExitCode::SUCCESS)
}
