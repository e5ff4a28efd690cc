//! Which playbook remedies a finding: takes the library and a finding's kind, target and facts;
//! gives the matching playbook with the most specific trigger. Fact conditions are globs
//! (`postgres*`, `?`), matched with wildmatch; conditions on `target.kind`, `target.host` and
//! `target.name` match the finding's target (see [`subject_facts`]).

use std::collections::BTreeMap;

use wildmatch::WildMatch;

use crate::analyze::{FindingKind, Target};

use super::model::{Playbook, Trigger};

impl Trigger {
    /// Whether a finding of `kind` whose facts (from [`subject_facts`]) are `facts` satisfies
    /// this trigger: same kind, and every fact condition's glob matches the fact, which must
    /// exist. (The model's `matches` compares facts for equality.)
    pub fn accepts(&self, kind: FindingKind, facts: &BTreeMap<String, String>) -> bool {
        self.kind == kind
            && self.facts.iter().all(|(name, glob)| {
                facts
                    .get(name)
                    .is_some_and(|value| WildMatch::new(glob).matches(value))
            })
    }
}

impl Playbook {
    /// The number of fact conditions of this playbook's most specific trigger that accepts
    /// the finding, or None if none does.
    pub fn specificity(
        &self,
        kind: FindingKind,
        facts: &BTreeMap<String, String>,
    ) -> Option<usize> {
        self.triggers
            .iter()
            .filter(|t| t.accepts(kind, facts))
            .map(|t| t.facts.len())
            .max()
    }
}

/// The playbook medic picks on its own for a finding: among those with a trigger that accepts
/// it, the one whose accepting trigger has the most fact conditions; ties go to the first name
/// in sort order. Playbooks with a required parameter are left out: the finding alone cannot
/// fill it (a diagnosis, a person or an LLM proposal chooses among [`candidates`] instead).
/// `facts` should come from [`subject_facts`] so target conditions can match.
pub fn select<'a>(
    playbooks: &'a [Playbook],
    kind: FindingKind,
    facts: &BTreeMap<String, String>,
) -> Option<&'a Playbook> {
    candidates(playbooks, kind, facts)
        .into_iter()
        .find(|p| p.params.values().all(Option::is_some))
}

/// Every playbook with a trigger that accepts the finding, the most specific first (then by
/// name), including those that need parameters.
pub fn candidates<'a>(
    playbooks: &'a [Playbook],
    kind: FindingKind,
    facts: &BTreeMap<String, String>,
) -> Vec<&'a Playbook> {
    let mut found: Vec<(usize, &Playbook)> = playbooks
        .iter()
        .filter_map(|p| p.specificity(kind, facts).map(|s| (s, p)))
        .collect();
    found.sort_by(|(a, pa), (b, pb)| b.cmp(a).then_with(|| pa.name.cmp(&pb.name)));
    found.into_iter().map(|(_, p)| p).collect()
}

/// [`select`] for a finding's target and facts.
pub fn select_for<'a>(
    playbooks: &'a [Playbook],
    kind: FindingKind,
    target: &Target,
    facts: &BTreeMap<String, String>,
) -> Option<&'a Playbook> {
    select(playbooks, kind, &subject_facts(target, facts))
}

/// A finding's facts plus `target.kind`, `target.host` (when the target has one) and
/// `target.name`, which trigger conditions can match. Finding facts never contain a `.`.
pub fn subject_facts(
    target: &Target,
    facts: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut all = facts.clone();
    all.insert("target.kind".into(), target.kind().into());
    if let Some(host) = target.host() {
        all.insert("target.host".into(), host.into());
    }
    all.insert("target.name".into(), target_name(target).into());
    all
}

/// What a target is called among its kind: the container, unit, mount, check or probe
/// section; a host's name for a host.
pub fn target_name(target: &Target) -> &str {
    match target {
        Target::Host { host } => host,
        Target::Container { name, .. } | Target::Unit { name, .. } | Target::Check { name } => name,
        Target::Disk { mount, .. } => mount,
        Target::Probe { section, .. } => section,
        Target::File { path, .. } => path,
    }
}

/// The kind of target (`Target::kind`) that findings of `kind` are about.
pub fn target_kind(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::HostUnreachable | FindingKind::HostKeyRejected => "host",
        FindingKind::ContainerStopped
        | FindingKind::ContainerUnhealthy
        | FindingKind::ContainerMissing => "container",
        FindingKind::UnitFailed | FindingKind::UnitMissing => "unit",
        FindingKind::CheckFailing => "check",
        FindingKind::DiskAboveThreshold => "disk",
        FindingKind::ProbeFailed => "probe",
        FindingKind::FileDrift => "file",
        FindingKind::DiskFillingUp => "disk",
        FindingKind::SwapRising | FindingKind::MemoryLow => "host",
        FindingKind::RestartsFrequent => "container",
        FindingKind::LatencyDegraded | FindingKind::CertificateExpiring => "check",
    }
}
