//! One host's `sshd`: its config file (per LAB.md), the listener process
//! (`sshd -D`, our child, so it is reaped), readiness, and the faults that
//! act on it: stop, freeze (SIGSTOP, a hung host) and thaw.

use std::fmt::Write as _;
use std::fs;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::preflight::{LAB_USER, SSHD};
use super::process_tree;

/// How long a group of listeners may take to come up.
const START_DEADLINE: Duration = Duration::from_secs(20);

/// Everything an sshd config needs, all absolute paths.
#[derive(Debug)]
pub(super) struct SshdFiles {
    pub(super) config: PathBuf,
    pub(super) log: PathBuf,
    pub(super) pid_file: PathBuf,
    pub(super) host_key: PathBuf,
    pub(super) authorized_keys: PathBuf,
    /// `NAME=VALUE` pairs for `SetEnv`.
    pub(super) env: Vec<String>,
}

/// A host's sshd: stopped or running on `port`.
#[derive(Debug)]
pub(super) struct Sshd {
    files: SshdFiles,
    port: u16,
    child: Option<Child>,
    frozen: bool,
}

enum Readiness {
    Ready,
    Starting,
    PortTaken,
    Failed(String),
}

/// A port on 127.0.0.1 that nothing listens on right now (from the
/// kernel's ephemeral range, 32768-60999 here).
pub(super) fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("binding 127.0.0.1:0 works on loopback")
}

impl Sshd {
    /// An sshd on a fresh free port, not started yet.
    pub(super) fn new(files: SshdFiles) -> Self {
        Self {
            files,
            port: free_port(),
            child: None,
            frozen: false,
        }
    }

    pub(super) fn port(&self) -> u16 {
        self.port
    }

    pub(super) fn is_running(&self) -> bool {
        self.child.is_some()
    }

    pub(super) fn host_key(&self) -> &Path {
        &self.files.host_key
    }

    /// The listener's process id while it runs.
    pub(super) fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    fn config_text(&self) -> String {
        let f = &self.files;
        let mut text = String::new();
        let lines = [
            format!("ListenAddress 127.0.0.1:{}", self.port),
            format!("HostKey {}", f.host_key.display()),
            format!("PidFile {}", f.pid_file.display()),
            format!("AuthorizedKeysFile {}", f.authorized_keys.display()),
            format!("AllowUsers {LAB_USER}"),
            "PubkeyAuthentication yes".into(),
            "PasswordAuthentication no".into(),
            "KbdInteractiveAuthentication no".into(),
            "UsePAM no".into(),
            "StrictModes no".into(),
            "MaxStartups 200:30:400".into(),
            "MaxSessions 100".into(),
            "LogLevel ERROR".into(),
            "PrintMotd no".into(),
            "X11Forwarding no".into(),
        ];
        for line in lines {
            let _ = writeln!(text, "{line}");
        }
        let env: Vec<String> = f.env.iter().map(|kv| format!("\"{kv}\"")).collect();
        let _ = writeln!(text, "SetEnv {}", env.join(" "));
        text
    }

    fn spawn(&mut self) {
        assert!(self.child.is_none(), "sshd is already running");
        fs::write(&self.files.config, self.config_text())
            .unwrap_or_else(|e| panic!("write {}: {e}", self.files.config.display()));
        let _ = fs::remove_file(&self.files.pid_file);
        let _ = fs::remove_file(&self.files.log);
        let child = Command::new(SSHD)
            .arg("-D")
            .arg("-f")
            .arg(&self.files.config)
            .arg("-E")
            .arg(&self.files.log)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {SSHD}: {e}"));
        self.child = Some(child);
    }

    fn poll(&mut self) -> Readiness {
        let Some(child) = self.child.as_mut() else {
            return Readiness::Failed("sshd is not running".into());
        };
        if let Ok(Some(status)) = child.try_wait() {
            self.child = None;
            let log = fs::read_to_string(&self.files.log).unwrap_or_default();
            if log.contains("Address already in use") {
                return Readiness::PortTaken;
            }
            return Readiness::Failed(format!("sshd exited ({status}): {}", log.trim()));
        }
        // sshd writes its pid file once its listening socket is bound, so a
        // matching pid proves the port is ours, not another process's.
        let pid = fs::read_to_string(&self.files.pid_file).unwrap_or_default();
        if pid.trim() != child.id().to_string() {
            return Readiness::Starting;
        }
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        match TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(_) => Readiness::Ready,
            Err(_) => Readiness::Starting,
        }
    }

    /// Starts every sshd in `group` at once and waits until each accepts TCP
    /// connections. A first start may move to another port if its port was
    /// taken meanwhile; a restart keeps its port (known_hosts names it).
    pub(super) fn start_all(group: &mut [&mut Sshd], may_move_port: bool) {
        for sshd in group.iter_mut() {
            sshd.spawn();
        }
        let deadline = Instant::now() + START_DEADLINE;
        let mut pending: Vec<usize> = (0..group.len()).collect();
        let mut moves = 0;
        while !pending.is_empty() {
            let mut still = Vec::new();
            for &i in &pending {
                let sshd = &mut group[i];
                match sshd.poll() {
                    Readiness::Ready => {}
                    Readiness::Starting => still.push(i),
                    Readiness::PortTaken if may_move_port && moves < 10 => {
                        moves += 1;
                        sshd.port = free_port();
                        sshd.spawn();
                        still.push(i);
                    }
                    Readiness::PortTaken => panic!(
                        "sshd cannot listen on 127.0.0.1:{}: the port is taken",
                        sshd.port
                    ),
                    Readiness::Failed(why) => {
                        panic!("sshd for {}: {why}", sshd.files.config.display())
                    }
                }
            }
            pending = still;
            if pending.is_empty() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "sshd did not listen within {START_DEADLINE:?}: {}",
                pending
                    .iter()
                    .map(|&i| group[i].files.config.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            thread::sleep(Duration::from_millis(2));
        }
    }

    /// Stops the listener and every session below it: connections are
    /// refused at once and open ones end.
    pub(super) fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let pid = child.id();
        if self.frozen {
            process_tree::signal("CONT", &[pid]);
            self.frozen = false;
        }
        process_tree::kill_descendants(pid, Duration::from_secs(1));
        let _ = child.kill();
        let _ = child.wait();
        let _ = fs::remove_file(&self.files.pid_file);
    }

    /// SIGSTOPs the listener and its sessions: a hung host. New connections
    /// complete the TCP handshake but never see an SSH banner.
    pub(super) fn freeze(&mut self) {
        let pid = self.pid().expect("freeze needs a running sshd");
        process_tree::signal("STOP", &[pid]);
        let tree: Vec<u32> = process_tree::descendants(pid)
            .iter()
            .map(|&(p, _)| p)
            .collect();
        process_tree::signal("STOP", &tree);
        self.frozen = true;
    }

    /// SIGCONTs what [`Sshd::freeze`] stopped.
    pub(super) fn thaw(&mut self) {
        let Some(pid) = self.pid() else {
            return;
        };
        let tree: Vec<u32> = process_tree::descendants(pid)
            .iter()
            .map(|&(p, _)| p)
            .collect();
        process_tree::signal("CONT", &tree);
        process_tree::signal("CONT", &[pid]);
        self.frozen = false;
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        self.stop();
    }
}
