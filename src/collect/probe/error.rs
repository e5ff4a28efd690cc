//! Parse errors of the probe parsers.
//!
//! Takes: nothing. Gives: [`ParseError`], one variant per parsed source, each
//! with a lowercase message that names the source, says what is wrong and
//! quotes a truncated excerpt of the offending text (see [`excerpt`]).

/// Longest excerpt of offending output quoted in an error message, in chars.
pub const EXCERPT_CHARS: usize = 160;

/// Why a probe output could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// `docker ps --format '{{json .}}'` output.
    #[error("docker ps output line {line} {reason}: {excerpt}")]
    DockerPs {
        line: usize,
        reason: String,
        excerpt: String,
    },
    /// `docker inspect` output.
    #[error("docker inspect output {reason}: {excerpt}")]
    DockerInspect { reason: String, excerpt: String },
    /// `systemctl show` output.
    #[error("systemctl show output line {line} {reason}: {excerpt}")]
    Systemctl {
        line: usize,
        reason: String,
        excerpt: String,
    },
    /// `df -PTk` output.
    #[error("df output line {line} {reason}: {excerpt}")]
    Df {
        line: usize,
        reason: String,
        excerpt: String,
    },
    /// A `/proc` file (`/proc/meminfo`, `/proc/loadavg`, `/proc/uptime`).
    #[error("{file} {reason}: {excerpt}")]
    Proc {
        file: &'static str,
        reason: String,
        excerpt: String,
    },
}

/// Quotes a short, single-line, escaped excerpt of `text` for a message:
/// at most [`EXCERPT_CHARS`] chars, line breaks shown as `\n`, `…` when cut.
pub fn excerpt(text: &str) -> String {
    let text = text.trim();
    let mut cut: String = text.chars().take(EXCERPT_CHARS).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    format!("{cut:?}")
}
