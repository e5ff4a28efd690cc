//! A real nginx (Debian's) on a lab host, run as the login user `medic-lab`
//! so that medic, logged in as that user, can validate and reload it. The
//! master is started with `-g 'daemon off;'` as the harness's child (std's
//! `Command::uid`/`gid`, which also drops root's supplementary groups): it
//! is reaped by us, gets the terminal's Ctrl-C with the test run, and is
//! stopped with QUIT (then KILL) when the lab drops. Its files are in
//! `nginx_conf`; reloads and knowing when one is over, in `nginx_reload`.

use std::fs::{self, OpenOptions};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU16, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use super::host::lock;
use super::http_get;
use super::nginx_conf::{self, Layout, SiteSpec};
use super::nginx_reload::workers;
use super::preflight::NGINX;
use super::process_tree;
use super::sshd::free_port;
use super::state_fs::{self, Owner};

/// How long starting, reloading or stopping may take.
pub(super) const DEADLINE: Duration = Duration::from_secs(20);

/// The nginx of one lab host (see [`super::Host::nginx`]).
#[derive(Debug)]
pub struct Nginx {
    pub(super) host: String,
    site: SiteSpec,
    pub(super) layout: Layout,
    owner: Owner,
    /// Changes only while starting (a port taken meanwhile).
    port: AtomicU16,
    child: Mutex<Option<Child>>,
}

enum Readiness {
    Ready,
    Starting,
    PortTaken,
    Failed(String),
}

impl Nginx {
    /// Writes the configuration under `host_dir/nginx`; starts nothing.
    pub(super) fn prepare(host: &str, host_dir: &Path, site: &SiteSpec, owner: Owner) -> Self {
        let layout = Layout::new(host_dir, site);
        fs::create_dir(&layout.prefix)
            .unwrap_or_else(|e| panic!("mkdir {}: {e}", layout.prefix.display()));
        state_fs::chmod(&layout.prefix, 0o755);
        for dir in &layout.owned_dirs {
            owner.mkdir(dir);
        }
        let nginx = Self {
            host: host.to_string(),
            site: site.clone(),
            layout,
            owner,
            port: AtomicU16::new(free_port()),
            child: Mutex::new(None),
        };
        nginx.write_files();
        nginx
    }

    /// `nginx.conf` (root's, read-only for others) and the site file (the
    /// login user's), both for the current port and the declared upstream.
    fn write_files(&self) {
        let conf = &self.layout.conf;
        fs::write(conf, self.layout.main_conf(&self.host, self.port()))
            .unwrap_or_else(|e| panic!("write {}: {e}", conf.display()));
        state_fs::chmod(conf, 0o644);
        self.write_site(&self.site.upstream);
    }

    pub(super) fn write_site(&self, upstream: &str) {
        let text = nginx_conf::site_conf(&self.site.server_name, self.port(), upstream);
        self.owner.write(&self.layout.site_file, text);
    }

    /// `nginx -p PREFIX -c CONF ARGS` as the login user.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(NGINX);
        cmd.args(args)
            .arg("-p")
            .arg(&self.layout.prefix)
            .arg("-c")
            .arg(&self.layout.conf)
            .uid(self.owner.uid)
            .gid(self.owner.gid)
            .current_dir(&self.layout.prefix)
            .stdin(Stdio::null());
        cmd
    }

    fn spawn(&self) {
        let mut child = lock(&self.child);
        assert!(child.is_none(), "nginx of {} is already running", self.host);
        let _ = fs::remove_file(&self.layout.pid_file);
        // Fresh logs: a failed try's lines must not explain the next one.
        self.owner.write(&self.layout.stderr_log, "");
        self.owner.write(&self.layout.error_log, "");
        let stderr = OpenOptions::new()
            .append(true)
            .open(&self.layout.stderr_log)
            .unwrap_or_else(|e| panic!("open {}: {e}", self.layout.stderr_log.display()));
        let spawned = self
            .command(&["-g", "daemon off;"])
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| panic!("start {NGINX} for host {}: {e}", self.host));
        *child = Some(spawned);
    }

    fn poll(&self) -> Readiness {
        let mut guard = lock(&self.child);
        let Some(child) = guard.as_mut() else {
            return Readiness::Failed("nginx is not running".into());
        };
        if let Ok(Some(status)) = child.try_wait() {
            *guard = None;
            let logs = self.logs();
            if logs.contains("Address already in use") {
                return Readiness::PortTaken;
            }
            return Readiness::Failed(format!("nginx exited ({status}): {}", logs.trim()));
        }
        // The pid file is written after the listening sockets are bound: a
        // matching pid proves the port is ours. The worker is forked after
        // that; knowing when a reload is over needs it, so wait for it too.
        let master = child.id();
        if self.pid_from_file() != Some(master) || workers(master).is_empty() {
            return Readiness::Starting;
        }
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port()));
        match TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(_) => Readiness::Ready,
            Err(_) => Readiness::Starting,
        }
    }

    /// Starts every nginx in `group` at once and waits until each listens.
    /// One whose port was taken meanwhile moves to another (nginx itself
    /// retries `bind` for 2.5 s before giving up).
    pub(super) fn start_all(group: &[&Nginx]) {
        if group.is_empty() {
            return;
        }
        for nginx in group {
            nginx.spawn();
        }
        let deadline = Instant::now() + DEADLINE;
        let mut pending: Vec<&Nginx> = group.to_vec();
        let mut moves = 0;
        while !pending.is_empty() {
            let mut still = Vec::new();
            for nginx in pending {
                match nginx.poll() {
                    Readiness::Ready => {}
                    Readiness::Starting => still.push(nginx),
                    Readiness::PortTaken if moves < 10 => {
                        moves += 1;
                        nginx.port.store(free_port(), Ordering::SeqCst);
                        nginx.write_files();
                        nginx.spawn();
                        still.push(nginx);
                    }
                    Readiness::PortTaken => {
                        panic!("nginx of {}: no free port after 10 tries", nginx.host)
                    }
                    Readiness::Failed(why) => panic!("nginx of host {}: {why}", nginx.host),
                }
            }
            pending = still;
            if let Some(late) = pending.first() {
                assert!(
                    Instant::now() < deadline,
                    "nginx of {} did not listen within {DEADLINE:?}: {}",
                    late.host,
                    late.logs()
                );
                thread::sleep(Duration::from_millis(2));
            }
        }
    }

    /// The master's stderr and the error log (for failure messages).
    pub(super) fn logs(&self) -> String {
        let read = |p: &Path| fs::read_to_string(p).unwrap_or_default();
        format!(
            "{}{}",
            read(&self.layout.stderr_log),
            read(&self.layout.error_log)
        )
    }

    fn pid_from_file(&self) -> Option<u32> {
        fs::read_to_string(&self.layout.pid_file)
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    /// The master process's id, as nginx's pid file names it (a master
    /// started again over SSH counts), while that process lives.
    pub fn pid(&self) -> Option<u32> {
        self.pid_from_file().filter(|&p| process_tree::is_alive(p))
    }

    /// The master's worker processes now.
    pub fn worker_pids(&self) -> Vec<u32> {
        self.pid().map_or_else(Vec::new, workers)
    }

    /// The port nginx listens on (`127.0.0.1`), for every server.
    pub fn port(&self) -> u16 {
        self.port.load(Ordering::SeqCst)
    }

    /// The site's name (`books.example.test`).
    pub fn server_name(&self) -> &str {
        &self.site.server_name
    }

    /// `http://books.example.test:PORT/`: the site as medic's check names it
    /// (the name is not resolvable: connect to 127.0.0.1 and send it as
    /// `Host`).
    pub fn url(&self) -> String {
        format!("http://{}:{}/", self.site.server_name, self.port())
    }

    /// `<prefix>/conf.d/books.conf`, the login user's.
    pub fn site_file(&self) -> PathBuf {
        self.layout.site_file.clone()
    }

    /// The site file's text now.
    pub fn site_text(&self) -> String {
        let path = &self.layout.site_file;
        fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    /// `<prefix>/nginx.conf`.
    pub fn conf(&self) -> PathBuf {
        self.layout.conf.clone()
    }

    /// The `-p` prefix (`<host dir>/nginx`).
    pub fn prefix(&self) -> PathBuf {
        self.layout.prefix.clone()
    }

    /// The error log (level notice: reloads are logged).
    pub fn error_log(&self) -> PathBuf {
        self.layout.error_log.clone()
    }

    /// `nginx -t -p PREFIX -c CONF`: exits 0 if the configuration is valid.
    pub fn validate_command(&self) -> String {
        self.layout.validate_command()
    }

    /// `nginx -s reload -p PREFIX -c CONF`: sends the master SIGHUP after
    /// parsing the configuration itself (exits 1, sending nothing, if it is
    /// broken). The master switches asynchronously: it starts new workers,
    /// sleeps 100 ms (nginx's own "allow new processes to start"), then
    /// tells the old ones to finish; for those ~110 ms after the command
    /// returns, old and new workers both answer ([`Nginx::get`] waits for
    /// [`Nginx::wait_settled`]; [`Nginx::get_now`] does not).
    pub fn reload_command(&self) -> String {
        self.layout.reload_command()
    }

    /// A raw HTTP/1.1 `GET /` to `127.0.0.1:PORT` with `Host: host`: the
    /// status and body (502 while the upstream refuses, 404 for names no
    /// site serves), once a reload in flight has settled
    /// ([`Nginx::wait_settled`]), so the answer comes from the current
    /// configuration.
    pub fn get(&self, host: &str) -> (u16, String) {
        self.get_path(host, "/")
    }

    /// Like [`Nginx::get`] for another path.
    pub fn get_path(&self, host: &str, path: &str) -> (u16, String) {
        self.wait_settled();
        self.get_now(host, path)
    }

    /// The same request at once, without waiting for a reload to settle:
    /// right after a reload, old workers may still answer.
    pub fn get_now(&self, host: &str, path: &str) -> (u16, String) {
        http_get::get(self.port(), host, path)
    }

    /// Runs `nginx ARGS -p PREFIX -c CONF` as the login user (never as root:
    /// root's nginx would create root-owned logs the master cannot open).
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args)
            .output()
            .unwrap_or_else(|e| panic!("run {NGINX}: {e}"))
    }

    /// Stops nginx: QUIT (graceful), KILL after 5 s; also a master started
    /// again over SSH (found through the pid file, if its command line names
    /// this prefix).
    pub(super) fn stop(&self) {
        if let Some(mut child) = lock(&self.child).take() {
            let pid = child.id();
            process_tree::signal("QUIT", &[pid]);
            let deadline = Instant::now() + Duration::from_secs(5);
            while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(2));
            }
            if matches!(child.try_wait(), Ok(None)) {
                process_tree::kill_descendants(pid, Duration::from_secs(1));
                let _ = child.kill();
            }
            let _ = child.wait();
        }
        if let Some(pid) = self.pid().filter(|&p| self.is_ours(p)) {
            process_tree::signal("QUIT", &[pid]);
            let deadline = Instant::now() + Duration::from_secs(5);
            while process_tree::is_alive(pid) && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(5));
            }
            if process_tree::is_alive(pid) {
                process_tree::kill_descendants(pid, Duration::from_secs(1));
                process_tree::signal("KILL", &[pid]);
            }
        }
        let _ = fs::remove_file(&self.layout.pid_file);
    }

    fn is_ours(&self, pid: u32) -> bool {
        let cmdline = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        String::from_utf8_lossy(&cmdline).contains(&*self.layout.prefix.to_string_lossy())
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        self.stop();
    }
}
