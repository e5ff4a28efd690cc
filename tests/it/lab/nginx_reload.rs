//! Reloads of a lab nginx and knowing when one is over. `nginx -s reload`
//! only sends SIGHUP; the master then re-reads its files, starts new
//! workers, sleeps 100 ms and only then tells the old workers to finish, so
//! for ~110 ms after the command returns old and new workers both answer.
//! A reload has settled when no SIGHUP is pending, the master sleeps again,
//! and its only worker is the one its error log (level notice) says it
//! started after the last SIGHUP.

use std::fs;
use std::thread;
use std::time::{Duration, Instant};

use super::nginx::{DEADLINE, Nginx};
use super::nginx_conf;
use super::process_tree;

impl Nginx {
    /// Rewrites the site file to proxy to `upstream` (`HOST:PORT`) and
    /// reloads: how a test breaks (or repairs) the proxy.
    pub fn set_upstream(&self, upstream: &str) -> &Self {
        nginx_conf::check_upstream(upstream);
        self.write_site(upstream);
        self.reload()
    }

    /// Runs the reload command as the login user and waits until the new
    /// configuration answers alone. Panics if nginx rejects the
    /// configuration.
    pub fn reload(&self) -> &Self {
        let out = self.run(&["-s", "reload"]);
        assert!(
            out.status.success(),
            "`{}` failed ({}): {}",
            self.reload_command(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        self.wait_settled()
    }

    /// Waits until a reload in flight (medic's too, once its `nginx -s
    /// reload` has returned) is over: from then on every answer comes from
    /// the configuration that reload read.
    pub fn wait_settled(&self) -> &Self {
        let deadline = Instant::now() + DEADLINE;
        // Twice in a row: the master logs a SIGHUP a moment after the
        // kernel stops showing it pending.
        let mut in_a_row = 0;
        while in_a_row < 2 {
            in_a_row = if self.settled() { in_a_row + 1 } else { 0 };
            assert!(
                Instant::now() < deadline,
                "the nginx of host {} did not settle within {DEADLINE:?} (workers {:?}): {}",
                self.host,
                self.worker_pids(),
                self.logs()
            );
            thread::sleep(Duration::from_millis(2));
        }
        self
    }

    fn settled(&self) -> bool {
        let Some(master) = self.pid() else {
            return false;
        };
        let log = fs::read_to_string(&self.layout.error_log).unwrap_or_default();
        !hup_pending(master)
            && state(master) == Some('S')
            && newest_worker(&log).is_some_and(|w| workers(master) == [w])
    }
}

/// The live children of `master`: its workers.
pub(super) fn workers(master: u32) -> Vec<u32> {
    process_tree::descendants(master)
        .into_iter()
        .filter(|&(p, depth)| depth == 1 && process_tree::is_alive(p))
        .map(|(p, _)| p)
        .collect()
}

/// Whether SIGHUP waits for `pid` (nginx blocks it outside `sigsuspend`).
fn hup_pending(pid: u32) -> bool {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status.lines().any(|line| {
        let mask = ["SigPnd:", "ShdPnd:"]
            .iter()
            .find_map(|key| line.strip_prefix(key));
        mask.and_then(|m| u64::from_str_radix(m.trim(), 16).ok())
            .is_some_and(|m| m & 1 != 0)
    })
}

/// The process state letter (`S` sleeping, `R` running, ...).
fn state(pid: u32) -> Option<char> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat[stat.rfind(')')? + 1..].trim_start().chars().next()
}

/// The worker the master started last, unless a SIGHUP came after it.
fn newest_worker(log: &str) -> Option<u32> {
    let mut newest = None;
    for line in log.lines() {
        if line.contains("(SIGHUP) received") || line.ends_with(": reconfiguring") {
            newest = None;
        } else if let Some(pid) = line.split("start worker process ").nth(1) {
            newest = pid.trim().parse().ok();
        }
    }
    newest
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "\
2026/11/27 23:43:37 [notice] 7836#7836: start worker processes
2026/11/27 23:43:37 [notice] 7836#7836: start worker process 7838
";

    #[test]
    fn the_newest_worker_is_the_last_started_after_any_sighup() {
        assert_eq!(newest_worker(LOG), Some(7838));
        let hup = format!(
            "{LOG}2026/11/27 23:43:37 [notice] 7836#7836: signal 1 (SIGHUP) received from \
             7842, reconfiguring\n"
        );
        assert_eq!(newest_worker(&hup), None);
        let reconfigured = format!(
            "{hup}2026/11/27 23:43:37 [notice] 7836#7836: reconfiguring\n\
             2026/11/27 23:43:37 [notice] 7836#7836: start worker processes\n\
             2026/11/27 23:43:37 [notice] 7836#7836: start worker process 7844\n\
             2026/11/27 23:43:37 [notice] 7838#7838: gracefully shutting down\n"
        );
        assert_eq!(newest_worker(&reconfigured), Some(7844));
        assert_eq!(newest_worker(""), None);
    }
}
