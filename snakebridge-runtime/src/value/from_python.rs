//! Python → Rust: lossless conversion to [`Value`], else a [`Ref`] to the whole object.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyBytes, PyComplex, PyDate, PyDateAccess, PyDateTime, PyDict, PyFloat, PyFrozenSet, PyInt, PyList, PySet,
    PyString, PyTime, PyTimeAccess, PyTuple, PyType, PyTzInfo, PyTzInfoAccess,
};

use super::{Bytes, Date, DateTime, Int, Time, Value};
use crate::error::{py_err, Error, Result};
use crate::refs::Ref;
use crate::session::effective_session_id;

/// Deeper nesting than this (or a cycle) is kept as a ref rather than converted.
const MAX_DEPTH: usize = 256;

/// Converts a Python object into a Rust type.
///
/// For [`Value`] the conversion is lossless or the object comes back as one [`Ref`]; for
/// plain Rust types a Python value of the wrong type is [`Error::Conversion`].
pub trait FromPython: Sized {
    /// Converts `obj`.
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self>;
}

impl FromPython for Value {
    #[inline]
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        Ok(match value_from_python(obj, 0) {
            Some(v) => v,
            None => Value::Ref(Ref::register(obj, effective_session_id())),
        })
    }
}

impl FromPython for Ref {
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        Ok(Ref::register(obj, effective_session_id()))
    }
}

/// The lossless [`Value`] of `obj`, or `None` when some part of it has no exact form.
pub(crate) fn value_from_python(obj: &Bound<'_, PyAny>, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    let py = obj.py();
    if obj.is_none() {
        return Some(Value::None);
    }
    if obj.is_exact_instance_of::<PyFloat>() {
        return obj.extract::<f64>().ok().map(Value::Float);
    }
    if obj.is_exact_instance_of::<PyBool>() {
        return Some(Value::Bool(obj.is_truthy().ok()?));
    }
    if obj.is_exact_instance_of::<PyInt>() {
        return Some(Value::Int(match obj.extract::<i64>() {
            Ok(v) => Int::from(v),
            Err(_) => obj.str().ok()?.to_str().ok()?.parse().ok()?,
        }));
    }
    if let Ok(s) = obj.cast_exact::<PyString>() {
        // A str with lone surrogates has no UTF-8 form: keep it as a ref.
        return s.to_str().ok().map(|s| Value::Str(s.to_owned()));
    }
    if let Ok(b) = obj.cast_exact::<PyBytes>() {
        return Some(Value::Bytes(Bytes(b.as_bytes().to_vec())));
    }
    if let Ok(list) = obj.cast_exact::<PyList>() {
        return list.iter().map(|item| value_from_python(&item, depth + 1)).collect::<Option<_>>().map(Value::List);
    }
    if let Ok(tuple) = obj.cast_exact::<PyTuple>() {
        return tuple.iter().map(|item| value_from_python(&item, depth + 1)).collect::<Option<_>>().map(Value::Tuple);
    }
    if let Ok(dict) = obj.cast_exact::<PyDict>() {
        return dict
            .iter()
            .map(|(k, v)| Some((value_from_python(&k, depth + 1)?, value_from_python(&v, depth + 1)?)))
            .collect::<Option<_>>()
            .map(Value::Dict);
    }
    if let Ok(set) = obj.cast_exact::<PySet>() {
        return set.iter().map(|item| value_from_python(&item, depth + 1)).collect::<Option<_>>().map(Value::Set);
    }
    if let Ok(set) = obj.cast_exact::<PyFrozenSet>() {
        return set.iter().map(|item| value_from_python(&item, depth + 1)).collect::<Option<_>>().map(Value::FrozenSet);
    }
    if let Ok(c) = obj.cast_exact::<PyComplex>() {
        return Some(Value::Complex { re: c.real(), im: c.imag() });
    }
    if let Ok(dt) = obj.cast_exact::<PyDateTime>() {
        if dt.get_fold() {
            return None;
        }
        let date = Date { year: dt.get_year(), month: dt.get_month(), day: dt.get_day() };
        let utc_offset = fixed_offset(py, dt.get_tzinfo(), || dt.call_method0("utcoffset"))?;
        let time = Time {
            hour: dt.get_hour(),
            minute: dt.get_minute(),
            second: dt.get_second(),
            microsecond: dt.get_microsecond(),
            utc_offset,
        };
        return Some(Value::DateTime(DateTime { date, time }));
    }
    if let Ok(d) = obj.cast_exact::<PyDate>() {
        return Some(Value::Date(Date { year: d.get_year(), month: d.get_month(), day: d.get_day() }));
    }
    if let Ok(t) = obj.cast_exact::<PyTime>() {
        if t.get_fold() {
            return None;
        }
        let utc_offset = fixed_offset(py, t.get_tzinfo(), || t.call_method0("utcoffset"))?;
        return Some(Value::Time(Time {
            hour: t.get_hour(),
            minute: t.get_minute(),
            second: t.get_second(),
            microsecond: t.get_microsecond(),
            utc_offset,
        }));
    }
    None
}

/// `Some(None)` for naive, `Some(Some(secs))` for a plain `datetime.timezone` offset, `None`
/// (not lossless) for any other tzinfo (a named zone would lose its rules).
fn fixed_offset<'py>(
    py: Python<'py>,
    tz: Option<Bound<'py, PyTzInfo>>,
    utcoffset: impl FnOnce() -> PyResult<Bound<'py, PyAny>>,
) -> Option<Option<i32>> {
    let Some(tz) = tz else { return Some(None) };
    static TIMEZONE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let timezone = TIMEZONE.import(py, "datetime", "timezone").ok()?;
    if !tz.get_type().is(timezone) {
        return None;
    }
    let delta = utcoffset().ok()?;
    let secs: f64 = delta.call_method0("total_seconds").ok()?.extract().ok()?;
    if secs.fract() != 0.0 {
        return None;
    }
    // A custom name (`timezone(offset, "EST")`) would be lost.
    let default_name = timezone.call1((delta,)).ok()?;
    if !tz.eq(&default_name).ok()? || tz.repr().ok()?.to_str().ok()? != default_name.repr().ok()?.to_str().ok()? {
        return None;
    }
    Some(Some(secs as i32))
}

fn wrong_type(expected: &str, obj: &Bound<'_, PyAny>) -> Error {
    let found = obj.get_type().qualname().map(|s| s.to_string()).unwrap_or_else(|_| "object".into());
    Error::conversion(expected, format!("Python {found}"))
}

macro_rules! via_extract {
    ($($t:ty => $name:literal),* $(,)?) => {$(
        impl FromPython for $t {
            #[inline]
            fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
                obj.extract::<$t>().map_err(|e| match e.is_instance_of::<pyo3::exceptions::PyOverflowError>(obj.py()) {
                    true => Error::conversion(concat!($name, " in range"), format!("{}", obj)),
                    false => wrong_type($name, obj),
                })
            }
        }
    )*};
}
via_extract!(
    bool => "bool", i8 => "i8", i16 => "i16", i32 => "i32", i64 => "i64", i128 => "i128", isize => "isize",
    u8 => "u8", u16 => "u16", u32 => "u32", u64 => "u64", u128 => "u128", usize => "usize",
    f32 => "f32", f64 => "f64", String => "str",
);

impl FromPython for () {
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        if obj.is_none() {
            Ok(())
        } else {
            Err(wrong_type("None", obj))
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

impl<T: FromPython> FromPython for Option<T> {
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        if obj.is_none() {
            Ok(None)
        } else {
            T::from_python(obj).map(Some)
        }
    }
}

impl<T: FromPython> FromPython for Vec<T> {
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyDict>() {
            return Err(wrong_type("a sequence", obj));
        }
        let iter = obj.try_iter().map_err(|_| wrong_type("an iterable", obj))?;
        iter.map(|item| T::from_python(&item.map_err(|e| py_err(obj.py(), e))?)).collect()
    }
}

impl<K: FromPython + Eq + Hash, V: FromPython, S: BuildHasher + Default> FromPython for HashMap<K, V, S> {
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        let dict = obj.cast::<PyDict>().map_err(|_| wrong_type("dict", obj))?;
        dict.iter().map(|(k, v)| Ok((K::from_python(&k)?, V::from_python(&v)?))).collect()
    }
}

impl<K: FromPython + Ord, V: FromPython> FromPython for BTreeMap<K, V> {
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        let dict = obj.cast::<PyDict>().map_err(|_| wrong_type("dict", obj))?;
        dict.iter().map(|(k, v)| Ok((K::from_python(&k)?, V::from_python(&v)?))).collect()
    }
}

macro_rules! tuple_from_python {
    ($($n:literal: $($T:ident $i:tt),+;)*) => {$(
        impl<$($T: FromPython),+> FromPython for ($($T,)+) {
            fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
                let t = obj.cast::<PyTuple>().map_err(|_| wrong_type(concat!("a tuple of ", $n), obj))?;
                if t.len() != $n {
                    return Err(Error::conversion(concat!("a tuple of ", $n), format!("a tuple of {}", t.len())));
                }
                Ok(($($T::from_python(&t.get_item($i).map_err(|e| py_err(obj.py(), e))?)?,)+))
            }
        }
    )*};
}
tuple_from_python! {
    1: A 0;
    2: A 0, B 1;
    3: A 0, B 1, C 2;
    4: A 0, B 1, C 2, D 3;
    5: A 0, B 1, C 2, D 3, E 4;
    6: A 0, B 1, C 2, D 3, E 4, F 5;
}
