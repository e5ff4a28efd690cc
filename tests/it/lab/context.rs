//! What every part of a started lab shares: its id, its directory, the owner
//! of state files, and the client side of SSH (key and known_hosts).

use std::path::PathBuf;

use super::state_fs::Owner;

#[derive(Debug)]
pub(super) struct LabContext {
    /// Short random hex, in container names and labels.
    pub(super) id: String,
    /// The lab's temporary directory.
    pub(super) root: PathBuf,
    /// The login user, who owns every host's state directory.
    pub(super) owner: Owner,
    pub(super) identity_file: PathBuf,
    pub(super) known_hosts_file: PathBuf,
    pub(super) authorized_keys: PathBuf,
}
