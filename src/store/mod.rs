//! Store: the SQLite working store. Takes sweeps and incident changes, gives
//! back open incidents and the views `status` and `incidents` print. WAL mode;
//! a run's writes go through one transaction.

mod actions;
mod correlation;
mod files;
mod incidents;
mod migrate;
pub mod retention;
mod stats;
mod status;
mod sweep;
mod trend_data;

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use rusqlite::Connection;

pub use actions::{
    ActionRecord, Backup, NewAction, StepRecord, actions_since, add_reset, backups,
    explicit_resets, finish_action, incident_actions, incident_target_key, record_step, resets,
    save_backup, start_action, unfinished_actions,
};
pub use correlation::{
    SymptomRecord, attach_symptoms, clear_symptom, history, save_streaks, symptoms,
};
pub use files::{KnownFile, Revert, add_revert, file_version, known_file, remember_file, reverts};
pub use incidents::{
    AppliedChanges, EventRecord, IncidentRecord, add_event, apply_changes, import_reported,
    incident, incident_count, incidents, mark_reported, open_incidents, resolve_incident,
    set_diagnosis, set_escalation, unreported,
};
pub use migrate::schema_version;
pub use retention::{RetentionPolicy, RetentionReport, TargetRef};
pub use stats::{KindStats, Mean, Rate, Stats, stats};
pub use status::{CheckRow, HostRow, StatusView, TargetRow, status};
pub use sweep::{record_sweep, update_current};
pub use trend_data::trend_data;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database `{path}`: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("cannot create the folder for the database `{path}`: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "database schema version {found} is newer than this medic knows ({known}); upgrade medic"
    )]
    TooNew { found: i64, known: i64 },
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("database: stored JSON is invalid: {0}")]
    Json(#[from] serde_json::Error),
}

/// Opens (creating if needed) and migrates the database at `path`.
pub fn open(path: &Path) -> Result<Connection, StoreError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    let open_error = |source| StoreError::Open {
        path: path.to_path_buf(),
        source,
    };
    let mut conn = Connection::open(path).map_err(open_error)?;
    conn.busy_timeout(Duration::from_secs(10))
        .map_err(open_error)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(open_error)?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(open_error)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(open_error)?;
    migrate::migrate(&mut conn)?;
    Ok(conn)
}

/// Opens an existing database for reading; a missing file is an empty view.
pub fn open_existing(path: &Path) -> Result<Option<Connection>, StoreError> {
    if !path.exists() {
        return Ok(None);
    }
    open(path).map(Some)
}

pub(crate) fn secs(t: Timestamp) -> i64 {
    t.as_second()
}

pub(crate) fn timestamp(secs: i64) -> Timestamp {
    Timestamp::from_second(secs).unwrap_or(Timestamp::UNIX_EPOCH)
}

#[cfg(test)]
mod tests;
