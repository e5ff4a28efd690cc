//! Table tests for the pure decide stage. This harness builds a small world
//! (incidents, a library, history, approvals, a pause) at a fixed `now`;
//! each case names itself and gives the verdict and part of the reason it
//! expects for incident #1. The tables are in `tests/`, one file per group
//! of rules.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use super::*;
use crate::analyze::{FindingKind, Target};
use crate::config::playbook::{Playbook, Risk, Step, Template, Trigger, Verify};
use crate::config::policy::Policy;
use crate::config::yaml::Location;
use AttemptOutcome::{Failed, Interrupted, Succeeded};
use Verdict::{Escalate, Hold, NoPlaybook, RequestApproval};

mod approvals;
mod breakers;
mod helpers;
mod library;
mod stops;

const APP: &str = "nas/container/app";
const RESTART: &str = "restart-app";

fn now() -> Timestamp {
    "2025-06-01T12:00:00Z".parse().expect("a valid timestamp")
}

fn ago(minutes: i64) -> Timestamp {
    now() - SignedDuration::from_mins(minutes)
}

fn from_now(minutes: i64) -> Timestamp {
    now() + SignedDuration::from_mins(minutes)
}

/// A playbook with one trigger per `(kind, facts)`.
fn playbook(name: &str, risk: Risk, triggers: &[(FindingKind, &[(&str, &str)])]) -> Playbook {
    Playbook {
        name: name.to_string(),
        description: format!("{name} for tests"),
        risk,
        triggers: triggers
            .iter()
            .map(|(kind, facts)| Trigger {
                kind: *kind,
                facts: facts
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            })
            .collect(),
        params: BTreeMap::new(),
        steps: vec![Step::Wait {
            duration: Duration::from_secs(1),
        }],
        verify: Verify {
            timeout: Duration::from_secs(30),
            steps: Vec::new(),
        },
        rollback: Vec::new(),
        location: Location::default(),
    }
}

fn incident(id: i64, host: &str, name: &str) -> IncidentView {
    let target = Target::Container {
        host: host.to_string(),
        name: name.to_string(),
    };
    IncidentView {
        id,
        fingerprint: crate::analyze::fingerprint(FindingKind::ContainerStopped, &target),
        kind: FindingKind::ContainerStopped,
        target,
        facts: BTreeMap::new(),
        host_tags: Default::default(),
        proposal: None,
    }
}

fn attempt(
    target_key: &str,
    at: Timestamp,
    outcome: AttemptOutcome,
    approver: Approver,
) -> Attempt {
    Attempt {
        incident: 1,
        target_key: target_key.to_string(),
        playbook: RESTART.to_string(),
        at,
        outcome,
        approver,
    }
}

fn ada() -> Approver {
    Approver::Person("Ada".to_string())
}

fn approved() -> ApprovalState {
    ApprovalState::Approved {
        by: "Ada".to_string(),
    }
}

fn execute() -> Verdict {
    Verdict::Execute {
        approver: Approver::Automatic,
    }
}

fn execute_for_ada() -> Verdict {
    Verdict::Execute { approver: ada() }
}

/// Which digest an approval in a `World` carries.
#[derive(Clone, Copy)]
enum Digest {
    /// The digest of the playbook as it is when the plan is made.
    Current,
    /// The digest of an earlier version (one step fewer).
    Stale,
}

/// Everything `decide` reads, owned, with builders for the cases. By default:
/// incident #1, `nas/container/app` stopped, and a low-risk `restart-app`.
struct World {
    incidents: Vec<IncidentView>,
    playbooks: Vec<Playbook>,
    policy: Policy,
    attempts: Vec<Attempt>,
    resets: Vec<BreakerReset>,
    approvals: Vec<(ApprovalView, Digest)>,
    pause: Option<Pause>,
    busy: Vec<String>,
    holds: Vec<super::Hold>,
    flapping: Vec<String>,
}

impl World {
    fn new() -> Self {
        World {
            incidents: vec![incident(1, "nas", "app")],
            playbooks: vec![playbook(
                RESTART,
                Risk::Low,
                &[(FindingKind::ContainerStopped, &[])],
            )],
            policy: Policy::default(),
            attempts: Vec::new(),
            resets: Vec::new(),
            approvals: Vec::new(),
            pause: None,
            busy: Vec::new(),
            holds: Vec::new(),
            flapping: Vec::new(),
        }
    }

    fn risk(mut self, risk: Risk) -> Self {
        for playbook in &mut self.playbooks {
            playbook.risk = risk;
        }
        self
    }

    /// The playbook also backs up and edits a file.
    fn edits_files(mut self) -> Self {
        for playbook in &mut self.playbooks {
            playbook.steps.push(Step::Backup {
                path: Template("/etc/app.conf".into()),
            });
        }
        self
    }

    /// A person reverted a fix of `nas/container/app`.
    fn held(mut self, reason: &str) -> Self {
        self.holds.push(super::Hold {
            target_key: "nas/container/app".into(),
            reason: reason.into(),
        });
        self
    }

    fn tags(mut self, tags: &[&str]) -> Self {
        for incident in &mut self.incidents {
            incident.host_tags = tags.iter().map(|t| t.to_string()).collect();
        }
        self
    }

    fn facts(mut self, facts: &[(&str, &str)]) -> Self {
        for incident in &mut self.incidents {
            incident.facts = facts
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        }
        self
    }

    fn playbooks(mut self, playbooks: Vec<Playbook>) -> Self {
        self.playbooks = playbooks;
        self
    }

    fn incident(mut self, incident: IncidentView) -> Self {
        self.incidents.push(incident);
        self
    }

    /// An attempt on `nas/container/app`, `minutes` ago.
    fn tried(self, minutes: i64, outcome: AttemptOutcome) -> Self {
        self.tried_by(minutes, outcome, Approver::Automatic)
    }

    /// Automatic attempts on `nas/container/app`: `(minutes ago, outcome)`.
    fn tries(self, tries: &[(i64, AttemptOutcome)]) -> Self {
        tries.iter().fold(self, |world, &(minutes, outcome)| {
            world.tried(minutes, outcome)
        })
    }

    fn tried_by(mut self, minutes: i64, outcome: AttemptOutcome, approver: Approver) -> Self {
        self.attempts
            .push(attempt(APP, ago(minutes), outcome, approver));
        self
    }

    /// An automatic attempt on another target, `minutes` ago.
    fn tried_on(mut self, target_key: &str, minutes: i64, outcome: AttemptOutcome) -> Self {
        self.attempts.push(attempt(
            target_key,
            ago(minutes),
            outcome,
            Approver::Automatic,
        ));
        self
    }

    /// `total` automatic attempts on other targets 2 hours ago, `failed` of them failed.
    fn history(mut self, total: usize, failed: usize) -> Self {
        for i in 0..total {
            let outcome = if i < failed { Failed } else { Succeeded };
            let key = format!("other/container/c{i}");
            self.attempts
                .push(attempt(&key, ago(120), outcome, Approver::Automatic));
        }
        self
    }

    fn reset(mut self, target_key: &str, minutes: i64) -> Self {
        self.resets.push(BreakerReset {
            target_key: target_key.to_string(),
            at: ago(minutes),
        });
        self
    }

    /// An approval of `restart-app` for incident #1, requested `requested`
    /// minutes ago and expiring in `expires` minutes.
    fn approval(mut self, id: i64, state: ApprovalState, requested: i64, expires: i64) -> Self {
        self.approvals.push((
            approval(id, 1, RESTART, state, requested, expires),
            Digest::Current,
        ));
        self
    }

    fn stale_approval(mut self, id: i64, state: ApprovalState) -> Self {
        self.approvals
            .push((approval(id, 1, RESTART, state, 60, 600), Digest::Stale));
        self
    }

    fn approval_of(mut self, view: ApprovalView) -> Self {
        self.approvals.push((view, Digest::Current));
        self
    }

    fn pause(mut self, by: Option<&str>, reason: &str) -> Self {
        self.pause = Some(Pause {
            reason: reason.to_string(),
            by: by.map(str::to_string),
        });
        self
    }

    fn busy(mut self, target_key: &str) -> Self {
        self.busy.push(target_key.to_string());
        self
    }

    fn plan(&self) -> Plan {
        let digest_of = |name: &str, digest: Digest| {
            let mut playbook = self
                .playbooks
                .iter()
                .find(|p| p.name == name)
                .cloned()
                .unwrap_or_else(|| playbook(name, Risk::Low, &[]));
            if let Digest::Stale = digest {
                playbook.steps.pop();
            }
            playbook.digest()
        };
        let approvals: Vec<ApprovalView> = self
            .approvals
            .iter()
            .map(|(view, digest)| ApprovalView {
                playbook_digest: digest_of(&view.playbook, *digest),
                ..view.clone()
            })
            .collect();
        decide(&DecideInput {
            now: now(),
            incidents: &self.incidents,
            playbooks: &self.playbooks,
            policy: &self.policy,
            attempts: &self.attempts,
            resets: &self.resets,
            approvals: &approvals,
            pause: self.pause.as_ref(),
            busy_targets: &self.busy,
            holds: &self.holds,
            flapping: &self.flapping,
        })
    }
}

fn approval(
    id: i64,
    incident: i64,
    playbook: &str,
    state: ApprovalState,
    requested: i64,
    expires: i64,
) -> ApprovalView {
    ApprovalView {
        id,
        incident,
        playbook: playbook.to_string(),
        playbook_digest: String::new(),
        state,
        requested_at: ago(requested),
        expires_at: from_now(expires),
    }
}

/// One case: the world, and the verdict and a part of the reason expected
/// for incident #1.
struct Case {
    name: &'static str,
    world: World,
    verdict: Verdict,
    reason: &'static str,
}

fn case(name: &'static str, world: World, verdict: Verdict, reason: &'static str) -> Case {
    Case {
        name,
        world,
        verdict,
        reason,
    }
}

fn check(cases: Vec<Case>) {
    for case in cases {
        let plan = case.world.plan();
        let decision = plan
            .decisions
            .iter()
            .find(|d| d.incident == 1)
            .unwrap_or_else(|| panic!("{}: no decision for incident #1", case.name));
        assert_eq!(
            decision.verdict, case.verdict,
            "{}: verdict ({})",
            case.name, decision.reason
        );
        assert!(
            decision.reason.contains(case.reason),
            "{}: reason {:?} should contain {:?}",
            case.name,
            decision.reason,
            case.reason
        );
        assert!(
            decision
                .reason
                .chars()
                .next()
                .is_some_and(|c| !c.is_uppercase()),
            "{}: reason {:?} starts lowercase",
            case.name,
            decision.reason
        );
    }
}

impl World {
    fn incidents_none(mut self) -> Self {
        self.incidents.clear();
        self
    }
}
