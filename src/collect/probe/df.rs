//! Parser for `df -PTk` (GNU coreutils and BusyBox).
//!
//! Takes: the stdout of `df -PTk`.
//! Gives: one [`Filesystem`] per mount point (KiB), with `used_percent` and
//! `is_pseudo` helpers, or a [`ParseError`] quoting the line it choked on.
//!
//! Columns are `device type total used available capacity mount`. The device
//! may contain spaces and the mount point is the rest of the line, so a line
//! is anchored on the capacity column (`NN%`, or `-`) preceded by three
//! numeric columns and the type.

use serde::{Deserialize, Serialize};

use super::error::{ParseError, excerpt};

/// One mounted filesystem as `df -PTk` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filesystem {
    pub device: String,
    pub fs_type: String,
    pub total_kib: u64,
    pub used_kib: u64,
    pub available_kib: u64,
    pub mount: String,
}

/// Types a disk-space threshold should ignore: memory-backed, virtual,
/// read-only images and container layers.
const PSEUDO_TYPES: &[&str] = &[
    "tmpfs",
    "devtmpfs",
    "ramfs",
    "rootfs",
    "overlay",
    "overlayfs",
    "aufs",
    "squashfs",
    "iso9660",
    "udf",
    "proc",
    "sysfs",
    "cgroup",
    "cgroup2",
    "devpts",
    "devfs",
    "mqueue",
    "nsfs",
    "debugfs",
    "tracefs",
    "securityfs",
    "pstore",
    "bpf",
    "configfs",
    "fusectl",
    "hugetlbfs",
    "autofs",
    "binfmt_misc",
    "efivarfs",
    "rpc_pipefs",
    "nfsd",
    "selinuxfs",
    "shm",
    "none",
];

/// FUSE filesystems that hold real data (everything else `fuse.*` is a
/// virtual view such as lxcfs, gvfsd-fuse, portal, snapfuse).
const REAL_FUSE: &[&str] = &[
    "fuse.sshfs",
    "fuse.mergerfs",
    "fuse.ceph-fuse",
    "fuse.glusterfs",
    "fuse.gocryptfs",
    "fuse.encfs",
    "fuse.rclone",
    "fuse.s3fs",
    "fuse.zfs",
];

impl Filesystem {
    /// `used / (used + available) * 100`, as df computes "Capacity" (so
    /// reserved blocks count as unavailable); 0 when both are 0.
    pub fn used_percent(&self) -> f64 {
        let denominator = self.used_kib as f64 + self.available_kib as f64;
        if denominator == 0.0 {
            return 0.0;
        }
        self.used_kib as f64 * 100.0 / denominator
    }

    /// True for filesystems a disk threshold should ignore: pseudo and
    /// memory-backed types, read-only images, virtual FUSE mounts, and
    /// anything of size 0.
    pub fn is_pseudo(&self) -> bool {
        let t = self.fs_type.as_str();
        if self.total_kib == 0 || PSEUDO_TYPES.contains(&t) || t.starts_with("cgroup") {
            return true;
        }
        t.starts_with("fuse.") && !REAL_FUSE.contains(&t)
    }
}

/// Parses `df -PTk` output. The header line is skipped; blank lines are
/// ignored; a mount point listed twice (BusyBox lists over-mounts) keeps its
/// last entry, which is the one visible at that path.
pub fn parse_df(output: &str) -> Result<Vec<Filesystem>, ParseError> {
    let mut filesystems: Vec<Filesystem> = Vec::new();
    for (index, line) in output.lines().enumerate() {
        if line.trim().is_empty() || is_header(line) {
            continue;
        }
        let fs = parse_line(line).map_err(|reason| ParseError::Df {
            line: index + 1,
            reason: reason.to_owned(),
            excerpt: excerpt(line),
        })?;
        filesystems.retain(|seen| seen.mount != fs.mount);
        filesystems.push(fs);
    }
    Ok(filesystems)
}

fn is_header(line: &str) -> bool {
    line.starts_with("Filesystem") && line.contains("Mounted on")
}

/// Whitespace-separated words of `line` with their byte offsets.
fn words(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s, &line[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &line[s..]));
    }
    out
}

fn is_capacity(word: &str) -> bool {
    word == "-"
        || word
            .strip_suffix('%')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// A size column: digits, or `-` (unknown, counted as 0).
fn size(word: &str) -> Option<u64> {
    if word == "-" {
        return Some(0);
    }
    word.parse().ok()
}

fn parse_line(line: &str) -> Result<Filesystem, &'static str> {
    let words = words(line);
    if words.len() < 7 {
        return Err("has fewer than 7 columns");
    }
    // The capacity column: the first `NN%` that follows a device, a type and
    // three sizes, and is itself followed by a mount point.
    let found = (5..words.len() - 1).find_map(|cap| {
        let [ty, total, used, avail] = [cap - 4, cap - 3, cap - 2, cap - 1].map(|i| words[i].1);
        if !is_capacity(words[cap].1) {
            return None;
        }
        Some((ty, size(total)?, size(used)?, size(avail)?, cap))
    });
    let Some((fs_type, total_kib, used_kib, available_kib, cap)) = found else {
        return Err("does not look like \"device type total used available capacity% mount\"");
    };
    let device_end = words[cap - 5].0 + words[cap - 5].1.len();
    let mount_start = words[cap + 1].0;
    Ok(Filesystem {
        device: line[..device_end].trim().to_owned(),
        fs_type: fs_type.to_owned(),
        total_kib,
        used_kib,
        available_kib,
        mount: line[mount_start..]
            .trim_end_matches(['\r', '\n'])
            .to_owned(),
    })
}
