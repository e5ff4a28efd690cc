//! Parser for `systemctl show -p Id,LoadState,... -- UNIT...`.
//!
//! Takes: the stdout of `systemctl show` for one or more units (`Key=Value`
//! lines, units separated by a blank line, properties in systemd's own
//! order, not the `-p` order).
//! Gives: one [`Unit`] per block, in output order (= the order asked for), or
//! a [`ParseError`] quoting the line it choked on.

use serde::{Deserialize, Serialize};

use super::error::{ParseError, excerpt};

/// The state of one systemd unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// Full unit name, e.g. `nginx.service` (systemd adds the suffix).
    pub id: String,
    /// loaded, not-found, bad-setting, error, masked.
    pub load_state: String,
    /// active, reloading, inactive, failed, activating, deactivating, maintenance.
    pub active_state: String,
    pub sub_state: String,
    /// success, exit-code, signal, core-dump, timeout, watchdog, start-limit-hit, oom-kill, ...
    pub result: String,
    /// Automatic restarts so far (systemd >= 235).
    pub n_restarts: Option<u64>,
    /// Exit status or signal number of the main process.
    pub exec_main_status: Option<i64>,
    /// 1 exited, 2 killed, 3 dumped (CLD_* codes); 0 when it never ran.
    pub exec_main_code: Option<i64>,
    /// As systemctl prints it, e.g. `Thu 2024-05-01 10:00:00 UTC`; None when empty.
    pub active_enter_timestamp: Option<String>,
    pub exec_main_exit_timestamp: Option<String>,
    /// None for `[not set]` and for 2^64-1 (older systemd's "unset").
    pub memory_current: Option<u64>,
}

impl Unit {
    fn empty() -> Self {
        Unit {
            id: String::new(),
            load_state: String::new(),
            active_state: String::new(),
            sub_state: String::new(),
            result: String::new(),
            n_restarts: None,
            exec_main_status: None,
            exec_main_code: None,
            active_enter_timestamp: None,
            exec_main_exit_timestamp: None,
            memory_current: None,
        }
    }

    /// True when systemd knows no unit of this name.
    pub fn is_not_found(&self) -> bool {
        self.load_state == "not-found"
    }

    /// True when the unit is in the `failed` state.
    pub fn is_failed(&self) -> bool {
        self.active_state == "failed"
    }
}

/// Parses `systemctl show` output. A block without `Id=` is an error, as is
/// any non-blank line without `=`; unknown properties are ignored.
pub fn parse_units(show_output: &str) -> Result<Vec<Unit>, ParseError> {
    let mut units = Vec::new();
    let mut current: Option<(usize, Unit)> = None;
    for (index, raw) in show_output.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            if let Some((first, unit)) = current.take() {
                units.push(finish(first, unit, show_output)?);
            }
            continue;
        }
        let error = |reason: &str| ParseError::Systemctl {
            line: index + 1,
            reason: reason.to_owned(),
            excerpt: excerpt(line),
        };
        let Some((key, value)) = line.split_once('=') else {
            return Err(error("is not Key=Value"));
        };
        let (_, unit) = current.get_or_insert_with(|| (index + 1, Unit::empty()));
        set(unit, key.trim(), value).map_err(|reason| error(&reason))?;
    }
    if let Some((first, unit)) = current.take() {
        units.push(finish(first, unit, show_output)?);
    }
    Ok(units)
}

fn finish(first_line: usize, unit: Unit, text: &str) -> Result<Unit, ParseError> {
    if unit.id.is_empty() {
        let block = text.lines().nth(first_line - 1).unwrap_or_default();
        return Err(ParseError::Systemctl {
            line: first_line,
            reason: "starts a unit without an Id= property".to_owned(),
            excerpt: excerpt(block),
        });
    }
    Ok(unit)
}

fn set(unit: &mut Unit, key: &str, value: &str) -> Result<(), String> {
    let text = || Some(value.to_owned()).filter(|v| !v.trim().is_empty());
    match key {
        "Id" => unit.id = value.to_owned(),
        "LoadState" => unit.load_state = value.to_owned(),
        "ActiveState" => unit.active_state = value.to_owned(),
        "SubState" => unit.sub_state = value.to_owned(),
        "Result" => unit.result = value.to_owned(),
        "NRestarts" => unit.n_restarts = number(key, value)?,
        "ExecMainStatus" => unit.exec_main_status = number(key, value)?,
        "ExecMainCode" => unit.exec_main_code = number(key, value)?,
        "ActiveEnterTimestamp" => unit.active_enter_timestamp = text(),
        "ExecMainExitTimestamp" => unit.exec_main_exit_timestamp = text(),
        "MemoryCurrent" => {
            unit.memory_current = number::<u64>(key, value)?.filter(|&n| n != u64::MAX);
        }
        _ => {}
    }
    Ok(())
}

/// A number, or None for systemd's "no value" spellings (`[not set]`,
/// empty, `infinity`); anything else is an error.
fn number<T: std::str::FromStr>(key: &str, value: &str) -> Result<Option<T>, String> {
    let value = value.trim();
    if value.is_empty() || value == "[not set]" || value == "infinity" {
        return Ok(None);
    }
    value
        .parse()
        .map(Some)
        .map_err(|_| format!("has a {key} that is not a number"))
}
