//! Processes below an sshd listener (its per-connection sessions and what
//! they run), found through `/proc`, and signals sent with the shell's `kill`
//! builtin. PID 1 on these machines reaps orphans only now and then (an
//! orphaned zombie lingers for seconds), so trees are killed from the leaves
//! up: each parent lives long enough to reap its children.

use std::collections::HashMap;
use std::fs;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// `(pid, parent pid, state letter)` of every process.
fn processes() -> Vec<(u32, u32, char)> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // `pid (comm) S ppid ...`: comm may hold spaces and parentheses.
            let rest = &stat[stat.rfind(')')? + 1..];
            let mut fields = rest.split_whitespace();
            let state = fields.next()?.chars().next()?;
            let ppid = fields.next()?.parse().ok()?;
            Some((pid, ppid, state))
        })
        .collect()
}

/// Descendants of `root` with their depth below it (children are 1).
pub(super) fn descendants(root: u32) -> Vec<(u32, usize)> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for (pid, ppid, _) in processes() {
        children.entry(ppid).or_default().push(pid);
    }
    let mut found = Vec::new();
    let mut level = vec![root];
    let mut depth = 0;
    while !level.is_empty() {
        depth += 1;
        let next: Vec<u32> = level
            .iter()
            .flat_map(|p| children.get(p).cloned().unwrap_or_default())
            .collect();
        found.extend(next.iter().map(|&p| (p, depth)));
        level = next;
    }
    found
}

/// Whether `pid` exists and is not a zombie.
pub(super) fn is_alive(pid: u32) -> bool {
    processes()
        .iter()
        .any(|&(p, _, state)| p == pid && state != 'Z')
}

/// Sends `signal` (e.g. `STOP`) to `pids`; processes already gone are fine.
pub(super) fn signal(signal: &str, pids: &[u32]) {
    if pids.is_empty() {
        return;
    }
    let _ = Command::new("/bin/sh")
        .arg("-c")
        .arg("kill -s \"$0\" \"$@\" 2>/dev/null")
        .arg(signal)
        .args(pids.iter().map(u32::to_string))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Kills every descendant of `root` (not `root` itself), deepest first,
/// giving each level up to `per_level` to be reaped by its parents.
pub(super) fn kill_descendants(root: u32, per_level: Duration) {
    let tree = descendants(root);
    let Some(max_depth) = tree.iter().map(|&(_, d)| d).max() else {
        return;
    };
    let all: Vec<u32> = tree.iter().map(|&(p, _)| p).collect();
    signal("CONT", &all);
    for depth in (1..=max_depth).rev() {
        let level: Vec<u32> = tree
            .iter()
            .filter(|&&(_, d)| d == depth)
            .map(|&(p, _)| p)
            .collect();
        signal("KILL", &level);
        // Done when each is reaped, or a zombie no parent of ours will reap
        // (orphaned: PID 1 reaps it, lazily on these machines).
        let ours = |pid: u32| pid == root || all.contains(&pid);
        let deadline = Instant::now() + per_level;
        while Instant::now() < deadline {
            let pending = processes().iter().any(|&(p, ppid, state)| {
                let orphaned_zombie = state == 'Z' && !ours(ppid);
                level.contains(&p) && !orphaned_zombie
            });
            if !pending {
                break;
            }
            thread::sleep(Duration::from_millis(5));
        }
    }
}
