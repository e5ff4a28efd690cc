//! Writing a host's state directory. The shims run as the login user and
//! rewrite these files (a restart copies a variant over the current state),
//! so everything the harness writes there is handed to that user, and files
//! are replaced by rename so a shim never reads half a file.

use std::fs;
use std::io;
use std::os::unix::fs::{PermissionsExt, chown};
use std::path::Path;

/// The owner of a state directory's files.
#[derive(Clone, Copy, Debug)]
pub(super) struct Owner {
    pub(super) uid: u32,
    pub(super) gid: u32,
}

impl Owner {
    /// Writes `contents` to `path` through a temporary file and a rename.
    pub(super) fn write(self, path: &Path, contents: impl AsRef<[u8]>) {
        let name = path.file_name().expect("state files have a name");
        let tmp = path.with_file_name(format!(".{}.lab-tmp", name.to_string_lossy()));
        fs::write(&tmp, contents).unwrap_or_else(|e| panic!("write {}: {e}", tmp.display()));
        self.chown(&tmp);
        fs::rename(&tmp, path).unwrap_or_else(|e| panic!("rename to {}: {e}", path.display()));
    }

    /// Creates the directory `path` (and missing parents, which must already
    /// be owned correctly).
    pub(super) fn mkdir(self, path: &Path) {
        fs::create_dir_all(path).unwrap_or_else(|e| panic!("mkdir {}: {e}", path.display()));
        fs::set_permissions(path, fs::Permissions::from_mode(0o755))
            .unwrap_or_else(|e| panic!("chmod {}: {e}", path.display()));
        self.chown(path);
    }

    /// Hands `path` and everything below it to the owner.
    pub(super) fn chown_tree(self, path: &Path) {
        self.chown(path);
        if path.is_dir() && !path.is_symlink() {
            let entries =
                fs::read_dir(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
            for entry in entries.flatten() {
                self.chown_tree(&entry.path());
            }
        }
    }

    fn chown(self, path: &Path) {
        chown(path, Some(self.uid), Some(self.gid))
            .unwrap_or_else(|e| panic!("chown {}: {e}", path.display()));
    }
}

/// Removes `path` (file or directory); already gone is fine.
pub(super) fn remove(path: &Path) {
    let result = if path.is_dir() && !path.is_symlink() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    };
    match result {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => panic!("remove {}: {e}", path.display()),
    }
}

/// Sets the mode bits of `path`.
pub(super) fn chmod(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .unwrap_or_else(|e| panic!("chmod {}: {e}", path.display()));
}
