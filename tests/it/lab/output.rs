//! A finished command's output as text, and running a remote command that
//! must succeed: what the lab's tests read from `ssh` and local tools.

use std::process::Output;

use super::Host;

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `remote` on `host` over SSH, asserts it succeeded, returns its stdout.
pub fn ssh_ok(host: &Host, remote: &str) -> String {
    let out = host.ssh(remote);
    assert!(
        out.status.success(),
        "`{remote}` on {} failed ({}): {}",
        host.name(),
        out.status,
        stderr(&out)
    );
    stdout(&out)
}
