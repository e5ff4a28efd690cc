//! How a host's shims behave (docker hangs, prints garbage, is missing;
//! systemd is not PID 1) and what they were asked (the call logs).

use std::fs;
use std::os::unix::fs::symlink;

use super::builder::DockerFaults;
use super::host::Host;
use super::preflight::docker_cli;
use super::state_fs;

impl Host {
    // ----- docker and systemd faults -----------------------------------

    pub(super) fn write_docker_faults(&self, faults: &DockerFaults) {
        let owner = self.owner();
        let flag = |file: &str, content: Option<String>| {
            let path = self.state.join(file);
            match content {
                Some(text) => owner.write(&path, text),
                None => state_fs::remove(&path),
            }
        };
        if !self.real_docker {
            flag("docker.hang", faults.hang_secs.map(|s| format!("{s}\n")));
            flag("docker.garbage", faults.garbage.clone());
            flag("docker.daemon-down", faults.daemon_down.then(String::new));
        }
        let link = self.dir.join("bin").join("docker");
        state_fs::remove(&link);
        if !faults.absent {
            let target = if self.real_docker {
                docker_cli().to_path_buf()
            } else {
                self.dir.join("shims").join("docker")
            };
            symlink(&target, &link).unwrap_or_else(|e| panic!("symlink {}: {e}", link.display()));
        }
    }

    /// Every `docker` call first sleeps `secs` (a hung daemon), then answers.
    pub fn docker_hangs(&self, secs: u32) -> &Self {
        self.require_shim("docker_hangs");
        self.write_docker_faults(&DockerFaults {
            hang_secs: Some(secs),
            ..DockerFaults::default()
        });
        self
    }

    /// `docker start`/`restart`/`stop`/`kill` sleep `secs` before acting (the
    /// probe's `ps` and `inspect` stay fast): an action to kill medic in the
    /// middle of. `0` makes them fast again.
    pub fn docker_actions_hang(&self, secs: u32) -> &Self {
        self.require_shim("docker_actions_hang");
        let path = self.state.join("docker.action-hang");
        if secs == 0 {
            state_fs::remove(&path);
        } else {
            self.owner().write(&path, format!("{secs}\n"));
        }
        self
    }

    /// Every `docker` call prints `garbage` and exits 0.
    pub fn docker_prints(&self, garbage: &str) -> &Self {
        self.require_shim("docker_prints");
        self.write_docker_faults(&DockerFaults {
            garbage: Some(garbage.to_string()),
            ..DockerFaults::default()
        });
        self
    }

    /// Every `docker` call fails with "Cannot connect to the Docker daemon".
    pub fn docker_daemon_down(&self) -> &Self {
        self.require_shim("docker_daemon_down");
        self.write_docker_faults(&DockerFaults {
            daemon_down: true,
            ..DockerFaults::default()
        });
        self
    }

    /// No `docker` on the host's `PATH` (`command -v docker` fails).
    pub fn without_docker(&self) -> &Self {
        self.write_docker_faults(&DockerFaults {
            absent: true,
            ..DockerFaults::default()
        });
        self
    }

    /// `docker` back to normal (present, no hang, no garbage).
    pub fn docker_ok(&self) -> &Self {
        self.write_docker_faults(&DockerFaults::default());
        self
    }

    /// `systemctl` fails as it does without systemd as PID 1.
    pub fn systemd_not_booted(&self) -> &Self {
        self.owner()
            .write(&self.state.join("systemd.not-booted"), "");
        self
    }

    /// `systemctl` answers again.
    pub fn systemd_booted(&self) -> &Self {
        state_fs::remove(&self.state.join("systemd.not-booted"));
        self
    }

    // ----- what the shims were asked ------------------------------------

    fn calls(&self, file: &str) -> Vec<String> {
        fs::read_to_string(self.state.join(file))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// Every `docker` call so far, one line each (`docker restart calibre`;
    /// arguments quoted as [`super::shell_quote`] does).
    pub fn docker_calls(&self) -> Vec<String> {
        self.require_shim("docker_calls");
        self.calls("docker.calls")
    }

    /// Every `systemctl` call so far, one line each.
    pub fn systemctl_calls(&self) -> Vec<String> {
        self.calls("systemctl.calls")
    }

    /// Forgets the calls logged so far.
    pub fn clear_calls(&self) -> &Self {
        self.owner().write(&self.state.join("docker.calls"), "");
        self.owner().write(&self.state.join("systemctl.calls"), "");
        self
    }
}
