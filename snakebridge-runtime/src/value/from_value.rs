//! [`Value`] → Rust types.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasher, Hash};

use super::{Bytes, Date, DateTime, Int, Time, Value};
use crate::error::{Error, Result};
use crate::refs::Ref;

/// Converts a [`Value`] into a Rust type, failing with [`Error::Conversion`] on a mismatch.
///
/// Numbers convert only when exact: an `int` to any integer type it fits, a `float` or an
/// `int` of at most 53 bits to `f64`. `list`, `tuple`, `set` and `frozenset` all convert to
/// `Vec`; `dict` to the map types.
///
/// A [`Value::Ref`] converts to `bool`, the integer types, `f64`/`f32` and `String` when its
/// Python object supports the conversion (`__index__`, `__float__`, a `str` subclass): a numpy
/// scalar such as `numpy.float64` is a ref (it is not exactly a `float`) but extracts to `f64`.
pub trait FromValue: Sized {
    /// Converts `value`.
    fn from_value(value: Value) -> Result<Self>;
}

fn mismatch(expected: &str, found: &Value) -> Error {
    Error::conversion(expected, format!("Python {} {}", found.type_name(), preview(found)))
}

fn preview(v: &Value) -> String {
    let mut text = format!("{v:?}");
    if text.len() > 60 {
        let cut = (0..=57).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        text.truncate(cut);
        text.push_str("...");
    }
    text
}

/// Converts the object behind a ref with Python's own protocols.
fn via_python<T: super::FromPython>(r: &Ref) -> Result<T> {
    crate::interpreter::with_gil(|py| T::from_python(&r.bind(py)?))
}

impl FromValue for Value {
    fn from_value(value: Value) -> Result<Self> {
        Ok(value)
    }
}

impl FromValue for () {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::None => Ok(()),
            other => Err(mismatch("None", &other)),
        }
    }
}

impl FromValue for bool {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Bool(b) => Ok(b),
            Value::Ref(r) => via_python(&r),
            other => Err(mismatch("bool", &other)),
        }
    }
}

impl FromValue for Int {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Int(i) => Ok(i),
            other => Err(mismatch("int", &other)),
        }
    }
}

macro_rules! ints {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(value: Value) -> Result<Self> {
                match &value {
                    Value::Int(i) => i
                        .as_i128()
                        .and_then(|v| <$t>::try_from(v).ok())
                        .or_else(|| i.as_u128().and_then(|v| <$t>::try_from(v).ok()))
                        .ok_or_else(|| Error::Conversion {
                            expected: concat!("an int that fits ", stringify!($t)).into(),
                            found: i.to_string(),
                            hint: Some("extract a wider integer type, or `Int` for any size".into()),
                        }),
                    Value::Ref(r) => via_python(r),
                    other => Err(mismatch(stringify!($t), other)),
                }
            }
        }
    )*};
}
ints!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

impl FromValue for f64 {
    fn from_value(value: Value) -> Result<Self> {
        match &value {
            Value::Ref(r) => via_python(r),
            _ => value.as_f64().ok_or_else(|| mismatch("float", &value)),
        }
    }
}

impl FromValue for f32 {
    fn from_value(value: Value) -> Result<Self> {
        f64::from_value(value).map(|f| f as f32)
    }
}

impl FromValue for String {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Str(s) => Ok(s),
            Value::Ref(r) => via_python(&r),
            other => Err(mismatch("str", &other)),
        }
    }
}

impl FromValue for Bytes {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Bytes(b) => Ok(b),
            other => Err(mismatch("bytes", &other)),
        }
    }
}

impl FromValue for Ref {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Ref(r) => Ok(r),
            other => Err(Error::Conversion {
                expected: "a ref".into(),
                found: format!("Python {} {}", other.type_name(), preview(&other)),
                hint: Some("the object converted to a plain value; extract that type instead".into()),
            }),
        }
    }
}

macro_rules! simple {
    ($($t:ident => $name:literal),*) => {$(
        impl FromValue for $t {
            fn from_value(value: Value) -> Result<Self> {
                match value {
                    Value::$t(v) => Ok(v),
                    other => Err(mismatch($name, &other)),
                }
            }
        }
    )*};
}
simple!(Date => "date", Time => "time", DateTime => "datetime");

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::None => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

fn sequence(value: Value, expected: &str) -> Result<Vec<Value>> {
    match value {
        Value::List(v) | Value::Tuple(v) | Value::Set(v) | Value::FrozenSet(v) => Ok(v),
        other => Err(mismatch(expected, &other)),
    }
}

impl<T: FromValue> FromValue for Vec<T> {
    fn from_value(value: Value) -> Result<Self> {
        sequence(value, "a list")?.into_iter().map(T::from_value).collect()
    }
}

impl<T: FromValue + Eq + Hash, S: BuildHasher + Default> FromValue for HashSet<T, S> {
    fn from_value(value: Value) -> Result<Self> {
        sequence(value, "a set")?.into_iter().map(T::from_value).collect()
    }
}

impl<T: FromValue + Ord> FromValue for BTreeSet<T> {
    fn from_value(value: Value) -> Result<Self> {
        sequence(value, "a set")?.into_iter().map(T::from_value).collect()
    }
}

fn items(value: Value) -> Result<Vec<(Value, Value)>> {
    match value {
        Value::Dict(items) => Ok(items),
        other => Err(mismatch("a dict", &other)),
    }
}

impl<K: FromValue + Eq + Hash, V: FromValue, S: BuildHasher + Default> FromValue for HashMap<K, V, S> {
    fn from_value(value: Value) -> Result<Self> {
        items(value)?.into_iter().map(|(k, v)| Ok((K::from_value(k)?, V::from_value(v)?))).collect()
    }
}

impl<K: FromValue + Ord, V: FromValue> FromValue for BTreeMap<K, V> {
    fn from_value(value: Value) -> Result<Self> {
        items(value)?.into_iter().map(|(k, v)| Ok((K::from_value(k)?, V::from_value(v)?))).collect()
    }
}

macro_rules! tuples {
    ($($n:literal: $($T:ident),+;)*) => {$(
        impl<$($T: FromValue),+> FromValue for ($($T,)+) {
            fn from_value(value: Value) -> Result<Self> {
                let items = match value {
                    Value::Tuple(v) | Value::List(v) if v.len() == $n => v,
                    other => return Err(mismatch(concat!("a tuple of ", $n), &other)),
                };
                let mut it = items.into_iter();
                Ok(($($T::from_value(it.next().expect("length checked"))?,)+))
            }
        }
    )*};
}
tuples! {
    1: A;
    2: A, B;
    3: A, B, C;
    4: A, B, C, D;
    5: A, B, C, D, E;
    6: A, B, C, D, E, F;
}
