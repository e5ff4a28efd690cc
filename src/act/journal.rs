//! The journal side of running steps: what one command did, kept short,
//! written to the store before the next command starts. A job without an
//! action (applying a person's change from Git outside any incident) keeps
//! no journal.

use std::time::Instant;

use jiff::Timestamp;
use rusqlite::Connection;

use crate::collect::transport::{ScriptError, ScriptOutput};
use crate::store::{self, StoreError};

/// Output kept per command in the journal and reports.
const OUTPUT_TAIL: usize = 1500;

/// One command's record, started when the command starts.
pub struct Entry<'a> {
    pub phase: &'a str,
    pub description: String,
    started: Timestamp,
    clock: Instant,
}

impl<'a> Entry<'a> {
    pub fn start(phase: &'a str, description: String) -> Entry<'a> {
        Entry {
            phase,
            description,
            started: Timestamp::now(),
            clock: Instant::now(),
        }
    }

    pub fn finish(
        self,
        db: &Connection,
        action: Option<i64>,
        ok: bool,
        code: Option<i64>,
        output: &str,
    ) -> Result<(), StoreError> {
        let Some(action) = action else { return Ok(()) };
        let took = self.clock.elapsed().as_millis() as i64;
        store::record_step(
            db,
            action,
            self.phase,
            &self.description,
            ok,
            code,
            Some(output),
            self.started,
            took,
        )
    }
}

/// (ok, exit code, output tail) of a script run.
pub fn summarize(result: &Result<ScriptOutput, ScriptError>) -> (bool, Option<i64>, String) {
    match result {
        Ok(output) => {
            let text = if output.stderr.trim().is_empty() {
                output.stdout.clone()
            } else {
                format!("{}{}", output.stdout, output.stderr)
            };
            (output.success(), output.code.map(i64::from), tail(&text))
        }
        Err(e) => (false, None, e.to_string()),
    }
}

pub fn tail(text: &str) -> String {
    let text = text.trim_end();
    if text.len() <= OUTPUT_TAIL {
        return text.to_string();
    }
    let mut start = text.len() - OUTPUT_TAIL;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    format!("…{}", &text[start..])
}

pub fn last_line(text: &str) -> &str {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no output")
        .trim()
}

/// The reason a failed command gives.
pub fn failure(description: &str, code: Option<i64>, output: &str) -> String {
    match code {
        Some(code) => format!("`{description}` exited with {code}: {}", last_line(output)),
        None => format!("`{description}` failed: {}", last_line(output)),
    }
}
