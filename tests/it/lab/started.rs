//! A started lab: starting every part at once, finding hosts and real
//! containers, medic's inventory, and cleanup on drop (also when a test
//! panics): every sshd and nginx it started, its HTTP backends, every
//! container with its label, its temporary directory. Nothing else is
//! touched.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::{Arc, Mutex};

use tempfile::TempDir;

use super::builder::{HostSpec, LabBuilder};
use super::context::LabContext;
use super::host::{Host, LAB_ADDRESS, lock};
use super::http_backend::HttpBackend;
use super::inventory::{self, InventoryHost};
use super::keys;
use super::nginx::Nginx;
use super::preflight::{self, LAB_USER};
use super::random;
use super::real_container::{self, RealContainerHandle};
use super::sshd::Sshd;
use super::state_fs::{self, Owner};
use super::temp_base;

/// A started lab. Dropping it stops everything it started.
#[derive(Debug)]
pub struct Lab {
    ctx: Arc<LabContext>,
    hosts: Vec<Host>,
    has_real_docker: bool,
    /// `docker run`s still in flight (only while starting).
    pending_runs: Vec<(String, Child)>,
    /// Started by [`Lab::http_backend`]; stopped on drop.
    backends: Mutex<Vec<Arc<HttpBackend>>>,
    /// Last field: removed after the hosts' sshds are gone.
    dir: TempDir,
}

impl Lab {
    /// Declares a lab: add hosts, then `.start()`.
    #[allow(
        clippy::new_ret_no_self,
        reason = "the lab's builder, as in `Lab::new().host(..).start()`"
    )]
    pub fn new() -> LabBuilder {
        LabBuilder::new()
    }

    pub(super) fn start(specs: Vec<HostSpec>) -> Lab {
        let user = preflight::hosts();
        let has_real_docker = specs.iter().any(|s| s.real_docker);
        if has_real_docker {
            preflight::real_docker();
        }
        let dir = tempfile::Builder::new()
            .prefix("medic-lab-")
            .tempdir_in(temp_base::base())
            .unwrap_or_else(|e| panic!("create the lab's temporary directory: {e}"));
        let root = dir.path().to_path_buf();
        // The login user must reach the shims and the authorized keys.
        state_fs::chmod(&root, 0o711);
        let ctx = Arc::new(LabContext {
            id: random::hex(4),
            owner: Owner {
                uid: user.uid,
                gid: user.gid,
            },
            identity_file: root.join("client_key"),
            known_hosts_file: root.join("known_hosts"),
            authorized_keys: root.join("authorized_keys"),
            root,
        });
        let mut lab = Lab {
            ctx: Arc::clone(&ctx),
            hosts: Vec::new(),
            has_real_docker,
            pending_runs: Vec::new(),
            backends: Mutex::new(Vec::new()),
            dir,
        };

        // Slowest first, all in the background: keys and `docker run`s.
        let client_keygen =
            keys::spawn_keygen(&ctx.identity_file, &format!("medic-lab-{}", ctx.id));
        let mut host_keygens = Vec::new();
        for spec in &specs {
            let host_dir = Host::dir_for(&ctx, &spec.name);
            fs::create_dir(&host_dir)
                .unwrap_or_else(|e| panic!("mkdir {}: {e}", host_dir.display()));
            let key = host_dir.join("host_key");
            host_keygens.push((keys::spawn_keygen(&key, &spec.name), key));
        }
        let mut handles_per_host = Vec::new();
        for spec in &specs {
            let mut handles = Vec::new();
            for c in &spec.real_containers {
                let (handle, child) = c.spawn_run(&ctx.id);
                lab.pending_runs.push((handle.name().to_string(), child));
                handles.push(handle);
            }
            handles_per_host.push(handles);
        }

        for (spec, handles) in specs.iter().zip(handles_per_host) {
            lab.hosts
                .push(Host::create(spec, Arc::clone(&ctx), handles));
        }
        keys::wait_keygen(client_keygen, &ctx.identity_file);
        for (child, key) in host_keygens {
            keys::wait_keygen(child, &key);
        }
        fs::write(
            &ctx.authorized_keys,
            format!(
                "{} medic-lab-client\n",
                keys::public_key(&ctx.identity_file)
            ),
        )
        .unwrap_or_else(|e| panic!("write {}: {e}", ctx.authorized_keys.display()));
        state_fs::chmod(&ctx.authorized_keys, 0o644);

        {
            let mut guards: Vec<_> = lab.hosts.iter().map(Host::sshd).collect();
            let mut group: Vec<&mut Sshd> = guards.iter_mut().map(|g| &mut **g).collect();
            Sshd::start_all(&mut group, true);
        }
        let known: String = lab
            .hosts
            .iter()
            .map(|h| h.known_hosts_line() + "\n")
            .collect();
        fs::write(&ctx.known_hosts_file, known)
            .unwrap_or_else(|e| panic!("write {}: {e}", ctx.known_hosts_file.display()));
        let proxies: Vec<&Nginx> = lab.hosts.iter().filter_map(|h| h.nginx.as_ref()).collect();
        Nginx::start_all(&proxies);

        real_container::wait_runs(std::mem::take(&mut lab.pending_runs));
        lab
    }

    /// The host named `name`.
    pub fn host(&self, name: &str) -> &Host {
        self.hosts
            .iter()
            .find(|h| h.name() == name)
            .unwrap_or_else(|| {
                let names: Vec<&str> = self.hosts.iter().map(Host::name).collect();
                panic!("the lab has no host {name:?} (hosts: {names:?})")
            })
    }

    /// Every host, in declaration order.
    pub fn hosts(&self) -> &[Host] {
        &self.hosts
    }

    /// The real container declared as `RealContainer::new(short)`.
    pub fn real_container(&self, short: &str) -> &RealContainerHandle {
        self.hosts
            .iter()
            .flat_map(Host::real_containers)
            .find(|c| c.short_name() == short)
            .unwrap_or_else(|| panic!("the lab has no real container {short:?}"))
    }

    /// The nginx of the only host that has one.
    pub fn nginx(&self) -> &Nginx {
        let mut with: Vec<&Host> = self.hosts.iter().filter(|h| h.has_nginx()).collect();
        assert!(
            with.len() == 1,
            "lab.nginx() needs exactly one host with nginx ({} have one): use lab.host(name).nginx()",
            with.len()
        );
        with.remove(0).nginx()
    }

    /// A real HTTP server on a free port of 127.0.0.1 answering every
    /// request with `200 OK` and `body` (a "backend container" really
    /// listening: publish its port on a fake container); stopped when the
    /// lab drops.
    pub fn http_backend(&self, body: &str) -> Arc<HttpBackend> {
        self.http_backend_on(0, body)
    }

    /// Like [`Lab::http_backend`] on a chosen port (panics if it is taken;
    /// ports below 32768 are never handed out for port 0 here, so a test
    /// choosing one collides only with another test choosing it).
    pub fn http_backend_on(&self, port: u16, body: &str) -> Arc<HttpBackend> {
        let backend = Arc::new(HttpBackend::start(port, body));
        lock(&self.backends).push(Arc::clone(&backend));
        backend
    }

    /// medic's inventory for every host: shim hosts list `containers: all`,
    /// real-docker hosts their real containers' names; units are those
    /// declared now.
    pub fn inventory_yaml(&self) -> String {
        let hosts: Vec<InventoryHost> = self
            .hosts
            .iter()
            .map(|h| InventoryHost {
                name: h.name().to_string(),
                port: h.port(),
                containers: h.is_real_docker().then(|| {
                    h.real_containers()
                        .iter()
                        .map(|c| c.name().to_string())
                        .collect()
                }),
                units: h.unit_names(),
            })
            .collect();
        inventory::render(
            &self.ctx.identity_file,
            &self.ctx.known_hosts_file,
            LAB_USER,
            &hosts,
        )
    }

    /// Writes [`Lab::inventory_yaml`] to `inventory.yaml` in the lab's
    /// directory and returns its path.
    pub fn write_inventory(&self) -> PathBuf {
        let path = self.ctx.root.join("inventory.yaml");
        fs::write(&path, self.inventory_yaml())
            .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
    }

    /// The user every host logs in as.
    pub fn ssh_user(&self) -> &str {
        LAB_USER
    }

    /// The address every host listens on.
    pub fn address(&self) -> &str {
        LAB_ADDRESS
    }

    /// The client's private key (accepted by every host).
    pub fn identity_file(&self) -> &Path {
        &self.ctx.identity_file
    }

    /// known_hosts with every host's key as of the start.
    pub fn known_hosts_file(&self) -> &Path {
        &self.ctx.known_hosts_file
    }

    /// The lab's id (in real container names and the `medic-lab` label).
    pub fn id(&self) -> &str {
        &self.ctx.id
    }

    /// The lab's temporary directory (removed on drop).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        for host in &self.hosts {
            host.sshd().stop();
        }
        for host in &self.hosts {
            if let Some(nginx) = &host.nginx {
                nginx.stop();
            }
        }
        for backend in lock(&self.backends).drain(..) {
            backend.stop();
        }
        if self.has_real_docker {
            for (_, mut child) in std::mem::take(&mut self.pending_runs) {
                let _ = child.wait();
            }
            real_container::remove_all(&self.ctx.id);
        }
    }
}
