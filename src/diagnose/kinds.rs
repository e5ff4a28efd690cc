//! `match.kind` → finding kinds: one name or a non-empty list of names, each a known kind
//! (with "did you mean" when not). Takes the raw value; gives the kinds and records every
//! problem on the resolver.

use crate::analyze::FindingKind;
use crate::config::yaml::{Location, Spanned};

use super::raw::{RawKind, RawKinds};
use super::resolve::Resolver;
use crate::config::yaml::suggest;

/// Every finding kind, in the order `medic` lists them.
pub const KINDS: [FindingKind; FindingKind::ALL.len()] = FindingKind::ALL;

impl Resolver {
    /// `match.kind`: one finding kind or a non-empty list of them.
    pub(super) fn kinds(&mut self, raw: &Spanned<RawKinds>) -> Vec<FindingKind> {
        let mut kinds = Vec::new();
        match &raw.value {
            RawKinds::One(RawKind::Name(name)) => {
                kinds.extend(self.kind(name, &raw.location, "match.kind"));
            }
            RawKinds::One(RawKind::Invalid(found)) => self.problem(
                &raw.location,
                format!(
                    "expected a finding kind or a list of them for `match.kind`, found {found}"
                ),
            ),
            RawKinds::Many(list) if list.is_empty() => self.problem(
                &raw.location,
                "`match.kind` must list at least one finding kind",
            ),
            RawKinds::Many(list) => {
                for (index, item) in list.iter().enumerate() {
                    let path = format!("match.kind[{index}]");
                    let kind = match &item.value {
                        RawKind::Name(name) => self.kind(name, &item.location, &path),
                        RawKind::Invalid(found) => {
                            self.problem(
                                &item.location,
                                format!("expected a finding kind for `{path}`, found {found}"),
                            );
                            None
                        }
                    };
                    if let Some(kind) = kind
                        && !kinds.contains(&kind)
                    {
                        kinds.push(kind);
                    }
                }
            }
        }
        kinds
    }

    fn kind(&mut self, name: &str, location: &Location, path: &str) -> Option<FindingKind> {
        let kind = FindingKind::parse(name);
        if kind.is_none() {
            let names: Vec<&str> = KINDS.iter().map(|k| k.as_str()).collect();
            let hint = suggest::hint(name, &names);
            self.problem(
                location,
                format!("unknown value `{name}` for `{path}` ({hint})"),
            );
        }
        kind
    }
}
