//! Log lines as evidence: takes the gathered lines of `docker logs` or `journalctl` (oldest
//! first); gives `repeated_error`, the error line a crash loop keeps printing, which rules see
//! as the variable `repeated_error`.
//!
//! Lines are compared after stripping what changes from one start to the next: timestamps
//! (docker's `--timestamps`, the journal's `May 01 10:00:00 host ident[pid]:`, an
//! application's own), process ids in brackets, long numbers such as epoch times, and hex
//! addresses. systemd's commentary on a unit (`systemd[1]: ...`, `x.service: Failed with
//! result 'exit-code'.`, `Failed to start My App.`) is not the unit's own error and is skipped.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

/// How often a line must occur to count as repeated.
pub const MIN_REPEATS: usize = 3;
/// The longest quote `repeated_error` gives, in characters (longer lines end in `…`).
pub const MAX_QUOTE: usize = 200;

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("the log patterns of this module are valid regexes")
}

/// `2024-05-01T10:00:00.123456789Z ` as `docker logs --timestamps` prints it.
static DOCKER_TIMESTAMP: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})\s+")
});

/// The journal's `short` (`May 01 10:00:00 nas app[42]: `) and `short-iso`
/// (`2024-05-01T10:00:00+0000 nas app[42]: `) prefixes; group 1 is the identifier.
static JOURNAL_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?:[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2} \S+ ([^\s\[\]:]+)(?:\[\d+\])?|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})? \S+ ([^\s\[\]:]+)\[\d+\]): ",
    )
});

/// An application's own leading timestamp: `2024-05-01 10:00:00,123`, `[2024/05/01 10:00:00]`,
/// `time="2024-05-01T10:00:00Z"`, `10:00:00.123`, each with an optional zone.
static APP_TIMESTAMP: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"^(?:time=)?[\["]?(?:\d{4}[-/]\d{2}[-/]\d{2}(?:[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?)?|\d{2}:\d{2}:\d{2}(?:[.,]\d+)?)(?:Z| ?UTC| ?GMT| ?[+-]\d{2}:?\d{2})?[\]"]?[\s,|]*"#,
    )
});

/// What varies between otherwise identical lines, anywhere in the line.
static NOISE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\d{4}[-/]\d{2}[-/]\d{2}(?:[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z| ?UTC| ?GMT|[+-]\d{2}:?\d{2})?)?|\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\b|\b\d{10,}(?:\.\d+)?\b|\[\d+\]|\b0x[0-9a-fA-F]+\b",
    )
});

/// systemd's commentary when the journal is read without prefixes (`-o cat`).
static SYSTEMD_SAYS: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?:[\w@.\\:-]+\.(?:service|socket|timer|mount|scope|path|target): |(?:Started|Stopped|Starting|Stopping|Failed to start|Failed to stop) [^:]*\.{1,3}$)",
    )
});

/// Words that make a line an error.
static ERROR_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)error|fatal|panic|exception|traceback|fail|cannot|can't|could not|couldn't|unable|refused|denied|not found|no such|invalid|timed? ?out|killed|abort|segmentation fault|crash|unreachable|out of memory|in use|no space|not permitted|missing|unknown|exit status",
    )
});

/// The error line that occurs at least [`MIN_REPEATS`] times in `logs` (compared without
/// timestamps and the like), as it was last printed without its leading timestamp; of several,
/// the one printed last. None when no repeated line looks like an error.
pub fn repeated_error(logs: &[String]) -> Option<String> {
    struct Seen<'a> {
        count: usize,
        last: usize,
        shown: &'a str,
    }
    let mut seen: HashMap<String, Seen<'_>> = HashMap::new();
    for (index, line) in logs.iter().enumerate() {
        let Some(message) = message(line) else {
            continue;
        };
        let key = key(message);
        if key.is_empty() {
            continue;
        }
        let entry = seen.entry(key).or_insert(Seen {
            count: 0,
            last: index,
            shown: message,
        });
        entry.count += 1;
        entry.last = index;
        entry.shown = message;
    }
    seen.into_values()
        .filter(|s| s.count >= MIN_REPEATS && ERROR_WORDS.is_match(s.shown))
        .max_by_key(|s| s.last)
        .map(|s| quote(s.shown))
}

/// A line without its leading timestamps and journal prefix; None for systemd's commentary
/// and blank lines.
fn message(line: &str) -> Option<&str> {
    let mut rest = line.trim();
    rest = strip(&DOCKER_TIMESTAMP, rest);
    if let Some(found) = JOURNAL_PREFIX.captures(rest) {
        let ident = found.get(1).or_else(|| found.get(2)).map(|m| m.as_str());
        if ident == Some("systemd") {
            return None;
        }
        rest = &rest[found.get(0).map_or(0, |m| m.end())..];
    }
    rest = strip(&APP_TIMESTAMP, rest).trim();
    (!rest.is_empty() && !SYSTEMD_SAYS.is_match(rest)).then_some(rest)
}

fn strip<'a>(pattern: &Regex, text: &'a str) -> &'a str {
    pattern.find(text).map_or(text, |m| &text[m.end()..])
}

/// What identical lines share: the message without noise, whitespace collapsed.
fn key(message: &str) -> String {
    let quiet = NOISE.replace_all(message, "");
    quiet.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn quote(message: &str) -> String {
    if message.chars().count() <= MAX_QUOTE {
        return message.to_owned();
    }
    let cut: String = message.chars().take(MAX_QUOTE - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn crash_loops_give_their_error_line() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            (
                "docker logs with an app's own timestamps",
                "2024-05-01 10:00:00,101 INFO starting calibre-web\n\
                 2024-05-01 10:00:00,202 ERROR cannot open database /config/app.db: permission denied\n\
                 2024-05-01 10:00:05,101 INFO starting calibre-web\n\
                 2024-05-01 10:00:05,212 ERROR cannot open database /config/app.db: permission denied\n\
                 2024-05-01 10:00:10,101 INFO starting calibre-web\n\
                 2024-05-01 10:00:10,223 ERROR cannot open database /config/app.db: permission denied",
                Some("ERROR cannot open database /config/app.db: permission denied"),
            ),
            (
                "docker logs --timestamps and a python traceback: the last error line wins",
                "2024-05-01T10:00:00.000000001Z Traceback (most recent call last):\n\
                 2024-05-01T10:00:00.000000002Z   File \"/app/main.py\", line 3, in <module>\n\
                 2024-05-01T10:00:00.000000003Z ModuleNotFoundError: No module named 'flask'\n\
                 2024-05-01T10:00:03.000000001Z Traceback (most recent call last):\n\
                 2024-05-01T10:00:03.000000002Z   File \"/app/main.py\", line 3, in <module>\n\
                 2024-05-01T10:00:03.000000003Z ModuleNotFoundError: No module named 'flask'\n\
                 2024-05-01T10:00:06.000000001Z Traceback (most recent call last):\n\
                 2024-05-01T10:00:06.000000002Z   File \"/app/main.py\", line 3, in <module>\n\
                 2024-05-01T10:00:06.000000003Z ModuleNotFoundError: No module named 'flask'",
                Some("ModuleNotFoundError: No module named 'flask'"),
            ),
            (
                "journalctl short: pids differ, systemd's lines are skipped",
                "May 01 10:00:00 nas systemd[1]: Started backup.service - Nightly backup.\n\
                 May 01 10:00:01 nas backup[101]: fatal: config key `target` is missing\n\
                 May 01 10:00:01 nas systemd[1]: backup.service: Main process exited, code=exited, status=1/FAILURE\n\
                 May 01 10:00:01 nas systemd[1]: backup.service: Failed with result 'exit-code'.\n\
                 May 01 10:00:06 nas systemd[1]: Started backup.service - Nightly backup.\n\
                 May 01 10:00:07 nas backup[140]: fatal: config key `target` is missing\n\
                 May 01 10:00:07 nas systemd[1]: backup.service: Failed with result 'exit-code'.\n\
                 May 01 10:00:12 nas systemd[1]: Started backup.service - Nightly backup.\n\
                 May 01 10:00:13 nas backup[177]: fatal: config key `target` is missing\n\
                 May 01 10:00:13 nas systemd[1]: backup.service: Failed with result 'exit-code'.",
                Some("fatal: config key `target` is missing"),
            ),
            (
                "journalctl -o cat: systemd's commentary is recognised by its form",
                "myapp.service: Scheduled restart job, restart counter is at 1.\n\
                 Started My App.\n\
                 listen tcp :8080: bind: address already in use\n\
                 myapp.service: Failed with result 'exit-code'.\n\
                 Failed to start My App.\n\
                 Started My App.\n\
                 listen tcp :8080: bind: address already in use\n\
                 Failed to start My App.\n\
                 Started My App.\n\
                 listen tcp :8080: bind: address already in use\n\
                 Failed to start My App.",
                Some("listen tcp :8080: bind: address already in use"),
            ),
            (
                "logrus lines with epoch and time= fields",
                "time=\"2024-05-01T10:00:00Z\" level=error msg=\"dial tcp 10.0.0.5:5432: connect: connection refused\" ts=1714557600.1\n\
                 time=\"2024-05-01T10:00:05Z\" level=error msg=\"dial tcp 10.0.0.5:5432: connect: connection refused\" ts=1714557605.1\n\
                 time=\"2024-05-01T10:00:10Z\" level=error msg=\"dial tcp 10.0.0.5:5432: connect: connection refused\" ts=1714557610.1",
                Some(
                    "level=error msg=\"dial tcp 10.0.0.5:5432: connect: connection refused\" ts=1714557610.1",
                ),
            ),
            (
                "twice is not a loop",
                "ERROR disk quota exceeded\nINFO retrying\nERROR disk quota exceeded",
                None,
            ),
            (
                "repeated lines that are no error",
                "GET /health 200\nGET /health 200\nGET /health 200\nshutting down",
                None,
            ),
            ("no logs", "", None),
        ];
        for (case, text, expected) in cases {
            assert_eq!(
                repeated_error(&lines(text)).as_deref(),
                *expected,
                "case `{case}`"
            );
        }
    }

    #[test]
    fn long_lines_are_shortened() {
        let long = format!("panic: {}", "x".repeat(400));
        let found = repeated_error(&vec![long; 3]).unwrap_or_default();
        assert_eq!(found.chars().count(), MAX_QUOTE);
        assert!(found.starts_with("panic: xxx") && found.ends_with('…'));
    }
}
