//! Turns the framed probe output into a [`HostSnapshot`].
//!
//! Takes: the probe's stdout and the nonce it was run with.
//! Gives: a [`HostSnapshot`] where every section is `Ok`, `Unavailable` or
//! `Failed` on its own; this never panics and never fails as a whole.

use super::docker::parse_containers;
use super::error::excerpt;
use super::frame::{Frames, Part, RawSection, split};
use super::systemd::parse_units;
use super::{HostSnapshot, ParseError, Section, df, proc};

/// Parses everything the probe script printed.
pub fn parse(output: &str, nonce: &str) -> HostSnapshot {
    let frames = split(output, nonce);
    let t = frames.timeout_secs;
    HostSnapshot {
        hostname: hostname(&frames),
        containers: section(&frames, "containers", |s| containers(s, t)),
        units: section(&frames, "units", |s| units(s, t)),
        disks: section(&frames, "disks", |s| disks(s, t)),
        memory: section(&frames, "memory", |s| {
            cat(s, "memory", "/proc/meminfo", t, proc::parse_meminfo)
        }),
        load: section(&frames, "load", |s| {
            cat(s, "load", "/proc/loadavg", t, proc::parse_loadavg)
        }),
        uptime_seconds: section(&frames, "uptime", |s| {
            cat(s, "uptime", "/proc/uptime", t, proc::parse_uptime)
        }),
    }
}

fn hostname(frames: &Frames) -> Option<String> {
    let part = frames.section("hostname")?.parts.first()?;
    let name = part.stdout.trim();
    (part.status == Some(0) && !name.is_empty()).then(|| name.to_owned())
}

fn section<T>(
    frames: &Frames,
    name: &str,
    read: impl FnOnce(&RawSection) -> Section<T>,
) -> Section<T> {
    match frames.section(name) {
        None => Section::Failed(format!("{name}: section missing from probe output")),
        Some(s) if s.skipped => Section::Unavailable("not requested".to_owned()),
        Some(s) if s.end_status.is_none() => {
            Section::Failed(format!("{name}: section truncated in probe output"))
        }
        Some(s) => read(s),
    }
}

/// The part's output when its command exited 0, else the failure text.
fn succeeded<'a>(
    part: Option<&'a Part>,
    section: &str,
    command: &str,
    timeout: Option<u32>,
) -> Result<&'a Part, String> {
    let Some(part) = part else {
        return Err(format!(
            "{section}: {command} output missing from probe output"
        ));
    };
    match part.status {
        Some(0) => Ok(part),
        None => Err(format!("{section}: {command} output truncated")),
        Some(124) => Err(match timeout {
            Some(secs) => format!("{section}: {command} timed out after {secs}s"),
            None => format!("{section}: {command} timed out"),
        }),
        Some(code) => Err(format!(
            "{section}: {command} failed with exit status {code}: {}",
            first_line(part)
        )),
    }
}

/// The first non-blank line of stderr (else stdout) that is not a
/// `WARNING:` (docker prints config warnings before the real error), quoted.
fn first_line(part: &Part) -> String {
    let pick = |text: &str| {
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let first = lines.clone().next();
        lines
            .find(|l| !l.to_ascii_lowercase().starts_with("warning"))
            .or(first)
            .map(excerpt)
    };
    pick(&part.stderr)
        .or_else(|| pick(&part.stdout))
        .unwrap_or_else(|| "no output".to_owned())
}

fn parsed<T>(section: &str, result: Result<T, ParseError>) -> Section<T> {
    match result {
        Ok(value) => Section::Ok(value),
        Err(e) => Section::Failed(format!("{section}: {e}")),
    }
}

fn containers(s: &RawSection, t: Option<u32>) -> Section<Vec<super::Container>> {
    if s.missing.is_some() {
        return Section::Unavailable("docker is not installed".to_owned());
    }
    let ps = match succeeded(s.part("ps"), "containers", "docker ps", t) {
        Ok(part) => part,
        Err(e) => return Section::Failed(e),
    };
    if let Some(ids) = s.part("ids")
        && let Err(e) = succeeded(Some(ids), "containers", "docker ps -q", t)
    {
        return Section::Failed(e);
    }
    let inspect = match s.part("inspect") {
        None => "",
        // A container removed between `ps` and `inspect` makes inspect exit 1
        // while still printing the others: use what it printed.
        Some(p) if p.status.is_some_and(|c| c != 124) && p.stdout.trim_start().starts_with('[') => {
            &p.stdout
        }
        Some(p) => match succeeded(Some(p), "containers", "docker inspect", t) {
            Ok(part) => &part.stdout,
            Err(e) => return Section::Failed(e),
        },
    };
    parsed("containers", parse_containers(&ps.stdout, inspect))
}

fn units(s: &RawSection, t: Option<u32>) -> Section<Vec<super::Unit>> {
    if s.missing.is_some() {
        return Section::Unavailable("systemd is not running (systemctl not found)".to_owned());
    }
    let part = s.part("show");
    if let Some(p) = part.filter(|p| p.status.is_some_and(|c| c != 0 && c != 124)) {
        let said = format!("{}\n{}", p.stderr, p.stdout).to_lowercase();
        for (needle, why) in [
            (
                "has not been booted with systemd",
                "system has not been booted with systemd",
            ),
            ("failed to connect to bus", "failed to connect to bus"),
        ] {
            if said.contains(needle) {
                return Section::Unavailable(format!("systemd is not running ({why})"));
            }
        }
    }
    let part = match succeeded(part, "units", "systemctl show", t) {
        Ok(part) => part,
        Err(e) => return Section::Failed(e),
    };
    match parse_units(&part.stdout) {
        Ok(units) if units.is_empty() => Section::Failed(format!(
            "units: systemctl show printed no units: {}",
            first_line(part)
        )),
        other => parsed("units", other),
    }
}

fn disks(s: &RawSection, t: Option<u32>) -> Section<Vec<super::Filesystem>> {
    let part = s.part("df");
    // df exits 1 when one mount cannot be read but still lists the others.
    if let Some(p) = part.filter(|p| p.status.is_some_and(|c| c != 0 && c != 124))
        && let Ok(list) = df::parse_df(&p.stdout)
        && !list.is_empty()
    {
        return Section::Ok(list);
    }
    match succeeded(part, "disks", "df", t) {
        Ok(part) => parsed("disks", df::parse_df(&part.stdout)),
        Err(e) => Section::Failed(e),
    }
}

fn cat<T>(
    s: &RawSection,
    section: &str,
    file: &str,
    t: Option<u32>,
    parse: fn(&str) -> Result<T, ParseError>,
) -> Section<T> {
    match succeeded(s.parts.first(), section, &format!("cat {file}"), t) {
        Ok(part) => parsed(section, parse(&part.stdout)),
        Err(e) => Section::Failed(e),
    }
}
