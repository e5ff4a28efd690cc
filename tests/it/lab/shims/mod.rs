//! The shim scripts a host has instead of the real tools: `docker`,
//! `systemctl` and `df` (POSIX sh, in the `.sh` files next to this one),
//! each with its host's state directory written in.

use std::path::Path;

use super::shell::shell_quote;

const DOCKER: &str = include_str!("docker.sh");
const SYSTEMCTL: &str = include_str!("systemctl.sh");
const DF: &str = include_str!("df.sh");

fn with_state(template: &str, state: &Path) -> String {
    let quoted = shell_quote(&state.to_string_lossy());
    assert!(
        template.contains("'@STATE@'"),
        "shim template without its state line"
    );
    template.replacen("'@STATE@'", &quoted, 1)
}

/// The `docker` shim for the host whose state lives in `state`.
pub(super) fn docker(state: &Path) -> String {
    with_state(DOCKER, state)
}

/// The `systemctl` shim for the host whose state lives in `state`.
pub(super) fn systemctl(state: &Path) -> String {
    with_state(SYSTEMCTL, state)
}

/// The `df` shim for the host whose state lives in `state`.
pub(super) fn df(state: &Path) -> String {
    with_state(DF, state)
}
