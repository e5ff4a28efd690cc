//! One started lab host: its directory (`bin` with the shims or the real
//! docker, `sys` with whitelisted tools, `state` the shims read), its sshd
//! and its faults, and how to reach it. What its shims report is changed in
//! `host_world`; how they behave and what they were asked, in `host_shims`.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use jiff::Timestamp;

use super::builder::HostSpec;
use super::context::LabContext;
use super::disk::Disk;
use super::fake_unit::FakeUnit;
use super::keys;
use super::nginx::Nginx;
use super::preflight::{self, LAB_USER, NGINX};
use super::real_container::RealContainerHandle;
use super::shims;
use super::sshd::{Sshd, SshdFiles};
use super::state_fs::{self, Owner};
use super::sys_tools;

/// The address every lab host listens on.
pub const LAB_ADDRESS: &str = "127.0.0.1";

/// A started host. Every method takes `&self`: a test changes the world
/// through `lab.host("nas")` between runs.
#[derive(Debug)]
pub struct Host {
    pub(super) name: String,
    pub(super) dir: PathBuf,
    pub(super) state: PathBuf,
    pub(super) real_docker: bool,
    pub(super) ctx: Arc<LabContext>,
    pub(super) sshd: Mutex<Sshd>,
    pub(super) inner: Mutex<Declared>,
    pub(super) real_containers: Vec<RealContainerHandle>,
    pub(super) nginx: Option<Nginx>,
}

/// What the harness has written into the state directory.
#[derive(Debug, Default)]
pub(super) struct Declared {
    /// Container name → id.
    pub(super) containers: BTreeMap<String, String>,
    /// Unit name → directory key.
    pub(super) units: BTreeMap<String, String>,
    pub(super) next_unit: usize,
    pub(super) disks: Vec<Disk>,
}

pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Host {
    /// The host's directory under the lab (created before its host key).
    pub(super) fn dir_for(ctx: &LabContext, name: &str) -> PathBuf {
        ctx.root.join(name)
    }

    /// Writes everything but the host key and starts nothing.
    pub(super) fn create(
        spec: &HostSpec,
        ctx: Arc<LabContext>,
        real_containers: Vec<RealContainerHandle>,
    ) -> Self {
        let dir = Self::dir_for(&ctx, &spec.name);
        let owner = ctx.owner;
        let state = dir.join("state");
        for sub in ["bin", "sys", "shims"] {
            let path = dir.join(sub);
            fs::create_dir_all(&path).unwrap_or_else(|e| panic!("mkdir {}: {e}", path.display()));
            state_fs::chmod(&path, 0o755);
        }
        state_fs::chmod(&dir, 0o755);
        sys_tools::link_into(&dir.join("sys"));
        let nginx = spec.nginx.as_ref().map(|site| {
            preflight::nginx();
            let link = dir.join("sys").join("nginx");
            symlink(NGINX, &link).unwrap_or_else(|e| panic!("symlink {}: {e}", link.display()));
            Nginx::prepare(&spec.name, &dir, site, ctx.owner)
        });
        for (tool, text) in [
            ("docker", shims::docker(&state)),
            ("systemctl", shims::systemctl(&state)),
            ("df", shims::df(&state)),
        ] {
            let path = dir.join("shims").join(tool);
            fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
            state_fs::chmod(&path, 0o755);
        }
        for tool in ["systemctl", "df"] {
            let link = dir.join("bin").join(tool);
            symlink(dir.join("shims").join(tool), &link)
                .unwrap_or_else(|e| panic!("symlink {}: {e}", link.display()));
        }
        owner.mkdir(&state);
        owner.mkdir(&state.join("containers"));
        owner.mkdir(&state.join("units"));
        owner.write(&state.join("docker.calls"), "");
        owner.write(&state.join("systemctl.calls"), "");
        let template = FakeUnit::not_found_template(Timestamp::now());
        owner.write(&state.join("unit-not-found"), &template.current.show);
        owner.write(
            &state.join("unit-not-found-unix"),
            &template.current.show_unix,
        );

        let files = SshdFiles {
            config: dir.join("sshd.conf"),
            log: dir.join("sshd.log"),
            pid_file: dir.join("sshd.pid"),
            host_key: dir.join("host_key"),
            authorized_keys: ctx.authorized_keys.clone(),
            env: vec![
                format!(
                    "PATH={}:{}",
                    dir.join("bin").display(),
                    dir.join("sys").display()
                ),
                format!("MEDIC_LAB_STATE={}", state.display()),
            ],
        };
        let host = Self {
            name: spec.name.clone(),
            dir,
            state,
            real_docker: spec.real_docker,
            ctx,
            sshd: Mutex::new(Sshd::new(files)),
            inner: Mutex::new(Declared {
                disks: spec.disks.clone(),
                ..Declared::default()
            }),
            real_containers,
            nginx,
        };
        host.write_docker_faults(&spec.docker);
        if spec.systemd_not_booted {
            host.systemd_not_booted();
        }
        host.write_disks(&lock(&host.inner).disks);
        for c in &spec.containers {
            host.set_container(c.clone());
        }
        for u in &spec.units {
            host.set_unit(u.clone());
        }
        host
    }

    pub(super) fn sshd(&self) -> MutexGuard<'_, Sshd> {
        lock(&self.sshd)
    }

    /// The host's name in the lab and the inventory.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Always `127.0.0.1`.
    pub fn address(&self) -> &str {
        LAB_ADDRESS
    }

    /// The sshd port (kept across stop/start and host key changes).
    pub fn port(&self) -> u16 {
        self.sshd().port()
    }

    /// The sshd listener's process id while it runs.
    pub fn sshd_pid(&self) -> Option<u32> {
        self.sshd().pid()
    }

    /// The host's directory (`bin`, `sys`, `shims`, `state`, sshd files).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The directory the shims read (`MEDIC_LAB_STATE` in the session).
    pub fn state_dir(&self) -> &Path {
        &self.state
    }

    /// Whether `docker` is the real CLI (a `real_docker_host`).
    pub fn is_real_docker(&self) -> bool {
        self.real_docker
    }

    /// The real containers of a real-docker host.
    pub fn real_containers(&self) -> &[RealContainerHandle] {
        &self.real_containers
    }

    /// The host's nginx (declared with `.nginx(NginxSite { .. })`).
    pub fn nginx(&self) -> &Nginx {
        self.nginx.as_ref().unwrap_or_else(|| {
            panic!(
                "host {:?} has no nginx: declare it with `.nginx(NginxSite {{ .. }})`",
                self.name
            )
        })
    }

    /// Whether the host runs an nginx.
    pub fn has_nginx(&self) -> bool {
        self.nginx.is_some()
    }

    pub(super) fn owner(&self) -> Owner {
        self.ctx.owner
    }

    pub(super) fn require_shim(&self, what: &str) {
        assert!(
            !self.real_docker,
            "host {:?} runs the real docker CLI: {what} exists only on shim hosts",
            self.name
        );
    }

    // ----- sshd faults ----------------------------------------------------

    /// Stops sshd and ends open sessions: connections are refused at once.
    pub fn stop_sshd(&self) -> &Self {
        self.sshd().stop();
        self
    }

    /// Starts sshd again on the same port.
    pub fn start_sshd(&self) -> &Self {
        let mut sshd = self.sshd();
        if !sshd.is_running() {
            Sshd::start_all(&mut [&mut *sshd], false);
        }
        self
    }

    /// SIGSTOPs sshd and its sessions: connections hang in the banner
    /// exchange, open sessions stall.
    pub fn freeze(&self) -> &Self {
        self.sshd().freeze();
        self
    }

    /// SIGCONTs what [`Host::freeze`] stopped.
    pub fn thaw(&self) -> &Self {
        self.sshd().thaw();
        self
    }

    /// A new host key, sshd restarted with it on the same port; the lab's
    /// known_hosts keeps the old key, so strict clients refuse the host.
    pub fn change_host_key(&self) -> &Self {
        let mut sshd = self.sshd();
        sshd.stop();
        let key = sshd.host_key().to_path_buf();
        keys::wait_keygen(
            keys::spawn_keygen(&key, &format!("{}-rekeyed", self.name)),
            &key,
        );
        Sshd::start_all(&mut [&mut *sshd], false);
        self
    }

    /// `[127.0.0.1]:PORT ssh-ed25519 AAAA...`, the host's current key as a
    /// known_hosts line.
    pub fn known_hosts_line(&self) -> String {
        let sshd = self.sshd();
        format!(
            "[{LAB_ADDRESS}]:{} {}",
            sshd.port(),
            keys::public_key(sshd.host_key())
        )
    }

    // ----- reaching the host --------------------------------------------

    /// `medic-lab@127.0.0.1`.
    pub fn destination(&self) -> String {
        format!("{LAB_USER}@{LAB_ADDRESS}")
    }

    /// `ssh` with the lab's key and known_hosts, strict host key checking,
    /// batch mode, no user config, and this host's port; add options, then
    /// [`Host::destination`] and the remote command.
    pub fn ssh_command(&self) -> Command {
        let mut cmd = Command::new("ssh");
        cmd.arg("-F")
            .arg("/dev/null")
            .arg("-i")
            .arg(&self.ctx.identity_file)
            .args(["-o", "IdentitiesOnly=yes"])
            .arg("-o")
            .arg(format!(
                "UserKnownHostsFile={}",
                self.ctx.known_hosts_file.display()
            ))
            .args(["-o", "GlobalKnownHostsFile=/dev/null"])
            .args(["-o", "StrictHostKeyChecking=yes"])
            .args(["-o", "BatchMode=yes"])
            .args(["-o", "LogLevel=ERROR"])
            .arg("-p")
            .arg(self.port().to_string())
            .stdin(Stdio::null());
        cmd
    }

    /// Runs `remote` on the host over SSH (ConnectTimeout 5 s).
    pub fn ssh(&self, remote: &str) -> Output {
        self.ssh_command()
            .args(["-o", "ConnectTimeout=5"])
            .arg(self.destination())
            .arg(remote)
            .output()
            .unwrap_or_else(|e| panic!("run ssh: {e}"))
    }
}
