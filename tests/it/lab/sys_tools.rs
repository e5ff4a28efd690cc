//! The system tools a lab host has on its `PATH` (`<host>/sys`): symlinks to
//! a whitelist, so a host without docker truly has no `docker` (the real
//! `/usr/bin/docker` and `/usr/bin/systemctl` are never reachable unless the
//! host should have them). `docker`, `systemctl` and `df` live in `<host>/bin`.

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Tools linked into every host's `sys` directory (those this machine has).
pub const SYSTEM_TOOLS: &[&str] = &[
    "sh", "cat", "timeout", "sleep", "printf", "echo", "test", "[", "true", "false", "env", "id",
    "mkdir", "cp", "mv", "rm", "ls", "head", "tail", "grep", "sed", "tr", "date", "uname",
    "hostname", "touch", "wc", "cut", "sort", "uniq", "awk", "basename", "dirname", "nproc",
    "getconf", "stat", "readlink", "xargs", "kill", "tee",
];

const SEARCH: &[&str] = &["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"];

fn resolved() -> &'static [(&'static str, PathBuf)] {
    static TOOLS: OnceLock<Vec<(&'static str, PathBuf)>> = OnceLock::new();
    TOOLS.get_or_init(|| {
        SYSTEM_TOOLS
            .iter()
            .filter_map(|&tool| {
                SEARCH
                    .iter()
                    .map(|dir| Path::new(dir).join(tool))
                    .find(|p| p.exists())
                    .map(|p| (tool, p))
            })
            .collect()
    })
}

/// Fills `dir` (which exists) with links to the whitelisted tools.
pub(super) fn link_into(dir: &Path) {
    for (tool, target) in resolved() {
        let link = dir.join(tool);
        symlink(target, &link).unwrap_or_else(|e| panic!("symlink {}: {e}", link.display()));
    }
}
