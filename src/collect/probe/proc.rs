//! Parsers for the Linux `/proc` files the probe cats.
//!
//! Takes: the text of `/proc/meminfo`, `/proc/loadavg`, `/proc/uptime`.
//! Gives: [`Memory`] (bytes), [`Load`], uptime seconds, or a [`ParseError`].

use serde::{Deserialize, Serialize};

use super::error::{ParseError, excerpt};

/// Memory figures from `/proc/meminfo`, converted from KiB to bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memory {
    pub total_bytes: u64,
    /// `MemAvailable`: only on kernels >= 3.14.
    pub available_bytes: Option<u64>,
    pub swap_total_bytes: u64,
    pub swap_free_bytes: u64,
}

impl Memory {
    /// Percentage of memory in use (`100 - available/total`), when the
    /// kernel reports `MemAvailable` and the total is non-zero.
    pub fn used_percent(&self) -> Option<f64> {
        let available = self.available_bytes?;
        if self.total_bytes == 0 {
            return None;
        }
        let used = self.total_bytes.saturating_sub(available);
        Some(used as f64 * 100.0 / self.total_bytes as f64)
    }

    /// Percentage of swap in use; 0 when there is no swap.
    pub fn swap_used_percent(&self) -> f64 {
        if self.swap_total_bytes == 0 {
            return 0.0;
        }
        let used = self.swap_total_bytes.saturating_sub(self.swap_free_bytes);
        used as f64 * 100.0 / self.swap_total_bytes as f64
    }
}

/// Load averages and task counts from `/proc/loadavg`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Load {
    pub one: f64,
    pub five: f64,
    pub fifteen: f64,
    /// Runnable scheduling entities right now.
    pub running: u32,
    /// Scheduling entities (threads) that exist.
    pub total: u32,
}

fn proc_error(file: &'static str, reason: &str, text: &str) -> ParseError {
    ParseError::Proc {
        file,
        reason: reason.to_owned(),
        excerpt: excerpt(text),
    }
}

/// Parses `/proc/meminfo` (`Key:   <n> kB` lines). `MemTotal` is required;
/// missing swap lines count as no swap.
pub fn parse_meminfo(text: &str) -> Result<Memory, ParseError> {
    const FILE: &str = "/proc/meminfo";
    let mut total = None;
    let mut available = None;
    let mut swap_total = None;
    let mut swap_free = None;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Some((key, rest)) = line.split_once(':') else {
            return Err(proc_error(FILE, "has a line without a colon", line));
        };
        let slot = match key.trim() {
            "MemTotal" => &mut total,
            "MemAvailable" => &mut available,
            "SwapTotal" => &mut swap_total,
            "SwapFree" => &mut swap_free,
            _ => continue,
        };
        let mut words = rest.split_whitespace();
        let value = words.next().and_then(|n| n.parse::<u64>().ok());
        let bytes = match (value, words.next(), words.next()) {
            (Some(n), Some("kB"), None) => n.saturating_mul(1024),
            (Some(n), None, None) => n,
            _ => return Err(proc_error(FILE, "has a value that is not \"<n> kB\"", line)),
        };
        *slot = Some(bytes);
    }
    let Some(total_bytes) = total else {
        return Err(proc_error(FILE, "has no MemTotal line", text));
    };
    Ok(Memory {
        total_bytes,
        available_bytes: available,
        swap_total_bytes: swap_total.unwrap_or(0),
        swap_free_bytes: swap_free.unwrap_or(0),
    })
}

/// Parses `/proc/loadavg`: `0.61 0.29 0.11 2/138 21627`.
pub fn parse_loadavg(text: &str) -> Result<Load, ParseError> {
    const FILE: &str = "/proc/loadavg";
    let bad = || {
        proc_error(
            FILE,
            "is not \"<1m> <5m> <15m> <running>/<total> <last pid>\"",
            text,
        )
    };
    let words: Vec<&str> = text.split_whitespace().collect();
    let [one, five, fifteen, tasks, ..] = words.as_slice() else {
        return Err(bad());
    };
    let load = |w: &str| w.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0);
    let (Some(one), Some(five), Some(fifteen)) = (load(one), load(five), load(fifteen)) else {
        return Err(bad());
    };
    let Some((running, total)) = tasks.split_once('/') else {
        return Err(bad());
    };
    let (Ok(running), Ok(total)) = (running.parse::<u32>(), total.parse::<u32>()) else {
        return Err(bad());
    };
    Ok(Load {
        one,
        five,
        fifteen,
        running,
        total,
    })
}

/// Parses `/proc/uptime` (`348.73 370.95`): the first number, in seconds.
pub fn parse_uptime(text: &str) -> Result<f64, ParseError> {
    text.split_whitespace()
        .next()
        .and_then(|w| w.parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| proc_error("/proc/uptime", "is not \"<seconds> <idle seconds>\"", text))
}
