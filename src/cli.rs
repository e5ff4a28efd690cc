//! The command line: clap definitions of the subcommands and their flags.
//! Takes argv, gives a `Cli` value; no I/O happens here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

const EXIT_CODES: &str = "\
Exit codes:
  0  success (a run that found problems still succeeded)
  1  error: the run could not complete (database, git, or an unexpected failure)
  2  invalid input: bad command line, or the inventory has errors (`medic check` lists them)
  3  another `medic run` holds the lock on this repository; nothing was done";

/// medic: agentless self-healing for small and medium infrastructure.
///
/// Each `medic run` sweeps every host of the inventory over SSH, stores what it saw
/// in SQLite, turns problems into incidents and commits Markdown reports to the Git
/// repository given by `--repo`.
#[derive(Debug, Parser)]
#[command(name = "medic", version, after_help = EXIT_CODES, after_long_help = EXIT_CODES)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The ops repository: holds inventory/, playbooks/ and reports/.
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        default_value = ".",
        env = "MEDIC_REPO"
    )]
    pub repo: PathBuf,
    /// The SQLite database [default: <repo>/.medic/medic.db, which is git-ignored].
    #[arg(long, global = true, value_name = "PATH", env = "MEDIC_DB")]
    pub db: Option<PathBuf>,
    /// More log output on stderr (-v info, -vv debug); MEDIC_LOG takes a tracing filter.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sweep every host once: collect, store, analyze, record.
    Run {
        /// Print nothing but errors (for timers and CI schedules).
        #[arg(short, long)]
        quiet: bool,
    },
    /// Validate the inventory and playbooks; print every problem with file:line:column.
    Check,
    /// Show what the next run would do for each open incident, and why; changes nothing.
    Plan {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Approve a pending high-risk plan (committed under your git identity).
    Approve {
        /// The approval number (see `approvals/`).
        id: i64,
    },
    /// Reject a pending high-risk plan; it will never run.
    Reject {
        /// The approval number (see `approvals/`).
        id: i64,
    },
    /// Emergency stop: commit a PAUSE file; medic keeps observing and reporting, and fixes nothing.
    Pause {
        /// Why, for the record.
        #[arg(long)]
        reason: String,
    },
    /// Lift the emergency stop (removes the committed PAUSE file).
    Resume,
    /// Undo an incident's fix: revert its commits that changed managed files, and apply that to the hosts.
    Rollback {
        /// The incident number.
        incident: i64,
    },
    /// Let medic fix a target again after its circuit breaker opened.
    Reset {
        /// The target, as in reports: `nas/container/calibre`, `pi/unit/pihole-FTL.service`.
        target: String,
    },
    /// Show hosts, containers, services, checks and open incidents from the database.
    Status {
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
    },
    /// Learning data: time to detect, diagnose and recover, fix success, false positives, recurrence.
    ///
    /// Over the incidents opened in the last --days days (their actions count with them).
    /// started: the failure's best known start (a container's FinishedAt), else the opening;
    /// fixed: resolved with a succeeded action.
    ///
    /// Mean time to detect: opened − started, incidents with a known start.
    /// Mean time to diagnose: the diagnosis − opened.
    /// Mean time to recover: resolved − started, resolved incidents.
    /// Automatic fix success: succeeded / finished (succeeded, failed, interrupted)
    /// automatic actions; fixes approved by people are counted apart.
    /// Fixes that held: fixed incidents whose fingerprint did not open again within 1 hour
    /// (fixes younger than that are not judged yet).
    /// False positives: incidents resolved without any action by the next sweep
    /// (within 1.5 × the run interval, the median gap between runs, 60 s when unknown),
    /// of all incidents.
    /// Recurrence: resolved incidents whose fingerprint opened again within 30 days.
    /// Top incident types: incidents per kind, and the share fixed.
    #[command(verbatim_doc_comment)]
    Stats {
        /// How many days back, by when incidents opened.
        #[arg(long, value_name = "N", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
        days: u32,
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
    },
    /// List incidents, or show one.
    Incidents {
        #[command(subcommand)]
        command: Option<IncidentsCommand>,
        /// Include resolved incidents.
        #[arg(long)]
        all: bool,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum IncidentsCommand {
    /// Show one incident with its timeline and evidence.
    Show {
        /// The incident number.
        id: i64,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}
