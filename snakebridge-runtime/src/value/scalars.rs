//! The conversion table for scalars, both doors side by side: [`FromPython`] (straight from the
//! Python object, `call_as`) and [`FromValue`] (from a [`Value`], `extract`).
//!
//! A plain [`Value`] is what an exact builtin becomes, so for each type the `FromValue` arm of a
//! variant and the `FromPython` branch of the matching builtin apply the same rule (the shared
//! `*_rule` functions); any other object is a [`Value::Ref`], which `FromValue` hands to
//! `FromPython`. `tests/conversions.rs` checks the two agree over generated values.

use pyo3::exceptions::PyOverflowError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDate, PyDateTime, PyFloat, PyInt, PyString, PyTime};

use super::from_python::{date_fields, datetime_fields, describe, int_from_python, time_fields};
use super::from_value::{mismatch, via_python};
use super::{Bytes, Date, DateTime, FromPython, FromValue, Int, Time, Value};
use crate::error::{Error, Result};

fn wrong_type(expected: &str, obj: &Bound<'_, PyAny>) -> Error {
    Error::conversion(expected, describe(obj))
}

/// An int that does not fit the integer type `rust`.
fn out_of_range(rust: &str, i: &Int) -> Error {
    Error::Conversion {
        expected: format!("an int that fits {rust}"),
        found: format!("Python int {}", super::preview_text(&i.to_string())),
        hint: Some("extract a wider integer type, or `Int` for any size".into()),
    }
}

fn int_rule<T: TryFrom<i128> + TryFrom<u128>>(rust: &str, i: &Int) -> Result<T> {
    i.as_i128()
        .and_then(|v| T::try_from(v).ok())
        .or_else(|| i.as_u128().and_then(|v| T::try_from(v).ok()))
        .ok_or_else(|| out_of_range(rust, i))
}

/// 2⁵³: every int up to this size is exact in an `f64`; beyond, neighbours round together.
const F64_EXACT: u128 = 1 << 53;

fn int_to_f64_rule(rust: &str, i: &Int) -> Result<f64> {
    match i.as_i128() {
        Some(v) if v.unsigned_abs() <= F64_EXACT => Ok(v as f64),
        _ => Err(Error::Conversion {
            expected: format!("{rust} (an int converts when within ±2**53, where it is exact)"),
            found: format!("Python int {}", super::preview_text(&i.to_string())),
            hint: Some(
                "extract `Int` (any size) or an integer type, and convert it yourself if rounding is fine".into(),
            ),
        }),
    }
}

fn f32_rule(f: f64) -> Result<f32> {
    let narrow = f as f32;
    if f.is_nan() || narrow as f64 == f {
        Ok(narrow)
    } else {
        Err(Error::Conversion {
            expected: "f32 (a float that an f32 holds exactly)".into(),
            found: format!("Python float {f:?}"),
            hint: Some("extract f64, and narrow it with `as f32` if rounding is fine".into()),
        })
    }
}

impl FromValue for bool {
    #[inline]
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Bool(b) => Ok(b),
            Value::Ref(r) => via_python(&r),
            other => Err(mismatch("bool", &other)),
        }
    }
}

impl FromPython for bool {
    #[inline]
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        obj.extract::<bool>().map_err(|_| wrong_type("bool", obj))
    }
}

macro_rules! ints {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            #[inline]
            fn from_value(value: Value) -> Result<Self> {
                match value {
                    Value::Int(i) => int_rule(stringify!($t), &i),
                    Value::Ref(r) => via_python(&r),
                    other => Err(mismatch(stringify!($t), &other)),
                }
            }
        }

        impl FromPython for $t {
            #[inline]
            fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
                /// Anything but an exact `int` that fits, out of line.
                #[inline(never)]
                fn other(obj: &Bound<'_, PyAny>) -> Result<$t> {
                    // `bool` is an `int` subclass in Python, but `Value::Bool` is not an int.
                    if obj.is_instance_of::<PyBool>() {
                        return Err(wrong_type(stringify!($t), obj));
                    }
                    obj.extract::<$t>().map_err(|e| match e.is_instance_of::<PyOverflowError>(obj.py()) {
                        true => match index(obj) {
                            Ok(i) => out_of_range(stringify!($t), &i),
                            Err(e) => e,
                        },
                        false => wrong_type(stringify!($t), obj),
                    })
                }
                // The hot case, an exact `int` that fits, needs neither the bool check nor the
                // error's wording.
                if obj.is_exact_instance_of::<PyInt>() {
                    if let Ok(v) = obj.extract::<$t>() {
                        return Ok(v);
                    }
                }
                other(obj)
            }
        }
    )*};
}

ints!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

/// The exact int of an `int` or an object with `__index__` (an `IntEnum`, a numpy integer).
fn index(obj: &Bound<'_, PyAny>) -> Result<Int> {
    let py = obj.py();
    if obj.is_instance_of::<PyInt>() {
        return int_from_python(obj).map_err(|e| crate::error::py_err(py, e));
    }
    let int = obj.call_method0("__index__").map_err(|_| wrong_type("int", obj))?;
    int_from_python(&int).map_err(|e| crate::error::py_err(py, e))
}

impl FromValue for Int {
    #[inline]
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Int(i) => Ok(i),
            Value::Ref(r) => via_python(&r),
            other => Err(mismatch("int", &other)),
        }
    }
}

impl FromPython for Int {
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        if obj.is_instance_of::<PyBool>() {
            return Err(wrong_type("int", obj));
        }
        index(obj)
    }
}

impl FromValue for f64 {
    #[inline]
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Float(f) => Ok(f),
            other => f64_from_other_value(other),
        }
    }
}

/// [`f64`] from any [`Value`] but a float (out of line: the float case is the hot one).
#[inline(never)]
fn f64_from_other_value(value: Value) -> Result<f64> {
    match value {
        Value::Float(f) => Ok(f),
        Value::Int(i) => int_to_f64_rule("f64", &i),
        Value::Ref(r) => via_python(&r),
        other => Err(mismatch("f64", &other)),
    }
}

impl FromPython for f64 {
    #[inline]
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        if obj.is_exact_instance_of::<PyFloat>() {
            // SAFETY: an exact `float`, so the cast `PyFloat_AS_DOUBLE` makes is valid.
            return Ok(unsafe { pyo3::ffi::PyFloat_AS_DOUBLE(obj.as_ptr()) });
        }
        f64_from_other(obj)
    }
}

/// [`f64`] from anything but an exact `float` (kept out of line: the float case is the hot one).
#[inline(never)]
fn f64_from_other(obj: &Bound<'_, PyAny>) -> Result<f64> {
    if obj.is_instance_of::<PyBool>() {
        return Err(wrong_type("f64", obj));
    }
    // An int (or a numpy integer) converts only when exact, as `Value::Int` does.
    if !obj.is_instance_of::<PyFloat>() && (obj.is_instance_of::<PyInt>() || obj.hasattr("__index__").unwrap_or(false))
    {
        return int_to_f64_rule("f64", &index(obj)?);
    }
    obj.extract::<f64>().map_err(|_| wrong_type("f64", obj))
}

impl FromValue for f32 {
    #[inline]
    fn from_value(value: Value) -> Result<Self> {
        f32_rule(f64::from_value(value)?)
    }
}

impl FromPython for f32 {
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        f32_rule(f64::from_python(obj)?)
    }
}

impl FromValue for String {
    #[inline]
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Str(s) => Ok(s),
            Value::Ref(r) => via_python(&r),
            other => Err(mismatch("String", &other)),
        }
    }
}

impl FromPython for String {
    #[inline]
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        let s = obj.cast::<PyString>().map_err(|_| wrong_type("String", obj))?;
        match s.to_str() {
            Ok(text) => Ok(text.to_owned()),
            Err(_) => Err(unpaired_surrogate(s)),
        }
    }
}

/// A `str` with no UTF-8 form: say where, and how to read it anyway.
pub(crate) fn unpaired_surrogate(s: &Bound<'_, PyString>) -> Error {
    let at = s
        .to_string_lossy()
        .chars()
        .position(|c| c == char::REPLACEMENT_CHARACTER)
        .map(|i| format!(" at index {i}"))
        .unwrap_or_default();
    Error::Conversion {
        expected: "String (a str that is valid Unicode)".into(),
        found: format!("Python str with an unpaired surrogate{at}"),
        hint: Some("a Rust String must be valid UTF-8: read it as a `Ref`, or encode it in Python first (`s.encode('utf-8', 'surrogatepass')` gives bytes)".into()),
    }
}

impl FromValue for Bytes {
    #[inline]
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Bytes(b) => Ok(b),
            Value::Ref(r) => via_python(&r),
            other => Err(mismatch("bytes", &other)),
        }
    }
}

impl FromPython for Bytes {
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        match obj.cast::<PyBytes>() {
            Ok(b) => Ok(Bytes(b.as_bytes().to_vec())),
            Err(_) => Err(wrong_type("bytes", obj)),
        }
    }
}

impl FromValue for () {
    #[inline]
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::None => Ok(()),
            other => Err(mismatch("None", &other)),
        }
    }
}

impl FromPython for () {
    #[inline]
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        match obj.is_none() {
            true => Ok(()),
            false => Err(wrong_type("None", obj)),
        }
    }
}

macro_rules! datetimes {
    ($($t:ident => $name:literal, $py:ty, |$obj:ident| $fields:expr);*) => {$(
        impl FromValue for $t {
            #[inline]
            fn from_value(value: Value) -> Result<Self> {
                match value {
                    Value::$t(v) => Ok(v),
                    Value::Ref(r) => via_python(&r),
                    other => Err(mismatch($name, &other)),
                }
            }
        }

        impl FromPython for $t {
            fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
                let $obj = obj.cast::<$py>().map_err(|_| wrong_type($name, obj))?;
                let fields: Option<$t> = $fields;
                fields.ok_or_else(|| Error::Conversion {
                    expected: concat!($name, " (naive or with a fixed UTC offset)").into(),
                    found: describe(obj),
                    hint: Some("a named time zone or `fold` has no plain form: read it as a `Ref`".into()),
                })
            }
        }
    )*};
}
datetimes!(
    DateTime => "datetime", PyDateTime, |dt| datetime_fields(dt);
    // A datetime is a date subclass in Python; as `Value::DateTime` it is no `Date`.
    Date => "date", PyDate, |d| (!d.is_instance_of::<PyDateTime>()).then(|| date_fields(d));
    Time => "time", PyTime, |t| time_fields(t)
);
