//! Test helpers: hand-framed probe output, temp dirs, running the script.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One part: name, stdout, stderr, exit status.
pub type P<'a> = (&'a str, &'a str, &'a str, i32);

/// Frames sections the way the script does.
pub fn framed(nonce: &str, sections: &[(&str, &[P])]) -> String {
    let m = format!("@@medic-{nonce}");
    let mut out = format!("{m} probe 1 timeout=5 timeout-cmd=std\n");
    for (name, parts) in sections {
        out += &format!("{m} begin {name}\n");
        let mut rc = 0;
        for (part, stdout, stderr, status) in parts.iter() {
            out +=
                &format!("{m} part {part}\n{stdout}\n{m} stderr\n{stderr}\n{m} status {status}\n");
            if rc == 0 {
                rc = *status;
            }
        }
        out += &format!("{m} end {name} {rc}\n");
    }
    out
}

/// The host sections, all fine.
pub fn host_ok(nonce: &str, extra: &[(&str, &[P])]) -> String {
    let mut sections: Vec<(&str, &[P])> = vec![("hostname", &[("cat", "web-1\n", "", 0)])];
    sections.extend_from_slice(extra);
    let disks: &[P] = &[("df", include_str!("../fixtures/df_gnu.txt"), "", 0)];
    let memory: &[P] = &[("cat", include_str!("../fixtures/meminfo.txt"), "", 0)];
    let load: &[P] = &[("cat", "0.61 0.29 0.11 2/138 21627\n", "", 0)];
    let uptime: &[P] = &[("cat", "348.73 370.95\n", "", 0)];
    sections.extend_from_slice(&[
        ("disks", disks),
        ("memory", memory),
        ("load", load),
        ("uptime", uptime),
    ]);
    framed(nonce, &sections)
}

/// A directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("medic-probe-{tag}-{}", super::super::new_nonce()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// Symlinks `tools` (found on the real PATH) into the dir.
    pub fn link(&self, tools: &[&str]) -> &Self {
        for tool in tools {
            let target = which(tool).unwrap_or_else(|| panic!("{tool} not on PATH"));
            std::os::unix::fs::symlink(target, self.0.join(tool)).unwrap();
        }
        self
    }

    /// Writes an executable script.
    pub fn script(&self, name: &str, body: &str) -> &Self {
        use std::os::unix::fs::PermissionsExt;
        let path = self.0.join(name);
        std::fs::write(&path, body).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        self
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn which(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(tool))
        .find(|p| p.is_file())
}

/// The shells to test with: dash as `/bin/sh`, and `busybox sh` when present.
pub fn shells() -> Vec<Vec<String>> {
    let mut shells = vec![vec!["/bin/sh".to_owned()]];
    if Path::new("/bin/busybox").exists() {
        shells.push(vec!["/bin/busybox".to_owned(), "sh".to_owned()]);
    } else {
        eprintln!("note: /bin/busybox missing, BusyBox sh not tested");
    }
    shells
}

/// Runs `script` with `shell -c`, with PATH replaced when given; returns
/// stdout and the wall time until the output was closed.
pub fn run(shell: &[String], script: &str, path: Option<&Path>) -> (String, Duration) {
    let mut cmd = Command::new(&shell[0]);
    cmd.args(&shell[1..])
        .arg("-c")
        .arg(script)
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    if let Some(path) = path {
        cmd.env("PATH", path);
    }
    let start = Instant::now();
    let out = cmd.output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        start.elapsed(),
    )
}
