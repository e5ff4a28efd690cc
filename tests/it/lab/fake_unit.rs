//! A fake systemd unit: what a test says about it
//! (`FakeUnit::failed("nginx.service", "exit-code")`). `unit_render` turns it
//! into `systemctl show` output for the shim.

use std::time::Duration;

const MINUTE: Duration = Duration::from_secs(60);
const DAY: Duration = Duration::from_secs(86_400);

/// A unit on a shim host, as the test wants `systemctl show` to report it.
#[derive(Clone, Debug)]
pub struct FakeUnit {
    pub(super) name: String,
    pub(super) status: UnitStatus,
    pub(super) since: Duration,
    pub(super) keeps_failing: bool,
    pub(super) description: Option<String>,
}

#[derive(Clone, Debug)]
pub(super) struct UnitStatus {
    pub(super) load: &'static str,
    pub(super) active: &'static str,
    pub(super) sub: &'static str,
    pub(super) result: String,
    pub(super) n_restarts: u32,
    pub(super) exec_code: u8,
    pub(super) exec_status: i32,
    pub(super) memory: Option<u64>,
}

/// `nginx` → `nginx.service`, as systemctl completes names without a type.
fn unit_name(name: &str) -> String {
    if name.contains('.') {
        name.to_string()
    } else {
        format!("{name}.service")
    }
}

impl FakeUnit {
    fn new(name: &str, status: UnitStatus, since: Duration) -> Self {
        Self {
            name: unit_name(name),
            status,
            since,
            keeps_failing: false,
            description: None,
        }
    }

    /// Loaded, active (running) for 2 days.
    pub fn active(name: &str) -> Self {
        let status = UnitStatus {
            load: "loaded",
            active: "active",
            sub: "running",
            result: "success".into(),
            n_restarts: 0,
            exec_code: 0,
            exec_status: 0,
            memory: Some(24 * 1024 * 1024),
        };
        Self::new(name, status, 2 * DAY)
    }

    /// Failed 10 minutes ago with `result` (`exit-code`, `signal`,
    /// `core-dump`, `timeout`, `oom-kill`, `start-limit-hit`, ...).
    /// `start-limit-hit` counts 5 automatic restarts.
    pub fn failed(name: &str, result: &str) -> Self {
        let (exec_code, exec_status) = match result {
            "signal" | "oom-kill" => (2, 9),
            "timeout" => (2, 15),
            "core-dump" => (3, 11),
            _ => (1, 1),
        };
        let status = UnitStatus {
            load: "loaded",
            active: "failed",
            sub: "failed",
            result: result.to_string(),
            n_restarts: if result == "start-limit-hit" { 5 } else { 0 },
            exec_code,
            exec_status,
            memory: None,
        };
        Self::new(name, status, 10 * MINUTE)
    }

    /// Loaded but stopped (cleanly) an hour ago.
    pub fn inactive(name: &str) -> Self {
        let status = UnitStatus {
            load: "loaded",
            active: "inactive",
            sub: "dead",
            result: "success".into(),
            n_restarts: 0,
            exec_code: 1,
            exec_status: 0,
            memory: None,
        };
        Self::new(name, status, 60 * MINUTE)
    }

    /// Not installed: `LoadState=not-found` (what systemctl prints for any
    /// name it does not know; listing it makes it part of the inventory).
    pub fn not_found(name: &str) -> Self {
        Self::new(name, not_found_status(), Duration::ZERO)
    }

    /// `NRestarts` (automatic restarts by `Restart=`).
    pub fn n_restarts(mut self, n: u32) -> Self {
        self.status.n_restarts = n;
        self
    }

    /// `ExecMainStatus` of the last run (with `ExecMainCode=1`, exited).
    pub fn exit_status(mut self, status: i32) -> Self {
        self.status.exec_code = 1;
        self.status.exec_status = status;
        self
    }

    /// `MemoryCurrent` in bytes.
    pub fn memory_current(mut self, bytes: u64) -> Self {
        self.status.memory = Some(bytes);
        self
    }

    /// How long ago the current state began.
    pub fn since(mut self, ago: Duration) -> Self {
        self.since = ago;
        self
    }

    /// Every start or restart fails (`Result=exit-code`, exit status 1).
    pub fn keeps_failing(mut self) -> Self {
        self.keeps_failing = true;
        self
    }

    /// `Description` (default: the name without its type).
    pub fn description(mut self, text: &str) -> Self {
        self.description = Some(text.to_string());
        self
    }

    /// The full unit name (`nginx.service`).
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(super) fn is_keeps_failing(&self) -> bool {
        self.keeps_failing
    }
}

pub(super) fn not_found_status() -> UnitStatus {
    UnitStatus {
        load: "not-found",
        active: "inactive",
        sub: "dead",
        result: "success".into(),
        n_restarts: 0,
        exec_code: 0,
        exec_status: 0,
        memory: None,
    }
}
