//! `Spanned<T>`: takes any YAML value; gives the value together with the [`Location`] where it
//! starts. It only works through this module's deserializer, which recognises the private struct
//! name below and answers with the location fields and the value (as `toml::Spanned` does).

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

use super::diagnostic::Location;

/// The struct name the deserializer treats specially.
pub(super) const NAME: &str = "$__yamlcfg_private_Spanned";
pub(super) const FILE: &str = "file";
pub(super) const LINE: &str = "line";
pub(super) const COLUMN: &str = "column";
pub(super) const VALUE: &str = "value";
/// The keys the deserializer yields for a `Spanned`, in this order.
pub(super) const FIELDS: &[&str] = &[FILE, LINE, COLUMN, VALUE];

/// A value and the location of the YAML node it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub location: Location,
}

impl<T> Deref for Spanned<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct(NAME, FIELDS, SpannedVisitor(PhantomData))
    }
}

struct SpannedVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for SpannedVisitor<T> {
    type Value = Spanned<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value with its location")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Spanned<T>, A::Error> {
        let mut location = Location::default();
        let mut value = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                FILE => location.file = map.next_value()?,
                LINE => location.line = map.next_value()?,
                COLUMN => location.column = map.next_value()?,
                VALUE => value = Some(map.next_value()?),
                other => return Err(de::Error::unknown_field(other, FIELDS)),
            }
        }
        let value = value.ok_or_else(|| de::Error::missing_field(VALUE))?;
        Ok(Spanned { value, location })
    }
}
