//! `serde` types → [`Value`], in pure Rust (no interpreter), with JSON's data model.

use serde::ser::{self, Serialize};
use snakebridge_meta::limits::MAX_NESTING_DEPTH;

use super::{Bytes, Int, Value};

/// Why a `serde` value has no [`Value`].
#[derive(Debug)]
pub(crate) struct SerError(pub(crate) String);

impl std::fmt::Display for SerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SerError {}

impl ser::Error for SerError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        SerError(msg.to_string())
    }
}

type Result<T> = std::result::Result<T, SerError>;

pub(crate) fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value> {
    value.serialize(Serializer { depth: 0 })
}

/// Serializes into a [`Value`]; `depth` counts the containers around the value.
#[derive(Clone, Copy)]
struct Serializer {
    depth: usize,
}

impl Serializer {
    /// The serializer for the items of a new container, or the error if it nests too deep.
    fn enter(self) -> Result<Serializer> {
        match self.depth < MAX_NESTING_DEPTH {
            true => Ok(Serializer { depth: self.depth + 1 }),
            false => Err(SerError(format!(
                "it nests containers deeper than {MAX_NESTING_DEPTH} levels, the limit of every snakebridge converter"
            ))),
        }
    }
}

/// The tagged big int of the wire format (`{"__type__": "int", "value": "<digits>"}`), as a
/// `serde_json::Value` without `arbitrary_precision` carries an int beyond 64 bits.
fn tagged_int(items: &[(Value, Value)]) -> Option<Int> {
    let mut value = None;
    let mut tagged = false;
    for (k, v) in items {
        match (k.as_str()?, v) {
            ("__type__", Value::Str(t)) if t == "int" => tagged = true,
            ("__schema__", Value::Int(s)) if s.as_i64() == Some(super::wire::SCHEMA_VERSION as i64) => {}
            ("value", Value::Str(digits)) => value = digits.parse().ok(),
            _ => return None,
        }
    }
    value.filter(|_| tagged)
}

pub(crate) struct Seq {
    inner: Serializer,
    items: Vec<Value>,
    variant: Option<&'static str>,
}

pub(crate) struct Map {
    inner: Serializer,
    items: Vec<(Value, Value)>,
    key: Option<Value>,
    variant: Option<&'static str>,
}

fn wrap(variant: Option<&'static str>, value: Value) -> Value {
    match variant {
        Some(name) => Value::Dict(vec![(Value::Str(name.into()), value)]),
        None => value,
    }
}

impl ser::Serializer for Serializer {
    type Ok = Value;
    type Error = SerError;
    type SerializeSeq = Seq;
    type SerializeTuple = Seq;
    type SerializeTupleStruct = Seq;
    type SerializeTupleVariant = Seq;
    type SerializeMap = Map;
    type SerializeStruct = Map;
    type SerializeStructVariant = Map;

    fn serialize_bool(self, v: bool) -> Result<Value> {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value> {
        Ok(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<Value> {
        Ok(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<Value> {
        Ok(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<Value> {
        Ok(v.into())
    }
    fn serialize_i128(self, v: i128) -> Result<Value> {
        Ok(v.into())
    }
    fn serialize_u8(self, v: u8) -> Result<Value> {
        Ok(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<Value> {
        Ok(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<Value> {
        Ok(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<Value> {
        Ok(v.into())
    }
    fn serialize_u128(self, v: u128) -> Result<Value> {
        Ok(v.into())
    }
    fn serialize_f32(self, v: f32) -> Result<Value> {
        Ok(Value::Float(v as f64))
    }
    fn serialize_f64(self, v: f64) -> Result<Value> {
        Ok(Value::Float(v))
    }
    fn serialize_char(self, v: char) -> Result<Value> {
        Ok(Value::Str(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Value> {
        Ok(Value::Str(v.into()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value> {
        Ok(Value::Bytes(Bytes(v.to_vec())))
    }
    fn serialize_none(self) -> Result<Value> {
        Ok(Value::None)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value> {
        Ok(Value::None)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Value> {
        Ok(Value::None)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<Value> {
        Ok(Value::Str(variant.into()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<Value> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value> {
        Ok(wrap(Some(variant), value.serialize(self.enter()?)?))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq> {
        Ok(Seq { inner: self.enter()?, items: Vec::with_capacity(len.unwrap_or(0).min(4096)), variant: None })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(self, _: &'static str, _: u32, variant: &'static str, len: usize) -> Result<Seq> {
        let mut seq = self.enter()?.serialize_seq(Some(len))?;
        seq.variant = Some(variant);
        Ok(seq)
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Map> {
        Ok(Map {
            inner: self.enter()?,
            items: Vec::with_capacity(len.unwrap_or(0).min(4096)),
            key: None,
            variant: None,
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Map> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(self, _: &'static str, _: u32, variant: &'static str, len: usize) -> Result<Map> {
        let mut map = self.enter()?.serialize_map(Some(len))?;
        map.variant = Some(variant);
        Ok(map)
    }
}

macro_rules! seq_impl {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Seq {
            type Ok = Value;
            type Error = SerError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
                self.items.push(value.serialize(self.inner)?);
                Ok(())
            }
            fn end(self) -> Result<Value> {
                Ok(wrap(self.variant, Value::List(self.items)))
            }
        }
    )*};
}
seq_impl!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Map {
    type Ok = Value;
    type Error = SerError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key = Some(key.serialize(self.inner)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let key = self.key.take().ok_or_else(|| SerError("a map value came without its key".into()))?;
        self.items.push((key, value.serialize(self.inner)?));
        Ok(())
    }
    fn end(self) -> Result<Value> {
        if let Some(i) = tagged_int(&self.items) {
            return Ok(Value::Int(i));
        }
        Ok(wrap(self.variant, Value::Dict(self.items)))
    }
}

macro_rules! struct_impl {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Map {
            type Ok = Value;
            type Error = SerError;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<()> {
                self.items.push((Value::Str(key.into()), value.serialize(self.inner)?));
                Ok(())
            }
            fn end(self) -> Result<Value> {
                Ok(wrap(self.variant, Value::Dict(self.items)))
            }
        }
    )*};
}
struct_impl!(SerializeStruct, SerializeStructVariant);
