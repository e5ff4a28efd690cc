//! Act: takes a decision to execute, its playbook and its incident; gives an
//! outcome. `render` turns the playbook into concrete steps (every value in a
//! shell command quoted), `shell` builds the host scripts, `runner` carries
//! them out under the journal with backups and rollback, and `verify` looks
//! at the target again until it is healthy.

pub mod files;
mod journal;
pub mod render;
pub mod runner;
pub mod shell;
mod steps;
pub mod verify;
