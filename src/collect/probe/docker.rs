//! Parser for the Docker CLI output the probe collects.
//!
//! Takes: the stdout of `docker ps -a --no-trunc --format '{{json .}}'` (one
//! JSON object per line) and of `docker inspect <ids>` (one JSON array; may
//! be empty when there are no containers).
//! Gives: one [`Container`] per `docker ps` line, enriched from its inspect
//! object when there is one (matched by full ID), or a [`ParseError`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use super::container::{Container, ContainerState, Health};
use super::error::{ParseError, excerpt};

/// Longest kept healthcheck output, in chars.
pub const HEALTH_OUTPUT_CHARS: usize = 500;

/// The `docker ps` fields we use. All are strings in every CLI version;
/// `HealthStatus` only exists in newer CLIs.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PsRow {
    #[serde(rename = "ID")]
    id: String,
    #[serde(rename = "Names")]
    names: String,
    #[serde(rename = "Image")]
    image: String,
    #[serde(rename = "State")]
    state: String,
    #[serde(rename = "Status")]
    status: String,
    #[serde(rename = "Labels")]
    labels: String,
    #[serde(rename = "HealthStatus")]
    health_status: String,
}

/// Parses and joins `docker ps` and `docker inspect` output. Every non-blank
/// `docker ps` line must be a JSON object with an `ID`; the inspect output
/// must be blank or a JSON array of objects with an `Id`. Containers missing
/// from inspect (removed in between) keep what `docker ps` says.
pub fn parse_containers(
    ps_output: &str,
    inspect_output: &str,
) -> Result<Vec<Container>, ParseError> {
    let rows = parse_ps(ps_output)?;
    let inspected = parse_inspect(inspect_output)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let found = inspected.iter().find(|v| same_id(&row.id, v));
            build(row, found)
        })
        .collect())
}

fn parse_ps(output: &str) -> Result<Vec<PsRow>, ParseError> {
    let mut rows = Vec::new();
    for (index, line) in output.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let error = |reason: String| ParseError::DockerPs {
            line: index + 1,
            reason,
            excerpt: excerpt(line),
        };
        let value: Value = serde_json::from_str(line.trim())
            .map_err(|e| error(format!("is not valid json ({e})")))?;
        if !value.is_object() {
            return Err(error("is not a json object".to_owned()));
        }
        // Only fields we know are strings are declared, so a field that is
        // null or structured in some CLI version (`Platform`) cannot break this.
        let row: PsRow = serde_json::from_value(value)
            .map_err(|e| error(format!("has an unexpected field type ({e})")))?;
        if row.id.is_empty() {
            return Err(error("has no \"ID\"".to_owned()));
        }
        rows.push(row);
    }
    Ok(rows)
}

fn parse_inspect(output: &str) -> Result<Vec<Map<String, Value>>, ParseError> {
    let trimmed = output.trim();
    if trimmed.is_empty() {
        return Ok(Vec::new());
    }
    let error = |reason: String| ParseError::DockerInspect {
        reason,
        excerpt: excerpt(trimmed),
    };
    let values: Vec<Value> =
        serde_json::from_str(trimmed).map_err(|e| error(format!("is not a json array ({e})")))?;
    values
        .into_iter()
        .map(|v| match v {
            Value::Object(map) if map.get("Id").and_then(Value::as_str).is_some() => Ok(map),
            _ => Err(error(
                "has an entry that is not an object with an \"Id\"".to_owned(),
            )),
        })
        .collect()
}

/// Full IDs must match; a truncated `docker ps` ID (12+ chars) matches by prefix.
fn same_id(ps_id: &str, inspect: &Map<String, Value>) -> bool {
    let id = inspect
        .get("Id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    id == ps_id || (ps_id.len() >= 12 && id.starts_with(ps_id))
}

fn build(row: PsRow, inspect: Option<&Map<String, Value>>) -> Container {
    let at = |pointer: &str| inspect.and_then(|m| lookup(m, pointer));
    let text = |pointer: &str| {
        at(pointer)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
    };

    let state_text = text("/State/Status").unwrap_or(&row.state);
    let state = ContainerState::parse(state_text);
    let health = text("/State/Health/Status")
        .and_then(Health::parse)
        .or_else(|| Health::parse(&row.health_status))
        .or_else(|| Health::from_status_text(&row.status));
    let exit_code = match state {
        ContainerState::Running | ContainerState::Paused | ContainerState::Created => None,
        _ => at("/State/ExitCode")
            .and_then(Value::as_i64)
            .or_else(|| exit_code_from_status(&row.status)),
    };
    let labels = match at("/Config/Labels") {
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| (k.clone(), label_value(v)))
            .collect(),
        Some(_) => BTreeMap::new(),
        None if inspect.is_some() => BTreeMap::new(),
        None => labels_from_ps(&row.labels),
    };
    let name = text("/Name")
        .map(|n| n.trim_start_matches('/').to_owned())
        .unwrap_or_else(|| row.names.split(',').next().unwrap_or_default().to_owned());
    let image = if row.image.is_empty() {
        text("/Config/Image").unwrap_or_default().to_owned()
    } else {
        row.image.clone()
    };
    Container {
        name,
        image,
        state,
        health,
        failing_streak: at("/State/Health/FailingStreak").and_then(Value::as_u64),
        last_health_output: last_health_output(at("/State/Health/Log")),
        exit_code,
        oom_killed: at("/State/OOMKilled")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        restart_count: at("/RestartCount").and_then(Value::as_u64).unwrap_or(0),
        restart_policy: text("/HostConfig/RestartPolicy/Name").map(str::to_owned),
        started_at: text("/State/StartedAt").and_then(timestamp),
        finished_at: text("/State/FinishedAt").and_then(timestamp),
        error: text("/State/Error").map(str::to_owned),
        labels,
        inspect: inspect.map(|m| Value::Object(m.clone())),
        status_text: row.status,
        id: row.id,
    }
}

/// `pointer` (`/A/B`) inside an inspect object.
fn lookup<'a>(map: &'a Map<String, Value>, pointer: &str) -> Option<&'a Value> {
    let mut parts = pointer.trim_start_matches('/').split('/');
    let first = map.get(parts.next()?)?;
    parts.try_fold(first, |v, key| v.get(key))
}

fn label_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `docker ps` joins labels as `k=v,k=v`; a piece without `=` is taken as
/// part of the previous value (values may contain commas). Best effort.
fn labels_from_ps(joined: &str) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::new();
    let mut last: Option<String> = None;
    for piece in joined.split(',').filter(|p| !p.is_empty()) {
        match (piece.split_once('='), &last) {
            (Some((k, v)), _) => {
                labels.insert(k.to_owned(), v.to_owned());
                last = Some(k.to_owned());
            }
            (None, Some(key)) => {
                if let Some(value) = labels.get_mut(key) {
                    value.push(',');
                    value.push_str(piece);
                }
            }
            (None, None) => {}
        }
    }
    labels
}

/// The `Output` of the last healthcheck log entry, trimmed, at most
/// [`HEALTH_OUTPUT_CHARS`] chars; None when empty.
fn last_health_output(log: Option<&Value>) -> Option<String> {
    let output = log?.as_array()?.last()?.get("Output")?.as_str()?.trim();
    if output.is_empty() {
        return None;
    }
    Some(output.chars().take(HEALTH_OUTPUT_CHARS).collect())
}

/// `Exited (137) 3 minutes ago` / `Restarting (1) 2 seconds ago` -> the code.
fn exit_code_from_status(status: &str) -> Option<i64> {
    let rest = status
        .strip_prefix("Exited (")
        .or_else(|| status.strip_prefix("Restarting ("))?;
    rest.split_once(')')?.0.trim().parse().ok()
}

/// RFC 3339 timestamp; Docker's zero time (`0001-01-01T00:00:00Z`) is None.
fn timestamp(text: &str) -> Option<jiff::Timestamp> {
    if text.starts_with("0001-01-01") {
        return None;
    }
    text.parse().ok()
}

impl Serialize for ContainerState {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ContainerState {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|s| ContainerState::parse(&s))
    }
}
