//! The validated playbook every later stage reads: what it remedies, how
//! risky it is, the steps, how to verify and how to roll back. Built only by
//! the playbook loader, so holding one means it passed `medic check`.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::analyze::FindingKind;
use crate::config::yaml::Location;

/// The safety tiers of DESIGN.md, ordered from least to most dangerous.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    Low,
    Medium,
    High,
    Blocked,
}

impl Risk {
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
            Risk::Blocked => "blocked",
        }
    }

    /// One tier up; blocked stays blocked.
    pub fn raised(self) -> Risk {
        match self {
            Risk::Low => Risk::Medium,
            Risk::Medium => Risk::High,
            Risk::High | Risk::Blocked => Risk::Blocked,
        }
    }

    pub fn parse(text: &str) -> Option<Risk> {
        match text {
            "low" => Some(Risk::Low),
            "medium" => Some(Risk::Medium),
            "high" => Some(Risk::High),
            "blocked" => Some(Risk::Blocked),
            _ => None,
        }
    }
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Playbook {
    pub name: String,
    pub description: String,
    pub risk: Risk,
    pub triggers: Vec<Trigger>,
    /// Parameters the steps can use as `params.NAME`, with their default
    /// templates (rendered against the incident); None means required.
    pub params: BTreeMap<String, Option<Template>>,
    pub steps: Vec<Step>,
    pub verify: Verify,
    /// Run when verification fails; files backed up by the steps are restored
    /// before these run.
    pub rollback: Vec<Step>,
    /// Where the playbook was defined, for messages.
    #[serde(skip)]
    pub location: Location,
}

/// `kind` plus conditions on the finding's facts: fact name → glob
/// (`Trigger::accepts` in `matching.rs` decides).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trigger {
    pub kind: FindingKind,
    pub facts: BTreeMap<String, String>,
}

/// A minijinja template source, checked at load time: it parses and names
/// only variables that exist (`target`, `host`, `incident`, `facts`,
/// `params.<declared>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Template(pub String);

impl Template {
    pub fn source(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContainerAction {
    Start,
    Restart,
    Stop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceAction {
    Start,
    Restart,
    Reload,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Step {
    /// A shell command on the target's host; every interpolated value is
    /// shell-quoted by the renderer.
    Run {
        command: Template,
        timeout: Duration,
    },
    /// `docker <action> -- NAME` on the target's host.
    Container {
        action: ContainerAction,
        name: Template,
    },
    /// `systemctl <action> -- UNIT` on the target's host.
    Service {
        action: ServiceAction,
        unit: Template,
    },
    /// Saves a file's current content so rollback can restore it.
    Backup {
        path: Template,
    },
    /// Replaces a file's content (backing it up first).
    Write {
        path: Template,
        content: Template,
    },
    /// Replaces every match of `pattern` (a regex) with `replacement` in a
    /// file (backing it up first); no match is a failed step.
    Edit {
        path: Template,
        pattern: String,
        replacement: Template,
    },
    /// An HTTP request from medic's machine; a different status fails the step.
    Http {
        url: Template,
        expect_status: u16,
        timeout: Duration,
    },
    Wait {
        duration: Duration,
    },
}

impl Step {
    /// Whether the step changes something on a host (as opposed to reading or waiting).
    pub fn mutates(&self) -> bool {
        matches!(
            self,
            Step::Run { .. }
                | Step::Container { .. }
                | Step::Service { .. }
                | Step::Write { .. }
                | Step::Edit { .. }
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verify {
    /// How long to re-probe the target for its finding to be gone; the
    /// steps must pass too. Zero: the policy's `verify_timeout` applies.
    pub timeout: Duration,
    /// Extra checks (`run`, `http`, `wait`) that must pass too.
    pub steps: Vec<Step>,
}

impl Playbook {
    /// A digest of everything that decides what the playbook does, so an
    /// approval given for one version is not honoured for an edited one.
    pub fn digest(&self) -> String {
        // serde_json of the model is stable for a given medic version; FNV-1a
        // keeps the digest independent of Rust's randomized hashers.
        let text = serde_json::to_string(&(
            &self.name,
            &self.risk,
            &self.params,
            &self.steps,
            &self.verify,
            &self.rollback,
        ))
        .unwrap_or_default();
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in text.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{hash:016x}")
    }
}
