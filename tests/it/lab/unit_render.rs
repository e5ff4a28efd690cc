//! Rendering a fake unit as `systemctl show` prints it (systemd 252
//! property names and order, values, both timestamp formats), plus the
//! states the shim switches to on `start`/`restart`, `stop`, and a start that
//! fails; and the not-found output for names nobody declared.

use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::docker_time::{Moment, NOW};
use super::fake_unit::{FakeUnit, UnitStatus, not_found_status};

const MINUTE: Duration = Duration::from_secs(60);

/// Placeholder for the unit's name in the not-found template.
pub(super) const UNIT_PLACEHOLDER: &str = "@@UNIT@@";

/// Timestamps of one state.
#[derive(Clone, Copy, Debug, Default)]
struct Times {
    exec_start: Option<Moment>,
    exec_exit: Option<Moment>,
    active_enter: Option<Moment>,
    active_exit: Option<Moment>,
    inactive_enter: Option<Moment>,
    state_change: Option<Moment>,
}

impl FakeUnit {
    /// The not-found output with [`UNIT_PLACEHOLDER`] for the name, which the
    /// shim fills in for units nobody declared.
    pub(super) fn not_found_template(now: Timestamp) -> RenderedUnit {
        let unit = Self {
            name: UNIT_PLACEHOLDER.to_string(),
            status: not_found_status(),
            since: Duration::ZERO,
            keeps_failing: false,
            description: None,
        };
        unit.render(now)
    }

    /// Renders the current state and the transition variants as of `now`.
    pub(super) fn render(&self, now: Timestamp) -> RenderedUnit {
        let changed = Moment::ago(now, self.since);
        let before = Moment::ago(now, self.since + MINUTE);
        let times = match (self.status.load, self.status.active) {
            ("not-found", _) => Times::default(),
            (_, "active") => Times {
                exec_start: Some(changed),
                active_enter: Some(changed),
                state_change: Some(changed),
                ..Times::default()
            },
            _ => Times {
                exec_start: Some(before),
                exec_exit: Some(changed),
                active_enter: Some(before),
                active_exit: Some(changed),
                inactive_enter: Some(changed),
                state_change: Some(changed),
            },
        };
        let current = self.snapshot(
            &self.status,
            &times,
            4000 + (now.as_second() % 30_000) as u32,
        );
        let mut variants = Vec::new();
        if self.status.load != "not-found" {
            let now_ = Some(Moment::ShimNow);
            let started = UnitStatus {
                active: "active",
                sub: "running",
                result: "success".into(),
                exec_code: 0,
                exec_status: 0,
                memory: Some(self.status.memory.unwrap_or(24 * 1024 * 1024)),
                ..self.status.clone()
            };
            let start_times = Times {
                exec_start: now_,
                exec_exit: None,
                active_enter: now_,
                state_change: now_,
                ..times
            };
            let stopped = UnitStatus {
                active: "inactive",
                sub: "dead",
                result: "success".into(),
                exec_code: 1,
                exec_status: 0,
                memory: None,
                ..self.status.clone()
            };
            let failed = UnitStatus {
                active: "failed",
                sub: "failed",
                result: "exit-code".into(),
                exec_code: 1,
                exec_status: 1,
                memory: None,
                ..self.status.clone()
            };
            let end_times = Times {
                exec_start: times.exec_start.or(now_),
                exec_exit: now_,
                active_exit: now_,
                inactive_enter: now_,
                state_change: now_,
                ..times
            };
            let fail_times = Times {
                exec_start: now_,
                active_enter: times.active_enter,
                ..end_times
            };
            variants.push(("after-start", self.snapshot(&started, &start_times, 31_000)));
            variants.push(("after-stop", self.snapshot(&stopped, &end_times, 0)));
            variants.push(("after-fail", self.snapshot(&failed, &fail_times, 0)));
        }
        RenderedUnit { current, variants }
    }

    fn snapshot(&self, s: &UnitStatus, t: &Times, pid: u32) -> UnitSnapshot {
        let loaded = s.load != "not-found";
        let running = s.active == "active";
        let main_pid = if running { pid } else { 0 };
        let stem = self
            .name
            .rsplit_once('.')
            .map_or(self.name.as_str(), |(stem, _)| stem);
        let description = match (&self.description, loaded) {
            (Some(d), _) => d.clone(),
            (None, true) => stem.to_string(),
            (None, false) => self.name.clone(),
        };
        let mut props: Vec<(&str, Value)> = vec![
            ("Type", Value::Text("simple".into())),
            (
                "Restart",
                Value::Text(if loaded { "on-failure" } else { "no" }.into()),
            ),
            ("MainPID", Value::Text(main_pid.to_string())),
            ("Result", Value::Text(s.result.clone())),
            ("NRestarts", Value::Text(s.n_restarts.to_string())),
            ("ExecMainStartTimestamp", Value::Time(t.exec_start)),
            ("ExecMainExitTimestamp", Value::Time(t.exec_exit)),
            (
                "ExecMainPID",
                Value::Text(if t.exec_start.is_some() {
                    pid.max(1).to_string()
                } else {
                    "0".into()
                }),
            ),
            ("ExecMainCode", Value::Text(s.exec_code.to_string())),
            ("ExecMainStatus", Value::Text(s.exec_status.to_string())),
            (
                "MemoryCurrent",
                Value::Text(s.memory.map_or("[not set]".to_string(), |m| m.to_string())),
            ),
            ("Id", Value::Text(self.name.clone())),
            ("Names", Value::Text(self.name.clone())),
            ("Description", Value::Text(description)),
            ("LoadState", Value::Text(s.load.into())),
        ];
        if !loaded {
            props.push((
                "LoadError",
                Value::Text(format!(
                    "org.freedesktop.systemd1.NoSuchUnit \"Unit {} not found.\"",
                    self.name
                )),
            ));
        }
        props.extend([
            ("ActiveState", Value::Text(s.active.into())),
            ("SubState", Value::Text(s.sub.into())),
            (
                "FragmentPath",
                Value::Text(if loaded {
                    format!("/lib/systemd/system/{}", self.name)
                } else {
                    String::new()
                }),
            ),
            (
                "UnitFileState",
                Value::Text(if loaded { "enabled" } else { "" }.into()),
            ),
            ("StateChangeTimestamp", Value::Time(t.state_change)),
            ("ActiveEnterTimestamp", Value::Time(t.active_enter)),
            ("ActiveExitTimestamp", Value::Time(t.active_exit)),
            ("InactiveEnterTimestamp", Value::Time(t.inactive_enter)),
        ]);
        let render = |unix: bool| {
            props
                .iter()
                .map(|(k, v)| format!("{k}={}\n", v.render(unix)))
                .collect::<String>()
        };
        UnitSnapshot {
            state: s.active,
            show: render(false),
            show_unix: render(true),
        }
    }
}

enum Value {
    Text(String),
    Time(Option<Moment>),
}

impl Value {
    fn render(&self, unix: bool) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Time(None) => String::new(),
            Self::Time(Some(Moment::ShimNow)) => NOW.to_string(),
            Self::Time(Some(Moment::At(t))) if unix => format!("@{}", t.as_second()),
            Self::Time(Some(Moment::At(t))) => t
                .to_zoned_datetime(TimeZone::UTC)
                .strftime("%a %Y-%m-%d %H:%M:%S UTC")
                .to_string(),
        }
    }
}

/// One state of a unit, ready for the shim.
#[derive(Debug)]
pub(super) struct UnitSnapshot {
    /// `ActiveState`.
    pub(super) state: &'static str,
    /// `systemctl show` output (all properties, `Key=Value` lines).
    pub(super) show: String,
    /// The same with `--timestamp=unix`.
    pub(super) show_unix: String,
}

/// The current state and the transition variants (`after-start`, ...).
#[derive(Debug)]
pub(super) struct RenderedUnit {
    pub(super) current: UnitSnapshot,
    pub(super) variants: Vec<(&'static str, UnitSnapshot)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2024-05-01T10:00:00Z".parse().expect("valid")
    }

    fn prop(show: &str, key: &str) -> String {
        show.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("{key} missing in {show}"))
            .to_string()
    }

    #[test]
    fn active_unit() {
        let r = FakeUnit::active("nginx")
            .since(Duration::ZERO)
            .render(now());
        assert_eq!(prop(&r.current.show, "Id"), "nginx.service");
        assert_eq!(prop(&r.current.show, "ActiveState"), "active");
        assert_eq!(
            prop(&r.current.show, "ActiveEnterTimestamp"),
            "Wed 2024-05-01 10:00:00 UTC"
        );
        assert_eq!(
            prop(&r.current.show_unix, "ActiveEnterTimestamp"),
            "@1714557600"
        );
        assert_eq!(prop(&r.current.show, "ExecMainExitTimestamp"), "");
    }

    #[test]
    fn failed_and_not_found_units() {
        let r = FakeUnit::failed("x.service", "start-limit-hit").render(now());
        assert_eq!(prop(&r.current.show, "Result"), "start-limit-hit");
        assert_eq!(prop(&r.current.show, "NRestarts"), "5");
        assert_eq!(prop(&r.current.show, "MemoryCurrent"), "[not set]");
        let nf = FakeUnit::not_found("gone.service").render(now());
        assert_eq!(prop(&nf.current.show, "LoadState"), "not-found");
        assert!(nf.variants.is_empty());
        let t = FakeUnit::not_found_template(now());
        assert_eq!(prop(&t.current.show, "Id"), UNIT_PLACEHOLDER);
    }
}
