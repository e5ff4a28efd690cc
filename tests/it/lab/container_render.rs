//! Rendering a fake container for the docker shim: its current state and
//! the states the shim switches to on `start`/`restart`, `stop`, `kill`, and
//! a start that dies at once (`keeps_dying`). Times of transitions are the
//! placeholder the shim replaces with its clock.

use std::time::Duration;

use jiff::Timestamp;

use super::container_json::Fixed;
use super::docker_time::Moment;
use super::fake_container::{FakeContainer, HealthStatus, Phase};

const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);

impl FakeContainer {
    /// Renders the current state and the transition variants for a
    /// container with this `id`, as of `now`.
    pub(super) fn render(&self, id: &str, now: Timestamp) -> RenderedContainer {
        let fixed = Fixed::new(self, id, now);
        let current = self.current_status(now);
        let mut variants = vec![
            ("after-start", self.after_start(&current)),
            ("after-stop", after_exit(&current, 0)),
            ("after-kill", after_exit(&current, 137)),
        ];
        if self.keeps_dying {
            variants.push(("after-die", self.after_die(&current)));
        }
        RenderedContainer {
            current: fixed.snapshot(self, &current, now),
            variants: variants
                .into_iter()
                .map(|(dir, status)| (dir, fixed.snapshot(self, &status, now)))
                .collect(),
        }
    }

    fn current_status(&self, now: Timestamp) -> Status {
        let since = self.since.unwrap_or(match self.phase {
            Phase::Running | Phase::Paused | Phase::Created => 2 * HOUR,
            Phase::Exited(_) => 3 * MINUTE,
            Phase::Restarting(_) => Duration::from_secs(5),
            Phase::Dead(_) => HOUR,
        });
        let changed = Moment::ago(now, since);
        let (started, finished) = match self.phase {
            Phase::Created => (None, None),
            Phase::Running | Phase::Paused => (Some(changed), None),
            Phase::Restarting(_) => (
                Some(Moment::ago(now, since + Duration::from_secs(1))),
                Some(changed),
            ),
            Phase::Exited(_) | Phase::Dead(_) => {
                (Some(Moment::ago(now, since + HOUR)), Some(changed))
            }
        };
        let health = self.health.map(|status| match self.phase {
            Phase::Running | Phase::Paused => HealthState {
                status,
                last_check: Moment::ago(now, Duration::from_secs(5).min(since)),
            },
            // A stopped container's health reads unhealthy (checked on 20.10).
            _ => HealthState {
                status: HealthStatus::Unhealthy,
                last_check: finished.unwrap_or(changed),
            },
        });
        Status {
            phase: self.phase,
            started,
            finished,
            health,
            health_streak: None,
            oom_killed: self.oom_killed,
            restart_count: self.restart_count,
        }
    }

    fn after_start(&self, current: &Status) -> Status {
        Status {
            phase: Phase::Running,
            started: Some(Moment::ShimNow),
            finished: current.finished,
            health: self.health.map(|_| HealthState {
                status: if self.stays_unhealthy {
                    HealthStatus::Unhealthy
                } else {
                    HealthStatus::Healthy
                },
                last_check: Moment::ShimNow,
            }),
            health_streak: None,
            oom_killed: false,
            restart_count: current.restart_count,
        }
    }

    fn after_die(&self, current: &Status) -> Status {
        let code = match self.phase {
            Phase::Exited(c) | Phase::Restarting(c) | Phase::Dead(c) if c != 0 => c,
            _ => 1,
        };
        let (phase, restart_count) = match self.restart_policy.as_str() {
            "always" | "unless-stopped" | "on-failure" => {
                (Phase::Restarting(code), current.restart_count + 1)
            }
            _ => (Phase::Exited(code), current.restart_count),
        };
        Status {
            phase,
            started: Some(Moment::ShimNow),
            finished: Some(Moment::ShimNow),
            health: current.health.map(|_| HealthState {
                status: HealthStatus::Unhealthy,
                last_check: Moment::ShimNow,
            }),
            health_streak: Some(0),
            oom_killed: false,
            restart_count,
        }
    }
}

fn after_exit(current: &Status, code: i32) -> Status {
    let running = matches!(
        current.phase,
        Phase::Running | Phase::Paused | Phase::Restarting(_)
    );
    Status {
        phase: Phase::Exited(code),
        started: current.started.or(Some(Moment::ShimNow)),
        finished: Some(Moment::ShimNow),
        health: current.health.map(|_| HealthState {
            status: HealthStatus::Unhealthy,
            last_check: if running {
                Moment::ShimNow
            } else {
                current.finished.unwrap_or(Moment::ShimNow)
            },
        }),
        health_streak: Some(0),
        oom_killed: false,
        restart_count: current.restart_count,
    }
}
/// The changing part of a container: what a transition replaces.
#[derive(Clone, Debug)]
pub(super) struct Status {
    pub(super) phase: Phase,
    pub(super) started: Option<Moment>,
    pub(super) finished: Option<Moment>,
    pub(super) health: Option<HealthState>,
    /// `FailingStreak` override (a stopped container's is 0).
    pub(super) health_streak: Option<u32>,
    pub(super) oom_killed: bool,
    pub(super) restart_count: u32,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct HealthState {
    pub(super) status: HealthStatus,
    pub(super) last_check: Moment,
}

/// One state of a container, ready for the shim.
#[derive(Debug)]
pub(super) struct Snapshot {
    /// `State.Status`: `running`, `exited`, ...
    pub(super) state: &'static str,
    pub(super) ps_json: String,
    pub(super) inspect_json: String,
}

/// The current state and the transition variants (`after-start`, ...).
#[derive(Debug)]
pub(super) struct RenderedContainer {
    pub(super) current: Snapshot,
    pub(super) variants: Vec<(&'static str, Snapshot)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-01-10T12:00:00Z".parse().expect("valid")
    }

    fn ps(c: &FakeContainer) -> serde_json::Value {
        let r = c.render(&"a".repeat(64), now());
        serde_json::from_str(&r.current.ps_json).expect("ps line is JSON")
    }

    #[test]
    fn status_texts_match_docker() {
        assert_eq!(ps(&FakeContainer::running("a"))["Status"], "Up 2 hours");
        assert_eq!(
            ps(&FakeContainer::running("a").unhealthy())["Status"],
            "Up 2 hours (unhealthy)"
        );
        assert_eq!(
            ps(&FakeContainer::running("a")
                .health_starting()
                .since(Duration::from_secs(5)))["Status"],
            "Up 5 seconds (health: starting)"
        );
        assert_eq!(
            ps(&FakeContainer::exited("a", 1))["Status"],
            "Exited (1) 3 minutes ago"
        );
        assert_eq!(
            ps(&FakeContainer::restarting("a"))["Status"],
            "Restarting (1) 5 seconds ago"
        );
        assert_eq!(
            ps(&FakeContainer::paused("a"))["Status"],
            "Up 2 hours (Paused)"
        );
        assert_eq!(ps(&FakeContainer::created("a"))["Status"], "Created");
        assert_eq!(
            ps(&FakeContainer::exited("a", 1).oom_killed())["Status"],
            "Exited (137) 3 minutes ago"
        );
    }

    #[test]
    fn ps_command_is_quoted_like_the_daemon() {
        let c = FakeContainer::running("a").command(["sh", "-c", "echo hi >&2"]);
        let line = c.render(&"b".repeat(64), now()).current.ps_json;
        assert!(
            line.contains(r#""Command":"\"sh -c 'echo hi \u003e\u00262'\"""#),
            "{line}"
        );
    }

    #[test]
    fn variants_carry_the_now_placeholder() {
        let r = FakeContainer::exited("a", 1)
            .keeps_dying()
            .render(&"c".repeat(64), now());
        let names: Vec<_> = r.variants.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            ["after-start", "after-stop", "after-kill", "after-die"]
        );
        let start = &r.variants[0].1;
        assert_eq!(start.state, "running");
        assert!(start.ps_json.contains("Up Less than a second"));
        assert!(start.inspect_json.contains(r#""StartedAt": "@@NOW@@""#));
    }
}
