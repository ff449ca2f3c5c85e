//! [`Value`], the dynamic value that crosses between Rust and Python.
//!
//! | Python            | `Value`                          |
//! |-------------------|----------------------------------|
//! | `None`            | [`Value::None`]                  |
//! | `bool`            | [`Value::Bool`]                  |
//! | `int`             | [`Value::Int`] (any size)        |
//! | `float`           | [`Value::Float`] (inf, nan too)  |
//! | `str`             | [`Value::Str`]                   |
//! | `bytes`           | [`Value::Bytes`]                 |
//! | `list` / `tuple`  | [`Value::List`] / [`Value::Tuple`] |
//! | `dict`            | [`Value::Dict`] (any keys, ordered) |
//! | `set` / `frozenset` | [`Value::Set`] / [`Value::FrozenSet`] |
//! | `datetime`, `date`, `time` | [`Value::DateTime`], [`Value::Date`], [`Value::Time`] |
//! | `complex`         | [`Value::Complex`]               |
//! | anything else     | [`Value::Ref`]                   |
//!
//! Only exact builtin types convert; a subclass (an `IntEnum`, an `OrderedDict`) and a
//! container holding anything that does not convert come back as one [`Ref`] to the whole
//! object, never half-converted. Containers nested deeper than
//! [`MAX_NESTING_DEPTH`](snakebridge_meta::limits::MAX_NESTING_DEPTH) are an
//! [`Error::Conversion`](crate::Error::Conversion) in every converter.
//!
//! `Clone` and `Drop` of a `Value` recurse like those of any nested Rust data (and of
//! `serde_json::Value`); every converter, `==` and `Debug` are bounded.

mod bytes;
mod containers;
pub(crate) mod datetime;
mod from_python;
mod from_value;
pub(crate) mod int;
mod into_value;
mod scalars;
mod serde_bridge;
mod serde_de;
mod serde_ser;
mod to_python;
pub mod wire;

use std::fmt;

pub use self::bytes::{bytes, Bytes};
pub use self::datetime::{Date, DateTime, Time};
pub(crate) use self::from_python::via_host;
pub use self::from_python::FromPython;
pub use self::from_value::FromValue;
pub use self::int::Int;
pub use self::serde_bridge::Serde;
pub use self::to_python::ToPython;
use crate::refs::Ref;

/// A Python value held in Rust.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum Value {
    /// `None`.
    #[default]
    None,
    /// `True` / `False`.
    Bool(bool),
    /// An `int` of any size.
    Int(Int),
    /// A `float`, including `inf`, `-inf` and `nan`.
    Float(f64),
    /// A `str`.
    Str(String),
    /// `bytes`.
    Bytes(Bytes),
    /// A `list`.
    List(Vec<Value>),
    /// A `tuple`.
    Tuple(Vec<Value>),
    /// A `dict`, as its items in order. Keys may be any hashable value.
    Dict(Vec<(Value, Value)>),
    /// A `set`, as its elements in Python's iteration order (`==` ignores the order; the wire
    /// format writes them sorted).
    Set(Vec<Value>),
    /// A `frozenset`.
    FrozenSet(Vec<Value>),
    /// A `datetime.datetime`.
    DateTime(DateTime),
    /// A `datetime.date`.
    Date(Date),
    /// A `datetime.time`.
    Time(Time),
    /// A `complex`.
    Complex {
        /// The real part.
        re: f64,
        /// The imaginary part.
        im: f64,
    },
    /// A handle to a Python object that has no plain Rust form.
    Ref(Ref),
}

impl Value {
    /// The Python type name of the value (`"int"`, `"dict"`, …; the object's type for a ref).
    pub fn type_name(&self) -> &str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::Bytes(_) => "bytes",
            Value::List(_) => "list",
            Value::Tuple(_) => "tuple",
            Value::Dict(_) => "dict",
            Value::Set(_) => "set",
            Value::FrozenSet(_) => "frozenset",
            Value::DateTime(_) => "datetime",
            Value::Date(_) => "date",
            Value::Time(_) => "time",
            Value::Complex { .. } => "complex",
            Value::Ref(r) => r.type_name(),
        }
    }

    /// Converts into a Rust type; see [`FromValue`] for what converts to what.
    #[inline]
    pub fn extract<T: FromValue>(self) -> crate::Result<T> {
        T::from_value(self)
    }

    /// Whether this is `None`.
    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }

    /// The ref, if this is one.
    pub fn as_ref(&self) -> Option<&Ref> {
        match self {
            Value::Ref(r) => Some(r),
            _ => None,
        }
    }

    /// The string, if this is a `str`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The number as `f64`, if this is a `float`, or an `int` that fits exactly.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Float(f) => Some(*f),
            Value::Int(i) => i.as_i64().filter(|v| v.unsigned_abs() <= (1 << 53)).map(|v| v as f64),
            _ => None,
        }
    }

    /// The number as `i64`, if this is an `int` that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => i.as_i64(),
            _ => None,
        }
    }

    /// The value for `key` if this is a dict with a `str` key `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Dict(items) => items.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Builds a value from any `serde` type, with JSON's data model: maps become dicts,
    /// sequences lists, unit `None`. Pure Rust: no interpreter, no wire format.
    pub fn from_serde<T: serde::Serialize + ?Sized>(value: &T) -> crate::Result<Value> {
        serde_bridge::to_value(value)
    }

    /// Reads any `serde` type out of the value (the reverse of [`Value::from_serde`]). Pure Rust;
    /// a ref or a complex in the value is an [`Error::Conversion`](crate::Error::Conversion).
    pub fn to_serde<T: serde::de::DeserializeOwned>(&self) -> crate::Result<T> {
        serde_bridge::from_value(self)
    }
}

/// Floats compare equal when both are NaN, so that round trips can be checked with `==`; sets
/// compare regardless of order, as in Python. Iterative: any depth compares without recursion.
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        use Value::*;
        let mut pending = vec![(self, other)];
        while let Some(pair) = pending.pop() {
            let same = match pair {
                (None, None) => true,
                (Bool(a), Bool(b)) => a == b,
                (Int(a), Int(b)) => a == b,
                (Float(a), Float(b)) => same_float(*a, *b),
                (Str(a), Str(b)) => a == b,
                (Bytes(a), Bytes(b)) => a == b,
                (List(a), List(b)) | (Tuple(a), Tuple(b)) => {
                    pending.extend(a.iter().zip(b));
                    a.len() == b.len()
                }
                (Set(a), Set(b)) | (FrozenSet(a), FrozenSet(b)) => same_elements(a, b),
                (Dict(a), Dict(b)) => {
                    pending.extend(a.iter().zip(b).flat_map(|((ka, va), (kb, vb))| [(ka, kb), (va, vb)]));
                    a.len() == b.len()
                }
                (DateTime(a), DateTime(b)) => a == b,
                (Date(a), Date(b)) => a == b,
                (Time(a), Time(b)) => a == b,
                (Complex { re: a, im: b }, Complex { re: c, im: d }) => same_float(*a, *c) && same_float(*b, *d),
                (Ref(a), Ref(b)) => a == b,
                _ => false,
            };
            if !same {
                return false;
            }
        }
        true
    }
}

/// Set equality: the same elements in any order (compared by their canonical wire encoding).
fn same_elements(a: &[Value], b: &[Value]) -> bool {
    a.len() == b.len() && wire::sorted_keys(a).is_some_and(|ka| wire::sorted_keys(b).is_some_and(|kb| ka == kb))
}

fn same_float(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

/// At most 60 characters of `text`, with `...` when cut.
pub(crate) fn preview_text(text: &str) -> String {
    match text.char_indices().nth(57) {
        Some((cut, _)) if text.len() > 60 => format!("{}...", &text[..cut]),
        _ => text.to_owned(),
    }
}

thread_local! {
    /// How many containers the current `Debug` call is inside, to stop at the nesting limit.
    static DEBUG_DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts one container level for `Debug`; `None` beyond the nesting limit.
struct DebugLevel;

impl DebugLevel {
    fn enter() -> Option<DebugLevel> {
        DEBUG_DEPTH.with(|d| {
            (d.get() < snakebridge_meta::limits::MAX_NESTING_DEPTH).then(|| {
                d.set(d.get() + 1);
                DebugLevel
            })
        })
    }
}

impl Drop for DebugLevel {
    fn drop(&mut self) {
        DEBUG_DEPTH.with(|d| d.set(d.get() - 1));
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let container =
            matches!(self, Value::List(_) | Value::Tuple(_) | Value::Dict(_) | Value::Set(_) | Value::FrozenSet(_));
        let _level = match container {
            true => match DebugLevel::enter() {
                Some(level) => Some(level),
                Option::None => return f.write_str("..."),
            },
            false => Option::None,
        };
        match self {
            Value::None => f.write_str("None"),
            Value::Bool(b) => write!(f, "{}", if *b { "True" } else { "False" }),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x:?}"),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::Bytes(b) => write!(f, "{b:?}"),
            Value::List(items) => f.debug_list().entries(items).finish(),
            Value::Tuple(items) => {
                let mut t = f.debug_tuple("");
                for item in items {
                    t.field(item);
                }
                t.finish()
            }
            Value::Dict(items) => f.debug_map().entries(items.iter().map(|(k, v)| (k, v))).finish(),
            Value::Set(items) => f.debug_set().entries(items).finish(),
            Value::FrozenSet(items) => {
                f.write_str("frozenset(")?;
                f.debug_set().entries(items).finish()?;
                f.write_str(")")
            }
            Value::DateTime(d) => write!(f, "datetime({d})"),
            Value::Date(d) => write!(f, "date({d})"),
            Value::Time(t) => write!(f, "time({t})"),
            Value::Complex { re, im } => write!(f, "({re:?}{im:+?}j)"),
            Value::Ref(r) => write!(f, "{r:?}"),
        }
    }
}

/// The start of `v`'s `Debug` form, at most 60 characters; stops writing once it has them.
pub(crate) fn preview_value(v: &Value) -> String {
    struct Limited(String);
    impl fmt::Write for Limited {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.0.push_str(s);
            if self.0.len() > 64 {
                Err(fmt::Error)
            } else {
                Ok(())
            }
        }
    }
    let mut out = Limited(String::new());
    let _ = fmt::write(&mut out, format_args!("{v:?}"));
    preview_text(&out.0)
}
