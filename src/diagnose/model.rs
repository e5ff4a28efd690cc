//! The vocabulary of diagnosis: a validated `Rule` (built only by the loader, so holding one
//! means it passed `medic check`), the `Subject` it is matched against (an incident's finding
//! plus the `Context` collect gathered for it) and the `Diagnosis` a matching rule gives.

use std::collections::BTreeMap;
use std::fmt;

use regex::Regex;
use serde::{Deserialize, Serialize, Serializer};

use crate::analyze::{Finding, FindingKind, Target};
use crate::config::yaml::Location;

/// How sure a rule is of its cause, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A known failure pattern: when its conditions hold for a subject, its templates explain the
/// cause and may name the playbook (with parameters) that fixes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    pub name: String,
    pub description: String,
    pub conditions: Conditions,
    /// A checked template: one sentence.
    pub cause: String,
    /// Checked templates; each renders to one line of evidence (empty lines are left out).
    pub evidence: Vec<String>,
    pub confidence: Confidence,
    pub playbook: Option<String>,
    /// Parameter name -> checked template; only with a `playbook`.
    pub params: BTreeMap<String, String>,
    /// Where the rule and its fix were written, for messages.
    #[serde(skip)]
    pub locations: RuleLocations,
}

/// Where parts of a rule were written, for checks made after loading (`check_playbooks`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleLocations {
    /// The start of the file.
    pub rule: Location,
    pub playbook: Option<Location>,
    /// Each parameter's value.
    pub params: BTreeMap<String, Location>,
}

/// The `match` block: everything given must hold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conditions {
    /// The finding kinds it applies to (at least one).
    pub kinds: Vec<FindingKind>,
    /// Fact name -> glob, on the finding's facts plus `target.kind|host|name`.
    pub facts: BTreeMap<String, String>,
    /// Some line of the gathered logs matches.
    pub logs: Option<LogPattern>,
    /// A checked minijinja expression that must be truthy.
    pub when: Option<String>,
}

impl Conditions {
    /// How specific the rule is (fact globs, plus one each for `logs` and `when`; the kind
    /// does not count); among matching rules of the same confidence the most specific wins.
    pub fn count(&self) -> usize {
        self.facts.len() + usize::from(self.logs.is_some()) + usize::from(self.when.is_some())
    }
}

/// A compiled `match.logs` regex; compared and serialized as its source.
#[derive(Debug, Clone)]
pub struct LogPattern(pub(super) Regex);

impl LogPattern {
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The last (most recent) line that matches.
    pub fn last_match<'a>(&self, lines: &'a [String]) -> Option<&'a str> {
        lines
            .iter()
            .rev()
            .find(|line| self.0.is_match(line))
            .map(String::as_str)
    }
}

impl PartialEq for LogPattern {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Serialize for LogPattern {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// What a rule is matched against: one incident's finding and its gathered context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    pub kind: FindingKind,
    pub target: Target,
    pub facts: BTreeMap<String, String>,
    pub context: Context,
}

impl Subject {
    /// The subject for a finding and the context gathered for its target.
    pub fn from_finding(finding: &Finding, context: Context) -> Subject {
        Subject {
            kind: finding.kind,
            target: finding.target.clone(),
            facts: finding.facts.clone(),
            context,
        }
    }
}

/// What collect's second pass gathered for an open incident; any part may be empty.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Context {
    /// The last lines of `docker logs --tail 50` or `journalctl -u UNIT -n 50`, oldest first.
    pub logs: Vec<String>,
    /// Named facts gathered for the target (`proxy_file`, `proxy_upstream`,
    /// `backend_container`, `backend_address`, ...).
    pub values: BTreeMap<String, String>,
}

/// Why an incident happened, according to the best matching rule. Stored as JSON with the
/// incident and shown in reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnosis {
    /// The rule's name.
    pub rule: String,
    /// One sentence.
    pub cause: String,
    /// One line each.
    pub evidence: Vec<String>,
    pub confidence: Confidence,
    /// The playbook that fixes it, if the rule names one.
    pub playbook: Option<String>,
    /// The playbook's parameters: plain values, never templates.
    pub params: BTreeMap<String, String>,
}
