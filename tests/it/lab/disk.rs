//! A host's mounted filesystems and their rendering as GNU `df` output
//! (coreutils 9.1: column widths, alignment, `Capacity` rounded up), which
//! the df shim prints.

/// Bytes in a KiB, MiB, GiB, TiB.
pub const KIB: u64 = 1 << 10;
pub const MIB: u64 = 1 << 20;
pub const GIB: u64 = 1 << 30;
pub const TIB: u64 = 1 << 40;

/// One mounted filesystem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disk {
    mount: String,
    total: u64,
    used: u64,
    device: Option<String>,
    fs_type: String,
}

impl Disk {
    /// The same filesystem with `used` bytes in use.
    pub(super) fn with_used(&self, used: u64) -> Disk {
        Disk {
            used,
            ..self.clone()
        }
    }

    /// `total` and `used` in bytes; available is `total - used` (no reserved
    /// blocks).
    pub fn new(mount: &str, total: u64, used: u64) -> Self {
        assert!(used <= total, "disk {mount}: used {used} > total {total}");
        Self {
            mount: mount.to_string(),
            total,
            used,
            device: None,
            fs_type: "ext4".into(),
        }
    }

    /// The device column (default `/dev/vda1` for `/`, `/dev/vdb1`, ... for
    /// the others, in order).
    pub fn device(mut self, device: &str) -> Self {
        self.device = Some(device.to_string());
        self
    }

    /// The type column (default `ext4`).
    pub fn fs_type(mut self, fs_type: &str) -> Self {
        self.fs_type = fs_type.to_string();
        self
    }

    pub fn mount(&self) -> &str {
        &self.mount
    }
}

/// The default disk of a host that declares none: `/`, 64 GiB, 16 GiB used.
pub(super) fn default_disks() -> Vec<Disk> {
    vec![Disk::new("/", 64 * GIB, 16 * GIB)]
}

/// Adds `disk`, or replaces the one with the same mount point.
pub(super) fn upsert(disks: &mut Vec<Disk>, disk: Disk) {
    match disks.iter_mut().find(|d| d.mount == disk.mount) {
        Some(slot) => *slot = disk,
        None => disks.push(disk),
    }
}

/// Files the df shim prints, by flags: `df-PT` (`-PTk`), `df-P`, `df-T`, `df`.
pub(super) fn render_all(disks: &[Disk]) -> Vec<(&'static str, String)> {
    vec![
        ("df-PT", render(disks, true, true)),
        ("df-P", render(disks, true, false)),
        ("df-T", render(disks, false, true)),
        ("df", render(disks, false, false)),
    ]
}

/// GNU df output with 1024-byte blocks.
pub(super) fn render(disks: &[Disk], posix: bool, with_type: bool) -> String {
    let mut extra = 0u8;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut header = vec!["Filesystem".to_string()];
    if with_type {
        header.push("Type".into());
    }
    header.push(if posix { "1024-blocks" } else { "1K-blocks" }.into());
    header.extend(["Used".into(), "Available".into()]);
    header.push(if posix { "Capacity" } else { "Use%" }.into());
    header.push("Mounted on".into());
    rows.push(header);
    for d in disks {
        let device = d.device.clone().unwrap_or_else(|| {
            if d.mount == "/" {
                "/dev/vda1".into()
            } else {
                extra += 1;
                format!("/dev/vd{}1", (b'a' + extra) as char)
            }
        });
        let size = d.total.div_ceil(1024);
        let used = d.used.div_ceil(1024);
        let avail = size - used;
        let pct = if used + avail == 0 {
            "-".to_string()
        } else {
            // GNU: used * 100 / (used + avail), rounded up.
            format!("{}%", (used * 100).div_ceil(used + avail))
        };
        let mut row = vec![device];
        if with_type {
            row.push(d.fs_type.clone());
        }
        row.extend([
            size.to_string(),
            used.to_string(),
            avail.to_string(),
            pct,
            d.mount.clone(),
        ]);
        rows.push(row);
    }
    // Minimum widths from coreutils' df.c: source 14, fstype 4, numbers 5,
    // percent 4 (before the header widens it), target 0.
    let mut min = vec![14];
    if with_type {
        min.push(4);
    }
    min.extend([5, 5, 5, 4, 0]);
    let columns = min.len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .map(|r| r[c].len())
                .max()
                .unwrap_or(0)
                .max(min[c])
        })
        .collect();
    let left = |c: usize| c == 0 || (with_type && c == 1) || c == columns - 1;
    let mut out = String::new();
    for row in &rows {
        let cells: Vec<String> = (0..columns)
            .map(|c| {
                if c == columns - 1 {
                    row[c].clone()
                } else if left(c) {
                    format!("{:<w$}", row[c], w = widths[c])
                } else {
                    format!("{:>w$}", row[c], w = widths[c])
                }
            })
            .collect();
        out.push_str(&cells.join(" "));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_gnu_df_layout() {
        // Real `df -PTk /` on the development machine, with its numbers.
        let real = "Filesystem     Type 1024-blocks     Used Available Capacity Mounted on\n\
                    /dev/vda       ext4   264212084 12828296 251383788       5% /\n";
        let disk = Disk::new("/", 264_212_084 * 1024, 12_828_296 * 1024).device("/dev/vda");
        assert_eq!(render(&[disk], true, true), real);
    }

    #[test]
    fn capacity_rounds_up() {
        let out = render(&[Disk::new("/", 100 * GIB, 40 * GIB + 1)], true, true);
        assert!(
            out.lines().nth(1).expect("a row").contains(" 41% /"),
            "{out}"
        );
        let full = render(&[Disk::new("/data", 10 * GIB, 10 * GIB)], true, false);
        assert!(full.contains("100% /data"), "{full}");
        assert!(full.starts_with("Filesystem     1024-blocks"), "{full}");
    }
}
