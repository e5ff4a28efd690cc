//! serde's access traits over nodes: takes the elements of a sequence, the entries of a mapping,
//! a `Spanned` request or an enum variant and its content; gives `SeqAccess`, `MapAccess`,
//! `EnumAccess` and `VariantAccess` that deserialize each element with its own node and path,
//! leaving out values that failed in an earlier run.

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use super::de::{NodeDeserializer, child_path};
use super::diagnostic::Location;
use super::node::{Node, NodeValue};
use super::run::{Context, Error};
use super::spanned;

/// The elements of a sequence; paths are `parent[index]`.
pub(super) struct SeqAccess<'a> {
    items: std::slice::Iter<'a, Node>,
    index: usize,
    ctx: Context<'a>,
    path: String,
}

impl<'a> SeqAccess<'a> {
    pub(super) fn new(items: &'a [Node], ctx: Context<'a>, path: String) -> Self {
        SeqAccess {
            items: items.iter(),
            index: 0,
            ctx,
            path,
        }
    }
}

impl<'de> de::SeqAccess<'de> for SeqAccess<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        for item in self.items.by_ref() {
            let index = self.index;
            self.index += 1;
            if self.ctx.is_pruned(item) {
                continue;
            }
            let path = format!("{}[{index}]", self.path);
            return NodeDeserializer::new(item, self.ctx, path)
                .deserialize_seed(seed)
                .map(Some)
                .map_err(|error| error.at_element(item));
        }
        Ok(None)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// Mapping entries; keys and values both get the path `parent.key`.
pub(super) struct MapAccess<'a> {
    entries: std::vec::IntoIter<&'a (Node, Node)>,
    /// The value (and its path) of the key returned last.
    value: Option<(&'a Node, String)>,
    ctx: Context<'a>,
    path: String,
}

impl<'a> MapAccess<'a> {
    pub(super) fn new(entries: Vec<&'a (Node, Node)>, ctx: Context<'a>, path: String) -> Self {
        let entries: Vec<_> = entries
            .into_iter()
            .filter(|(_, value)| !ctx.is_pruned(value))
            .collect();
        MapAccess {
            entries: entries.into_iter(),
            value: None,
            ctx,
            path,
        }
    }
}

impl<'de> de::MapAccess<'de> for MapAccess<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        let path = child_path(&self.path, key);
        self.value = Some((value, path.clone()));
        NodeDeserializer::new(key, self.ctx, path)
            .deserialize_seed(seed)
            .map(Some)
            .map_err(|error| error.at_element(value))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((value, path)) = self.value.take() else {
            return Err(de::Error::custom("a value was requested before its key"));
        };
        NodeDeserializer::new(value, self.ctx, path)
            .deserialize_seed(seed)
            .map_err(|error| error.at_element(value))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// Answers a `Spanned` request: the node's file, line and column, then its value.
pub(super) struct SpannedAccess<'a> {
    fields: std::slice::Iter<'static, &'static str>,
    current: Option<&'static str>,
    location: Location,
    value: Option<NodeDeserializer<'a>>,
}

impl<'a> SpannedAccess<'a> {
    pub(super) fn new(value: NodeDeserializer<'a>) -> Self {
        SpannedAccess {
            fields: spanned::FIELDS.iter(),
            current: None,
            location: value.location(),
            value: Some(value),
        }
    }
}

impl<'de> de::MapAccess<'de> for SpannedAccess<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        self.current = self.fields.next().copied();
        match self.current {
            Some(field) => seed.deserialize(field.into_deserializer()).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.current.take() {
            Some(spanned::FILE) => seed.deserialize(self.location.file.clone().into_deserializer()),
            Some(spanned::LINE) => seed.deserialize(self.location.line.into_deserializer()),
            Some(spanned::COLUMN) => seed.deserialize(self.location.column.into_deserializer()),
            _ => match self.value.take() {
                Some(value) => value.deserialize_seed(seed),
                None => Err(de::Error::custom("a spanned value was requested twice")),
            },
        }
    }
}

/// A variant name that is known to be valid, and the node holding its content (null if none).
pub(super) struct EnumAccess<'a> {
    variant: &'a str,
    content: NodeDeserializer<'a>,
}

impl<'a> EnumAccess<'a> {
    pub(super) fn new(variant: &'a str, content: NodeDeserializer<'a>) -> Self {
        EnumAccess { variant, content }
    }
}

impl<'de, 'a> de::EnumAccess<'de> for EnumAccess<'a> {
    type Error = Error;
    type Variant = VariantAccess<'a>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, VariantAccess<'a>), Error> {
        let variant = seed.deserialize(self.variant.into_deserializer())?;
        Ok((variant, VariantAccess(self.content)))
    }
}

pub(super) struct VariantAccess<'a>(NodeDeserializer<'a>);

impl<'de> de::VariantAccess<'de> for VariantAccess<'_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        if !matches!(self.0.node().value, NodeValue::Null) {
            self.0.mismatch("no value", false);
        }
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        self.0.deserialize_seed(seed)
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        self.0
            .guard(|content| de::Deserializer::deserialize_tuple(content, len, visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.0
            .guard(|content| de::Deserializer::deserialize_struct(content, "", fields, visitor))
    }
}
