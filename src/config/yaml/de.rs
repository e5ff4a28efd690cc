//! The error-collecting serde deserializer: takes one [`Node`], its dotted path and the run's
//! [`Context`]; gives whatever a `Deserialize` type asks for. A mismatch is recorded as a
//! diagnostic at the node and a neutral value (false, 0, "", empty list or map, first enum
//! variant) is visited instead, so deserialization goes on and finds every mismatch. An error a
//! visitor returns (serde's `missing field`, a hand-written impl's `custom`) is recorded at the
//! node being deserialized and then unwinds.

use std::cell::RefCell;

use serde::de::{self, DeserializeSeed, Visitor};

use super::access::{EnumAccess, MapAccess, SeqAccess, SpannedAccess};
use super::diagnostic::Location;
use super::node::{Node, NodeValue};
use super::run::{Context, Error, fallback};
use super::scalar::{self, describe};
use super::{spanned, suggest};

/// A deserializer for one node; `path` is its dotted key path (`hosts.nas.port`, `checks[2]`),
/// empty at the top level.
#[derive(Clone)]
pub(super) struct NodeDeserializer<'a> {
    node: &'a Node,
    ctx: Context<'a>,
    path: String,
}

impl<'a> NodeDeserializer<'a> {
    pub(super) fn new(node: &'a Node, ctx: Context<'a>, path: String) -> Self {
        NodeDeserializer { node, ctx, path }
    }

    pub(super) fn node(&self) -> &'a Node {
        self.node
    }

    pub(super) fn location(&self) -> Location {
        Location::new(self.ctx.file(), self.node.location)
    }

    /// `seed.deserialize(self)`, recording an error the visitor returns at this node.
    pub(super) fn deserialize_seed<'de, S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<S::Value, Error> {
        self.guard(|d| seed.deserialize(d))
    }

    /// Runs `f` on this deserializer and records an unrecorded error it returns at this node.
    pub(super) fn guard<T>(self, f: impl FnOnce(Self) -> Result<T, Error>) -> Result<T, Error> {
        let (node, ctx, scope) = (self.node, self.ctx, self.scope());
        f(self).map_err(|error| ctx.record(error, node, &scope))
    }

    /// `in `path`` or `at the top level`, for things inside this node.
    fn scope(&self) -> String {
        if self.path.is_empty() {
            "at the top level".to_owned()
        } else {
            format!("in `{}`", self.path)
        }
    }

    /// `for `path`` or `at the top level`, for this node itself.
    fn subject(&self) -> String {
        if self.path.is_empty() {
            "at the top level".to_owned()
        } else {
            format!("for `{}`", self.path)
        }
    }

    /// Records `expected <expected> for `path`, found <what the node is>`.
    pub(super) fn mismatch(&self, expected: &str, scalar_context: bool) {
        self.mismatch_at(self.node, expected, scalar_context);
    }

    fn mismatch_at(&self, node: &Node, expected: &str, scalar_context: bool) {
        let found = describe(node, scalar_context);
        let message = format!("expected {expected} {}, found {found}", self.subject());
        self.ctx.report(node.location, message);
    }

    /// The text of a plain (unquoted) scalar.
    fn plain(&self) -> Option<&'a str> {
        match &self.node.value {
            NodeValue::Scalar { text, plain: true } => Some(text),
            _ => None,
        }
    }

    fn empty_map(&self) -> MapAccess<'a> {
        MapAccess::new(Vec::new(), self.ctx, self.path.clone())
    }

    fn empty_seq(&self) -> SeqAccess<'a> {
        SeqAccess::new(&[], self.ctx, self.path.clone())
    }

    /// After an unusable enum value was recorded: visits the first variant with null content,
    /// discarding whatever that produces, so the enclosing value can go on.
    fn enum_fallback<'de, V: Visitor<'de>>(
        &self,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let Some(first) = variants.first() else {
            return Err(Error::reported());
        };
        let discarded = RefCell::new(Vec::new());
        let ctx = self.ctx.recording_into(&discarded);
        let null = Node::null(self.node.location);
        let content = NodeDeserializer::new(&null, ctx, self.path.clone());
        fallback(visitor.visit_enum(EnumAccess::new(first, content)))
    }
}

/// The dotted path of the value under `key` in the mapping at `parent`.
pub(super) fn child_path(parent: &str, key: &Node) -> String {
    let name = match &key.value {
        NodeValue::Scalar { text, .. } => text.as_str(),
        NodeValue::Null => "~",
        NodeValue::Sequence(_) | NodeValue::Mapping(_) => "?",
    };
    if parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent}.{name}")
    }
}

macro_rules! integers {
    ($($method:ident $visit:ident $ty:ty;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let parsed = self
                .plain()
                .and_then(scalar::parse_int)
                .and_then(|n| <$ty>::try_from(n).ok());
            match parsed {
                Some(n) => visitor.$visit(n),
                None => {
                    let expected =
                        format!("an integer from {} to {}", <$ty>::MIN, <$ty>::MAX);
                    self.mismatch(&expected, true);
                    fallback(visitor.$visit(0))
                }
            }
        }
    )*};
}

impl<'de, 'a> de::Deserializer<'de> for NodeDeserializer<'a> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.value {
            NodeValue::Null => visitor.visit_unit(),
            NodeValue::Scalar { text, plain: true } => {
                if let Some(b) = scalar::parse_bool(text) {
                    return visitor.visit_bool(b);
                }
                if let Some(n) = scalar::parse_int(text) {
                    if let Ok(n) = u64::try_from(n) {
                        return visitor.visit_u64(n);
                    }
                    if let Ok(n) = i64::try_from(n) {
                        return visitor.visit_i64(n);
                    }
                }
                match scalar::parse_float(text) {
                    Some(x) => visitor.visit_f64(x),
                    None => visitor.visit_str(text),
                }
            }
            NodeValue::Scalar { text, plain: false } => visitor.visit_str(text),
            NodeValue::Sequence(items) => {
                visitor.visit_seq(SeqAccess::new(items, self.ctx, self.path.clone()))
            }
            NodeValue::Mapping(entries) => visitor.visit_map(MapAccess::new(
                entries.iter().collect(),
                self.ctx,
                self.path.clone(),
            )),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.plain().and_then(scalar::parse_bool) {
            Some(b) => visitor.visit_bool(b),
            None => {
                self.mismatch("true or false", true);
                fallback(visitor.visit_bool(false))
            }
        }
    }

    integers! {
        deserialize_i8 visit_i8 i8;
        deserialize_i16 visit_i16 i16;
        deserialize_i32 visit_i32 i32;
        deserialize_i64 visit_i64 i64;
        deserialize_i128 visit_i128 i128;
        deserialize_u8 visit_u8 u8;
        deserialize_u16 visit_u16 u16;
        deserialize_u32 visit_u32 u32;
        deserialize_u64 visit_u64 u64;
        deserialize_u128 visit_u128 u128;
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.plain().and_then(scalar::parse_float) {
            Some(x) => visitor.visit_f32(x as f32),
            None => {
                self.mismatch("a number", true);
                fallback(visitor.visit_f32(0.0))
            }
        }
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.plain().and_then(scalar::parse_float) {
            Some(x) => visitor.visit_f64(x),
            None => {
                self.mismatch("a number", true);
                fallback(visitor.visit_f64(0.0))
            }
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.node.text() {
            Some(text) => visitor.visit_str(text),
            None => {
                self.mismatch("a string", false);
                fallback(visitor.visit_str(""))
            }
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.node.value {
            NodeValue::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if !matches!(self.node.value, NodeValue::Null) {
            self.mismatch("no value", false);
        }
        fallback(visitor.visit_unit())
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.value {
            NodeValue::Sequence(items) => {
                visitor.visit_seq(SeqAccess::new(items, self.ctx, self.path.clone()))
            }
            NodeValue::Null => visitor.visit_seq(self.empty_seq()),
            NodeValue::Scalar { .. } | NodeValue::Mapping(_) => {
                self.mismatch("a list", false);
                fallback(visitor.visit_seq(self.empty_seq()))
            }
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        // serde reports a tuple that is too short, but would silently ignore extra elements.
        if let NodeValue::Sequence(items) = &self.node.value
            && items.len() > len
        {
            let message = format!(
                "expected a list of {len} elements {}, found {}",
                self.subject(),
                items.len()
            );
            self.ctx.report(self.node.location, message);
        }
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.value {
            NodeValue::Mapping(entries) => visitor.visit_map(MapAccess::new(
                entries.iter().collect(),
                self.ctx,
                self.path.clone(),
            )),
            NodeValue::Null => visitor.visit_map(self.empty_map()),
            NodeValue::Scalar { .. } | NodeValue::Sequence(_) => {
                self.mismatch("a mapping", false);
                fallback(visitor.visit_map(self.empty_map()))
            }
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if name == spanned::NAME {
            return visitor.visit_map(SpannedAccess::new(self));
        }
        let entries = match &self.node.value {
            NodeValue::Mapping(entries) => entries,
            NodeValue::Null => return visitor.visit_map(self.empty_map()),
            NodeValue::Scalar { .. } | NodeValue::Sequence(_) => {
                self.mismatch("a mapping", false);
                return fallback(visitor.visit_map(self.empty_map()));
            }
        };
        let mut known = Vec::with_capacity(entries.len());
        for entry in entries {
            let key = &entry.0;
            match key.text() {
                Some(name) if fields.contains(&name) => known.push(entry),
                Some(name) => {
                    let hint = suggest::hint(name, fields);
                    let message = format!("unknown key `{name}` {} ({hint})", self.scope());
                    self.ctx.report(key.location, message);
                }
                None => {
                    let found = describe(key, false);
                    let message = format!("expected a key name {}, found {found}", self.scope());
                    self.ctx.report(key.location, message);
                }
            }
        }
        visitor.visit_map(MapAccess::new(known, self.ctx, self.path.clone()))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let names = variants.join(", ");
        let (name_node, content) = match &self.node.value {
            NodeValue::Scalar { .. } => (self.node, None),
            NodeValue::Mapping(entries) if entries.len() == 1 => {
                (&entries[0].0, Some(&entries[0].1))
            }
            NodeValue::Mapping(entries) => {
                let message = format!(
                    "expected a mapping with a single key (one of: {names}) {}, found {} keys",
                    self.subject(),
                    entries.len()
                );
                self.ctx.report(self.node.location, message);
                return self.enum_fallback(variants, visitor);
            }
            NodeValue::Null | NodeValue::Sequence(_) => {
                self.mismatch(&format!("one of: {names}"), false);
                return self.enum_fallback(variants, visitor);
            }
        };
        let Some(name) = name_node.text() else {
            self.mismatch_at(
                name_node,
                &format!("a variant name (one of: {names})"),
                false,
            );
            return self.enum_fallback(variants, visitor);
        };
        if !variants.contains(&name) {
            let hint = suggest::hint(name, variants);
            let message = format!("unknown value `{name}` {} ({hint})", self.subject());
            self.ctx.report(name_node.location, message);
            return self.enum_fallback(variants, visitor);
        }
        // A scalar names a variant without content; treat that content as null, so a unit
        // variant is fine and a struct variant with defaults works too.
        let null = Node::null(name_node.location);
        let path = child_path(&self.path, name_node);
        let content = NodeDeserializer::new(content.unwrap_or(&null), self.ctx, path);
        visitor.visit_enum(EnumAccess::new(name, content))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.node.text() {
            Some(text) => visitor.visit_str(text),
            None => {
                self.mismatch("a name", false);
                fallback(visitor.visit_str(""))
            }
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}
