//! A diagnosis rule file exactly as written: serde types that are the schema, before `resolve`
//! checks them and builds the model. Takes YAML through `config::yaml`; gives `RawRule`.
//!
//! ```yaml
//! name: proxy-upstream-mismatch     # required; equals the file name without `.yaml`/`.yml`
//! description: A reverse proxy answers 502 because its upstream is not where the backend listens.
//! match:                            # required: every condition given must hold
//!   kind: check_failing             # required: a finding kind, or a list of them
//!   facts: {status: "502"}          # optional: each named fact must exist and match its glob
//!                                   # (`*`, `?`); `target.kind`, `target.host`, `target.name`
//!                                   # match the finding's target, as in playbook triggers
//!   logs: "(?i)connection refused"  # optional regex: some line of the gathered logs matches
//!   when: "context.proxy_upstream and context.proxy_upstream != context.backend_address"
//!                                   # optional minijinja expression; must be truthy
//! cause: "the proxy sends {{ target.name }} to {{ context.proxy_upstream }}"   # required template
//! evidence:                         # optional templates; each non-empty line is one piece
//!   - "check answered {{ facts.status }}"
//! confidence: high                  # required: low | medium | high
//! playbook: fix-proxy-upstream      # optional: the playbook that fixes it
//! params:                           # optional (needs `playbook`): NAME -> template
//!   upstream: "{{ context.backend_address }}"
//! ```
//!
//! Expressions and templates see `target.{kind,host,name,key}`, `facts.NAME` (the finding's
//! facts), `context.NAME` (values `collect` gathered for the incident), `logs` (the gathered
//! log lines, oldest first), `repeated_error` (the error line the logs repeat, or `""`) and the
//! filter `search(REGEX)` (a string that matches, or the last line of a list that does, else
//! `""`). In `when` a missing value is undefined: falsy and unequal to any string. In
//! templates it is an error and the rule does not match; ask with `is defined`.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::config::yaml::Spanned;

use super::model::Confidence;

/// One rule file. Every field is optional here so that one missing field does not hide the
/// problems of the others; `resolve` reports what is missing.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawRule {
    pub name: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
    #[serde(rename = "match")]
    pub conditions: Option<Spanned<RawMatch>>,
    pub cause: Option<Spanned<String>>,
    pub evidence: Vec<Spanned<String>>,
    pub confidence: Option<Spanned<Confidence>>,
    pub playbook: Option<Spanned<String>>,
    pub params: BTreeMap<String, Spanned<String>>,
}

/// The `match` block.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawMatch {
    pub kind: Option<Spanned<RawKinds>>,
    pub facts: BTreeMap<String, Spanned<String>>,
    pub logs: Option<Spanned<String>>,
    pub when: Option<Spanned<String>>,
}

/// `match.kind` as written: one name or a list of names, checked by `resolve`.
#[derive(Debug, Clone, PartialEq)]
pub enum RawKinds {
    One(RawKind),
    Many(Vec<Spanned<RawKind>>),
}

/// One finding kind as written.
#[derive(Debug, Clone, PartialEq)]
pub enum RawKind {
    Name(String),
    /// Not a name: what was found instead (`null`, `a mapping`).
    Invalid(&'static str),
}

impl<'de> Deserialize<'de> for RawKinds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KindVisitor { list: true })
    }
}

impl<'de> Deserialize<'de> for RawKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let kinds = deserializer.deserialize_any(KindVisitor { list: false })?;
        Ok(match kinds {
            RawKinds::One(kind) => kind,
            RawKinds::Many(_) => RawKind::Invalid("a sequence"),
        })
    }
}

/// Reads a name, or (when `list`) a sequence of names; anything else is kept as `Invalid`
/// so that `resolve` words the message.
struct KindVisitor {
    list: bool,
}

impl KindVisitor {
    fn invalid<E>(found: &'static str) -> Result<RawKinds, E> {
        Ok(RawKinds::One(RawKind::Invalid(found)))
    }
}

impl<'de> Visitor<'de> for KindVisitor {
    type Value = RawKinds;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a finding kind or a list of them")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawKinds, E> {
        Ok(RawKinds::One(RawKind::Name(v.to_owned())))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<RawKinds, E> {
        Self::invalid("a boolean")
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<RawKinds, E> {
        Self::invalid("a number")
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<RawKinds, E> {
        Self::invalid("a number")
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<RawKinds, E> {
        Self::invalid("a number")
    }

    fn visit_unit<E: de::Error>(self) -> Result<RawKinds, E> {
        Self::invalid("null")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawKinds, A::Error> {
        if !self.list {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Self::invalid("a sequence");
        }
        let mut kinds = Vec::new();
        while let Some(kind) = seq.next_element::<Spanned<RawKind>>()? {
            kinds.push(kind);
        }
        Ok(RawKinds::Many(kinds))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawKinds, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Self::invalid("a mapping")
    }
}
