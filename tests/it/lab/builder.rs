//! Declaring a lab before it starts: `Lab::new().host("nas", |h| h
//! .container(..).unit(..).disk(..)).real_docker_host("dock", |h| h
//! .real_container(..)).start()`.

use std::collections::BTreeSet;

use super::disk::{self, Disk};
use super::fake_container::FakeContainer;
use super::fake_unit::FakeUnit;
use super::nginx_conf::{NginxSite, SiteSpec};
use super::real_container::RealContainer;
use super::started::Lab;

/// How a host's `docker` behaves.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct DockerFaults {
    pub(super) absent: bool,
    pub(super) hang_secs: Option<u32>,
    pub(super) garbage: Option<String>,
    pub(super) daemon_down: bool,
}

/// Everything declared about one host.
#[derive(Clone, Debug)]
pub(super) struct HostSpec {
    pub(super) name: String,
    pub(super) real_docker: bool,
    pub(super) containers: Vec<FakeContainer>,
    pub(super) real_containers: Vec<RealContainer>,
    pub(super) units: Vec<FakeUnit>,
    pub(super) disks: Vec<Disk>,
    pub(super) docker: DockerFaults,
    pub(super) systemd_not_booted: bool,
    pub(super) nginx: Option<SiteSpec>,
}

/// A lab being declared; [`LabBuilder::start`] starts it.
#[derive(Debug, Default)]
#[must_use = "a lab does nothing until `.start()`"]
pub struct LabBuilder {
    hosts: Vec<HostSpec>,
}

/// One host being declared (see [`LabBuilder::host`]).
#[derive(Debug)]
#[must_use]
pub struct HostBuilder {
    spec: HostSpec,
}

impl LabBuilder {
    pub(super) fn new() -> Self {
        Self::default()
    }

    /// A host whose `docker`, `systemctl` and `df` are shims printing what
    /// the test declares.
    pub fn host(self, name: &str, f: impl FnOnce(HostBuilder) -> HostBuilder) -> Self {
        self.add(name, false, f)
    }

    /// A host whose `docker` is the real CLI talking to this machine's Docker
    /// Engine (which holds every container on the machine: medic must be
    /// limited to this host's containers, as the inventory does). Its
    /// `systemctl` and `df` are shims.
    pub fn real_docker_host(self, name: &str, f: impl FnOnce(HostBuilder) -> HostBuilder) -> Self {
        self.add(name, true, f)
    }

    fn add(
        mut self,
        name: &str,
        real_docker: bool,
        f: impl FnOnce(HostBuilder) -> HostBuilder,
    ) -> Self {
        assert!(
            !name.is_empty()
                && !name.starts_with('.')
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)),
            "a lab host name is [A-Za-z0-9._-]+: {name:?}"
        );
        assert!(
            self.hosts.iter().all(|h| h.name != name),
            "the lab already has a host named {name:?}"
        );
        let builder = HostBuilder {
            spec: HostSpec {
                name: name.to_string(),
                real_docker,
                containers: Vec::new(),
                real_containers: Vec::new(),
                units: Vec::new(),
                disks: disk::default_disks(),
                docker: DockerFaults::default(),
                systemd_not_booted: false,
                nginx: None,
            },
        };
        self.hosts.push(f(builder).spec);
        self
    }

    /// Starts every host (all sshds in parallel) and the real containers.
    pub fn start(self) -> Lab {
        let mut shorts = BTreeSet::new();
        for spec in &self.hosts {
            for c in &spec.real_containers {
                assert!(
                    shorts.insert(c.short().to_string()),
                    "two real containers are named {:?}",
                    c.short()
                );
            }
        }
        Lab::start(self.hosts)
    }
}

impl HostBuilder {
    /// A fake container (shim hosts only).
    pub fn container(mut self, c: FakeContainer) -> Self {
        assert!(
            !self.spec.real_docker,
            "host {:?} runs the real docker: use `.real_container`",
            self.spec.name
        );
        assert!(
            self.spec.containers.iter().all(|x| x.name() != c.name()),
            "host {:?} already has a container {:?}",
            self.spec.name,
            c.name()
        );
        self.spec.containers.push(c);
        self
    }

    /// A real container on the Docker Engine (real-docker hosts only).
    pub fn real_container(mut self, c: RealContainer) -> Self {
        assert!(
            self.spec.real_docker,
            "host {:?} has a docker shim: use `.container` or `real_docker_host`",
            self.spec.name
        );
        self.spec.real_containers.push(c);
        self
    }

    /// A fake systemd unit.
    pub fn unit(mut self, u: FakeUnit) -> Self {
        self.spec.units.retain(|x| x.name() != u.name());
        self.spec.units.push(u);
        self
    }

    /// A filesystem of `total` bytes with `used` bytes used at `mount`
    /// (replaces the default `/` of 64 GiB with 16 GiB used when `mount` is
    /// `/`).
    pub fn disk(self, mount: &str, total: u64, used: u64) -> Self {
        self.mount(Disk::new(mount, total, used))
    }

    /// A filesystem with a chosen device or type.
    pub fn mount(mut self, d: Disk) -> Self {
        disk::upsert(&mut self.spec.disks, d);
        self
    }

    /// No `docker` on this host's `PATH`.
    pub fn without_docker(mut self) -> Self {
        self.spec.docker.absent = true;
        self
    }

    /// `systemctl` answers that systemd is not PID 1 (exit 1).
    pub fn systemd_not_booted(mut self) -> Self {
        self.spec.systemd_not_booted = true;
        self
    }

    /// A real nginx on this host, run as the login user, serving `site` as
    /// a reverse proxy on a free port of 127.0.0.1 (one site per host);
    /// `nginx` is on the host's `PATH`. Reach it with [`super::Host::nginx`].
    pub fn nginx(mut self, site: NginxSite<'_>) -> Self {
        assert!(
            self.spec.nginx.is_none(),
            "host {:?} already has an nginx site",
            self.spec.name
        );
        self.spec.nginx = Some(SiteSpec::new(site));
        self
    }
}
