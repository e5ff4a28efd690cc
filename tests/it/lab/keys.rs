//! SSH keys: the lab's client key and each host's ed25519 host key, made by
//! `ssh-keygen` (ed25519 takes milliseconds, so hosts generate in parallel).

use std::fs;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use super::preflight::SSH_KEYGEN;

/// Starts `ssh-keygen` writing a new key pair to `path` and `path.pub`.
pub(super) fn spawn_keygen(path: &Path, comment: &str) -> Child {
    let _ = fs::remove_file(path);
    let _ = fs::remove_file(path.with_extension("pub"));
    Command::new(SSH_KEYGEN)
        .args(["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f"])
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("run {SSH_KEYGEN}: {e}"))
}

/// Waits for a key started with [`spawn_keygen`].
pub(super) fn wait_keygen(child: Child, path: &Path) {
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("wait for {SSH_KEYGEN}: {e}"));
    assert!(
        out.status.success(),
        "ssh-keygen for {} failed: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `ssh-ed25519 AAAA...` (type and key, no comment) of the key at `path`.
pub(super) fn public_key(path: &Path) -> String {
    let pub_path = path.with_extension("pub");
    let text = fs::read_to_string(&pub_path)
        .unwrap_or_else(|e| panic!("read {}: {e}", pub_path.display()));
    text.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}
