//! Real containers on this machine's Docker Engine, for the real-docker
//! hosts: what a test asks for ([`RealContainer`]), how it is started
//! (`docker run` from the local busybox image, labelled with the lab's id,
//! stop timeout 1 s), and a handle to act on it and read it back.

use std::process::{Child, Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::preflight::{LAB_IMAGE, docker_cli};

/// The label every real container of a lab carries: `medic-lab=<lab id>`.
pub const LAB_LABEL: &str = "medic-lab";

/// A real container a test wants on a real-docker host.
#[derive(Clone, Debug)]
pub struct RealContainer {
    short: String,
    image: String,
    cmd: Vec<String>,
    health_cmd: Option<String>,
    health_interval_secs: u32,
    health_retries: u32,
    restart_policy: Option<String>,
    labels: Vec<(String, String)>,
}

impl RealContainer {
    /// `short` names it within the lab; the engine-side name is
    /// `medic-lab-<lab id>-<short>`. Runs `sleep 1000000` from
    /// `medic-lab/busybox:latest` unless told otherwise.
    pub fn new(short: &str) -> Self {
        assert!(
            !short.is_empty()
                && short
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "a real container's short name is [A-Za-z0-9_-]+: {short:?}"
        );
        Self {
            short: short.to_string(),
            image: LAB_IMAGE.to_string(),
            cmd: vec!["sleep".into(), "1000000".into()],
            health_cmd: None,
            health_interval_secs: 1,
            health_retries: 3,
            restart_policy: None,
            labels: Vec::new(),
        }
    }

    /// The command, e.g. `["sh", "-c", "touch /tmp/ok; exec sleep 100000"]`.
    pub fn cmd<I, S>(mut self, cmd: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.cmd = cmd.into_iter().map(Into::into).collect();
        self
    }

    /// A shell health check (`--health-cmd`), run every second by default.
    pub fn health_cmd(mut self, cmd: &str) -> Self {
        self.health_cmd = Some(cmd.to_string());
        self
    }

    /// `--health-interval` in seconds (default 1).
    pub fn health_interval_secs(mut self, secs: u32) -> Self {
        self.health_interval_secs = secs;
        self
    }

    /// `--health-retries` (default 3).
    pub fn health_retries(mut self, n: u32) -> Self {
        self.health_retries = n;
        self
    }

    /// `--restart` policy, e.g. `always` or `on-failure:3`.
    pub fn restart_policy(mut self, policy: &str) -> Self {
        self.restart_policy = Some(policy.to_string());
        self
    }

    /// An extra `--label key=value`.
    pub fn label(mut self, key: &str, value: &str) -> Self {
        self.labels.push((key.to_string(), value.to_string()));
        self
    }

    /// Another image (it must exist locally: nothing can be pulled).
    pub fn image(mut self, image: &str) -> Self {
        self.image = image.to_string();
        self
    }

    pub(super) fn short(&self) -> &str {
        &self.short
    }

    /// Starts `docker run -d ...` for lab `lab_id` without waiting.
    pub(super) fn spawn_run(&self, lab_id: &str) -> (RealContainerHandle, Child) {
        let name = format!("medic-lab-{lab_id}-{}", self.short);
        let mut cmd = Command::new(docker_cli());
        cmd.args(["run", "-d", "--name", &name])
            .args(["--label", &format!("{LAB_LABEL}={lab_id}")])
            .args(["--stop-timeout", "1"]);
        if let Some(health) = &self.health_cmd {
            cmd.args(["--health-cmd", health])
                .args([
                    "--health-interval",
                    &format!("{}s", self.health_interval_secs),
                ])
                .args(["--health-retries", &self.health_retries.to_string()]);
        }
        if let Some(policy) = &self.restart_policy {
            cmd.args(["--restart", policy]);
        }
        for (k, v) in &self.labels {
            cmd.args(["--label", &format!("{k}={v}")]);
        }
        cmd.arg(&self.image).args(&self.cmd);
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start `docker run` for {name}: {e}"));
        let handle = RealContainerHandle {
            short: self.short.clone(),
            name,
        };
        (handle, child)
    }
}

/// A real container of a started lab.
#[derive(Clone, Debug)]
pub struct RealContainerHandle {
    short: String,
    name: String,
}

/// Runs the real docker CLI (as root, on the default socket).
pub(super) fn docker(args: &[&str]) -> Output {
    Command::new(docker_cli())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", docker_cli().display()))
}

/// Runs docker and panics with its stderr if it fails; returns stdout.
fn docker_ok(args: &[&str]) -> String {
    let out = docker(args);
    assert!(
        out.status.success(),
        "docker {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr).trim()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl RealContainerHandle {
    /// The engine-side name, unique to this lab (`medic-lab-<lab id>-web`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name the test gave it (`web`).
    pub fn short_name(&self) -> &str {
        &self.short
    }

    /// `docker kill`, then waits until the engine has recorded the exit
    /// (`FinishedAt` moved; exit code 137).
    pub fn kill(&self) {
        let before = self.inspect()["State"]["FinishedAt"].clone();
        docker_ok(&["kill", &self.name]);
        self.wait_until(Duration::from_secs(10), |v| {
            v["State"]["FinishedAt"] != before
        });
    }

    /// `docker start`.
    pub fn start(&self) {
        docker_ok(&["start", &self.name]);
    }

    /// `docker stop` (1 s stop timeout).
    pub fn stop(&self) {
        docker_ok(&["stop", &self.name]);
    }

    /// `docker restart`.
    pub fn restart(&self) {
        docker_ok(&["restart", &self.name]);
    }

    /// Runs `sh -c script` inside the container (`docker exec`), returning
    /// stdout; e.g. `rm /tmp/ok` to make a health check fail.
    pub fn exec(&self, script: &str) -> String {
        docker_ok(&["exec", &self.name, "sh", "-c", script])
    }

    /// The `docker inspect` object.
    pub fn inspect(&self) -> Value {
        let text = docker_ok(&["inspect", &self.name]);
        let mut all: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("docker inspect {} is not JSON: {e}", self.name));
        all.get_mut(0)
            .map(Value::take)
            .unwrap_or_else(|| panic!("docker inspect {} returned no object", self.name))
    }

    /// Polls `inspect` until `done` holds; panics after `timeout`.
    pub fn wait_until(&self, timeout: Duration, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            let v = self.inspect();
            if done(&v) {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "container {} did not reach the expected state within {timeout:?}: {}",
                self.name,
                v["State"]
            );
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until `State.Health.Status` is `status` (`healthy`, ...).
    pub fn wait_for_health(&self, status: &str, timeout: Duration) -> Value {
        self.wait_until(timeout, |v| v["State"]["Health"]["Status"] == status)
    }
}

/// Waits for the `docker run` processes of a start; panics with docker's
/// message if one failed.
pub(super) fn wait_runs(runs: Vec<(String, Child)>) {
    let mut failures = Vec::new();
    for (name, child) in runs {
        match child.wait_with_output() {
            Ok(out) if out.status.success() => {}
            Ok(out) => failures.push(format!(
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "docker run failed: {}",
        failures.join("; ")
    );
}

/// Removes every container labelled with `lab_id` (`docker rm -f`).
pub(super) fn remove_all(lab_id: &str) {
    // Runs from `Drop`: never panics.
    let filter = format!("label={LAB_LABEL}={lab_id}");
    let quiet = |args: &[&str]| {
        Command::new(docker_cli())
            .args(args)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()
    };
    let Some(out) = quiet(&["ps", "-aq", "--no-trunc", "--filter", &filter]) else {
        return;
    };
    let ids = String::from_utf8_lossy(&out.stdout).into_owned();
    let ids: Vec<&str> = ids.split_whitespace().collect();
    if ids.is_empty() {
        return;
    }
    let mut args = vec!["rm", "-f"];
    args.extend(ids);
    let _ = quiet(&args);
}
