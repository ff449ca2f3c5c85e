//! [`Value`] → Rust types.

use super::{FromPython, ToPython, Value};
use crate::error::{Error, Result};
use crate::refs::Ref;

/// Converts a [`Value`] into a Rust type, failing with [`Error::Conversion`] on a mismatch.
///
/// This is the same table as [`FromPython`] (which every `FromValue` type also implements):
/// `call_as::<T>(..)` and `call(..)?.extract::<T>()` give the same value or the same error. A
/// plain value converts by the rules below; a [`Value::Ref`] (any object that is not an exact
/// builtin: a subclass, a numpy scalar, a `range`) converts through [`FromPython`] on its object.
///
/// | Rust | from | never from |
/// |---|---|---|
/// | `i8` … `u128`, `isize`, `usize` | an `int` that fits; an object with `__index__` | `bool`, `float` |
/// | [`Int`](super::Int) | any `int`, any size | `bool` |
/// | `f64` | a `float`; an `int` within ±2⁵³ (exact); a `float` subclass or `__float__` object | `bool`, a larger `int` |
/// | `f32` | what `f64` takes, when an `f32` holds it exactly (or it is NaN) | `0.1` (lossy) |
/// | `bool` | `True`/`False` (and `numpy.bool_`) | `int` |
/// | `String` | a `str` that is valid Unicode | lone surrogates |
/// | [`Bytes`](super::Bytes) | `bytes` | `bytearray`, `str` |
/// | `()` | `None` | |
/// | `Option<T>` | `None`, or what `T` takes | |
/// | `Vec<T>`, `HashSet<T>`, `BTreeSet<T>` | any iterable but `str` and `dict`: list, tuple, set, frozenset, `bytes` (as ints), range, … | `str`, `dict` |
/// | tuples up to 12 | a tuple or list of exactly that length | |
/// | `HashMap<K, V>`, `BTreeMap<K, V>` | a `dict` (or subclass) | |
/// | [`Date`](super::Date), [`Time`](super::Time), [`DateTime`](super::DateTime) | naive or with a fixed offset | a named zone, `fold=1`; a `datetime` as `Date` |
/// | [`Serde<T>`](super::Serde) | plain data that `T` deserializes from | refs |
/// | [`Ref`] | anything (a plain value becomes a new object equal to it) | |
/// | [`Value`] | anything | |
///
/// Anything lossy is an error on both paths, naming the Rust type and the Python one.
pub trait FromValue: FromPython {
    /// Converts `value`.
    fn from_value(value: Value) -> Result<Self>;
}

pub(super) fn mismatch(expected: &str, found: &Value) -> Error {
    Error::conversion(expected, format!("Python {} {}", found.type_name(), preview(found)))
}

fn preview(v: &Value) -> String {
    super::preview_value(v)
}

/// Converts the object behind a ref with Python's own protocols.
pub(super) fn via_python<T: FromPython>(r: &Ref) -> Result<T> {
    crate::interpreter::with_gil(|py| T::from_python(&r.bind(py)?))
}

impl FromValue for Value {
    fn from_value(value: Value) -> Result<Self> {
        Ok(value)
    }
}

impl FromValue for Ref {
    /// A ref is itself; a plain value becomes a new Python object equal to it, as
    /// `call_as::<Ref>` gives a ref to whatever the call returned.
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Ref(r) => Ok(r),
            other => crate::interpreter::with_gil(|py| Ref::from_python(&other.to_python(py)?)),
        }
    }
}
