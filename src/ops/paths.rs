//! Where things live for one invocation: the ops repository, its git-ignored
//! state directory, and the database.

use std::path::PathBuf;

use crate::cli::GlobalArgs;

#[derive(Debug, Clone)]
pub struct Paths {
    pub repo: PathBuf,
    pub state_dir: PathBuf,
    pub db: PathBuf,
}

/// The state directory inside the ops repository; `.gitignore` lists it.
pub const STATE_DIR: &str = ".medic";

impl Paths {
    pub fn from_args(args: &GlobalArgs) -> Paths {
        let repo = args.repo.clone();
        let state_dir = repo.join(STATE_DIR);
        let db = args
            .db
            .clone()
            .unwrap_or_else(|| state_dir.join("medic.db"));
        Paths {
            repo,
            state_dir,
            db,
        }
    }
}
