//! A fake container: what a test says about it
//! (`FakeContainer::exited("pihole", 1).restart_count(3)`). Rendering it for
//! the docker shim is `container_render` (states and transitions) and
//! `container_json` (docker's JSON for one state).

use std::collections::BTreeMap;
use std::time::Duration;

use super::ports::Published;

/// The image fake containers run unless `.image()` says otherwise.
pub const FAKE_IMAGE: &str = "medic-lab/fake:latest";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Phase {
    Created,
    Running,
    Paused,
    Restarting(i32),
    Exited(i32),
    Dead(i32),
}

/// A health check's status (`State.Health.Status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum HealthStatus {
    Starting,
    Healthy,
    Unhealthy,
}

impl HealthStatus {
    pub(super) fn word(self) -> &'static str {
        match self {
            Self::Starting => "starting",
            Self::Healthy => "healthy",
            Self::Unhealthy => "unhealthy",
        }
    }
}

/// A container on a shim host, as the test wants docker to report it.
#[derive(Clone, Debug)]
pub struct FakeContainer {
    pub(super) name: String,
    pub(super) id: Option<String>,
    pub(super) image: String,
    pub(super) cmd: Vec<String>,
    pub(super) phase: Phase,
    pub(super) since: Option<Duration>,
    pub(super) health: Option<HealthStatus>,
    pub(super) health_output: Option<String>,
    pub(super) oom_killed: bool,
    pub(super) restart_count: u32,
    pub(super) restart_policy: String,
    pub(super) labels: BTreeMap<String, String>,
    pub(super) ports: Vec<Published>,
    pub(super) logs: String,
    pub(super) keeps_dying: bool,
    pub(super) stays_unhealthy: bool,
}

impl FakeContainer {
    fn new(name: &str, phase: Phase) -> Self {
        Self {
            name: name.to_string(),
            id: None,
            image: FAKE_IMAGE.to_string(),
            cmd: vec!["/init".to_string()],
            phase,
            since: None,
            health: None,
            health_output: None,
            oom_killed: false,
            restart_count: 0,
            restart_policy: "no".to_string(),
            labels: BTreeMap::new(),
            ports: Vec::new(),
            logs: String::new(),
            keeps_dying: false,
            stays_unhealthy: false,
        }
    }

    /// Up for 2 hours (change with [`FakeContainer::since`]).
    pub fn running(name: &str) -> Self {
        Self::new(name, Phase::Running)
    }

    /// Exited with `code` 3 minutes ago.
    pub fn exited(name: &str, code: i32) -> Self {
        Self::new(name, Phase::Exited(code))
    }

    /// In a restart loop: last exit code 1, restart policy `unless-stopped`,
    /// 5 restarts so far.
    pub fn restarting(name: &str) -> Self {
        let mut c = Self::new(name, Phase::Restarting(1));
        c.restart_policy = "unless-stopped".into();
        c.restart_count = 5;
        c
    }

    /// Paused (`Up 2 hours (Paused)`).
    pub fn paused(name: &str) -> Self {
        Self::new(name, Phase::Paused)
    }

    /// Created, never started.
    pub fn created(name: &str) -> Self {
        Self::new(name, Phase::Created)
    }

    /// Dead (a removal that failed), last exit code `code`.
    pub fn dead(name: &str, code: i32) -> Self {
        Self::new(name, Phase::Dead(code))
    }

    /// Has a health check that passes.
    pub fn healthy(mut self) -> Self {
        self.health = Some(HealthStatus::Healthy);
        self
    }

    /// Has a health check that fails (5 in a row).
    pub fn unhealthy(mut self) -> Self {
        self.health = Some(HealthStatus::Unhealthy);
        self
    }

    /// Has a health check that has not decided yet.
    pub fn health_starting(mut self) -> Self {
        self.health = Some(HealthStatus::Starting);
        self
    }

    /// What the health check printed (each log entry's `Output`).
    pub fn health_output(mut self, output: &str) -> Self {
        self.health_output = Some(output.to_string());
        self
    }

    /// Killed by the kernel's OOM killer: `OOMKilled` true, and an exited or
    /// restarting container's exit code becomes 137.
    pub fn oom_killed(mut self) -> Self {
        self.oom_killed = true;
        self.phase = match self.phase {
            Phase::Exited(_) => Phase::Exited(137),
            Phase::Restarting(_) => Phase::Restarting(137),
            other => other,
        };
        self
    }

    /// `RestartCount` (restarts by the restart policy).
    pub fn restart_count(mut self, n: u32) -> Self {
        self.restart_count = n;
        self
    }

    /// `HostConfig.RestartPolicy.Name`: `no`, `always`, `unless-stopped`,
    /// `on-failure`.
    pub fn restart_policy(mut self, name: &str) -> Self {
        self.restart_policy = name.to_string();
        self
    }

    /// Adds a label (`Config.Labels`, and `Labels` in `docker ps`).
    pub fn label(mut self, key: &str, value: &str) -> Self {
        self.labels.insert(key.to_string(), value.to_string());
        self
    }

    /// Publishes `container_port`/tcp on `host_ip:host_port`, as
    /// `docker run -p 127.0.0.1:18081:80` does (repeatable): `Ports` in
    /// `docker ps` (`127.0.0.1:18081->80/tcp`, comma and space between
    /// several) while it runs, and in `docker inspect`
    /// `NetworkSettings.Ports` (only while it runs, as docker empties it on
    /// exit), `HostConfig.PortBindings` and `Config.ExposedPorts`. Nothing
    /// listens there unless the test starts something (`Lab::http_backend`).
    pub fn publish(mut self, host_ip: &str, host_port: u16, container_port: u16) -> Self {
        let p = Published::new(host_ip, host_port, container_port);
        assert!(
            !self.ports.contains(&p),
            "container {:?} already publishes {host_ip}:{host_port}->{container_port}",
            self.name
        );
        self.ports.push(p);
        self
    }

    /// What `docker logs` prints.
    pub fn logs(mut self, text: &str) -> Self {
        self.logs = text.to_string();
        self
    }

    /// Every start or restart dies at once: the container ends up exited
    /// again (restarting, with `RestartCount` + 1, if it has a restart
    /// policy), though `docker restart` itself succeeds as the real one does.
    pub fn keeps_dying(mut self) -> Self {
        self.keeps_dying = true;
        self
    }

    /// A restart leaves the health check failing (by default a restart heals
    /// it: the state after a restart reports `healthy`).
    pub fn stays_unhealthy(mut self) -> Self {
        self.stays_unhealthy = true;
        self
    }

    /// The image name (default [`FAKE_IMAGE`]).
    pub fn image(mut self, image: &str) -> Self {
        self.image = image.to_string();
        self
    }

    /// The command (`Path` and `Args`; default `/init`).
    pub fn command<I, S>(mut self, cmd: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.cmd = cmd.into_iter().map(Into::into).collect();
        assert!(!self.cmd.is_empty(), "a container command needs a program");
        self
    }

    /// A fixed 64-hex id (default: the id it already has on that host, or a
    /// random one).
    pub fn id(mut self, id: &str) -> Self {
        assert!(
            id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()),
            "a container id is 64 hex digits: {id}"
        );
        self.id = Some(id.to_ascii_lowercase());
        self
    }

    /// How long ago the current state began (started, or exited).
    pub fn since(mut self, ago: Duration) -> Self {
        self.since = Some(ago);
        self
    }

    /// The container's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(super) fn explicit_id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    pub(super) fn is_keeps_dying(&self) -> bool {
        self.keeps_dying
    }

    pub(super) fn log_text(&self) -> &str {
        &self.logs
    }
}
