//! [`Value`] → `serde` types, in pure Rust (no interpreter), with JSON's data model.

use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;
use snakebridge_meta::limits::MAX_NESTING_DEPTH;

use super::serde_ser::SerError;
use super::Value;

type Result<T> = std::result::Result<T, SerError>;

impl de::Error for SerError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        SerError(msg.to_string())
    }
}

pub(crate) fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T> {
    T::deserialize(Deserializer { value, depth: 0 })
}

/// Deserializes from a borrowed [`Value`] that sits inside `depth` containers.
#[derive(Clone, Copy)]
struct Deserializer<'a> {
    value: &'a Value,
    depth: usize,
}

impl<'a> Deserializer<'a> {
    fn inner(self) -> Result<usize> {
        match self.depth < MAX_NESTING_DEPTH {
            true => Ok(self.depth + 1),
            false => Err(SerError(format!(
                "it nests containers deeper than {MAX_NESTING_DEPTH} levels, the limit of every snakebridge converter"
            ))),
        }
    }
}

struct Seq<'a> {
    items: std::slice::Iter<'a, Value>,
    depth: usize,
}

impl<'de, 'a> de::SeqAccess<'de> for Seq<'a> {
    type Error = SerError;
    fn next_element_seed<T: de::DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        match self.items.next() {
            Some(value) => seed.deserialize(Deserializer { value, depth: self.depth }).map(Some),
            None => Ok(None),
        }
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Map<'a> {
    items: std::slice::Iter<'a, (Value, Value)>,
    value: Option<&'a Value>,
    depth: usize,
}

impl<'de, 'a> de::MapAccess<'de> for Map<'a> {
    type Error = SerError;
    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        match self.items.next() {
            Some((k, v)) => {
                self.value = Some(v);
                seed.deserialize(Deserializer { value: k, depth: self.depth }).map(Some)
            }
            None => Ok(None),
        }
    }
    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let value = self.value.take().ok_or_else(|| SerError("a map value was read before its key".into()))?;
        seed.deserialize(Deserializer { value, depth: self.depth })
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// A big int as the wire format's tagged form, for visitors without 128-bit support
/// (`serde_json::Value` without `arbitrary_precision`): see [`super::serde_ser`].
fn tagged_int(digits: String) -> Value {
    Value::Dict(vec![
        (Value::Str("__type__".into()), Value::Str("int".into())),
        (Value::Str("__schema__".into()), Value::from(super::wire::SCHEMA_VERSION)),
        (Value::Str("value".into()), Value::Str(digits)),
    ])
}

impl<'de, 'a> de::Deserializer<'de> for Deserializer<'a> {
    type Error = SerError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            Value::None => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => match (i.as_i64(), i.as_u128().and_then(|u| u64::try_from(u).ok())) {
                (Some(v), _) => visitor.visit_i64(v),
                (None, Some(v)) => visitor.visit_u64(v),
                (None, None) => {
                    let tagged = tagged_int(i.to_string());
                    let depth = self.inner()?;
                    let Value::Dict(items) = &tagged else { unreachable!("built as a dict") };
                    visitor.visit_map(Map { items: items.iter(), value: None, depth })
                }
            },
            Value::Float(f) => visitor.visit_f64(*f),
            Value::Str(s) => visitor.visit_str(s),
            Value::Bytes(b) => visitor.visit_bytes(&b.0),
            Value::List(items) | Value::Tuple(items) | Value::Set(items) | Value::FrozenSet(items) => {
                let depth = self.inner()?;
                visitor.visit_seq(Seq { items: items.iter(), depth })
            }
            Value::Dict(items) => {
                let depth = self.inner()?;
                visitor.visit_map(Map { items: items.iter(), value: None, depth })
            }
            Value::DateTime(d) => visitor.visit_string(d.to_string()),
            Value::Date(d) => visitor.visit_string(d.to_string()),
            Value::Time(t) => visitor.visit_string(t.to_string()),
            Value::Complex { .. } => Err(SerError("a Python complex has no serde form; read it as `Value`".into())),
            Value::Ref(r) => Err(SerError(format!(
                "a Python {} (a ref) has no serde form; convert it in Python to plain data first",
                r.type_name()
            ))),
        }
    }

    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            Value::Int(i) => match i.as_i128() {
                Some(v) => visitor.visit_i128(v),
                None => Err(SerError(format!("the int {i} does not fit i128"))),
            },
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            Value::Int(i) => match i.as_u128() {
                Some(v) => visitor.visit_u128(v),
                None => Err(SerError(format!("the int {i} does not fit u128"))),
            },
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            // serde's own float visitors round any int: apply snakebridge's exact rule first.
            Value::Int(_) => match self.value.as_f64() {
                Some(f) => visitor.visit_f64(f),
                None => Err(SerError(format!("the int {:?} is not exact as a float (beyond ±2**53)", self.value))),
            },
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            Value::None => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.value {
            Value::Str(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            Value::Dict(items) if items.len() == 1 => {
                let depth = self.inner()?;
                visitor.visit_enum(Enum { variant: &items[0].0, value: &items[0].1, depth })
            }
            other => Err(SerError(format!(
                "an enum is a variant name or a dict of one variant, not a Python {}",
                other.type_name()
            ))),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 u8 u16 u32 u64 char str string bytes byte_buf unit unit_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

struct Enum<'a> {
    variant: &'a Value,
    value: &'a Value,
    depth: usize,
}

impl<'de, 'a> de::EnumAccess<'de> for Enum<'a> {
    type Error = SerError;
    type Variant = Deserializer<'a>;
    fn variant_seed<V: de::DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Deserializer<'a>)> {
        let name = seed.deserialize(Deserializer { value: self.variant, depth: self.depth })?;
        Ok((name, Deserializer { value: self.value, depth: self.depth }))
    }
}

impl<'de, 'a> de::VariantAccess<'de> for Deserializer<'a> {
    type Error = SerError;
    fn unit_variant(self) -> Result<()> {
        de::Deserialize::deserialize(self)
    }
    fn newtype_variant_seed<T: de::DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(self)
    }
    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_any(self, visitor)
    }
    fn struct_variant<V: Visitor<'de>>(self, _: &'static [&'static str], visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_any(self, visitor)
    }
}
