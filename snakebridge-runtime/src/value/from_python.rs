//! Python → [`Value`]: lossless conversion, else a [`Ref`] to the whole object.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyBytes, PyComplex, PyDate, PyDateAccess, PyDateTime, PyDict, PyFloat, PyFrozenSet, PyInt, PyList, PySet,
    PyString, PyTime, PyTimeAccess, PyTuple, PyType, PyTzInfo, PyTzInfoAccess,
};
use snakebridge_meta::limits::MAX_NESTING_DEPTH;

use super::{Bytes, Date, DateTime, Int, Time, ToPython, Value};
use crate::error::{py_err, Error, Result};
use crate::refs::Ref;
use crate::session::effective_session_id;

/// Converts a Python object into a Rust type: the Python → Rust conversion table.
///
/// Every Rust type converts by the same rules whether it is read straight from Python
/// (`call_as::<T>`) or from a [`Value`] first (`call(..)?.extract::<T>()`, [`FromValue`]):
/// the table is in the [`FromValue`] docs. For [`Value`] itself the conversion is lossless
/// or the object comes back as one [`Ref`].
///
/// [`FromValue`]: super::FromValue
pub trait FromPython: Sized {
    /// Converts `obj`.
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self>;

    /// Converts a value that came back from an out-of-process backend (workers, a test
    /// double). The default goes through an object of this process's interpreter, so that
    /// every type converts by the one table above; `Value` and `Ref` take the value as it is.
    #[doc(hidden)]
    fn from_remote(value: Value) -> Result<Self> {
        via_host(value)
    }
}

/// `value` converted to `T` through an object of this process's interpreter: the one
/// conversion table, for values that came from out of process.
pub(crate) fn via_host<T: FromPython>(value: Value) -> Result<T> {
    crate::interpreter::with_gil(|py| T::from_python(&value.to_python(py)?))
}

/// Why a Python object has no plain [`Value`].
pub(crate) enum NotPlain {
    /// Some part is not an exact builtin (or has no lossless form): it stays a ref.
    Object,
    /// Containers nest deeper than [`MAX_NESTING_DEPTH`] (or form a cycle).
    TooDeep,
}

impl NotPlain {
    /// The error for a converter that needs plain data (`Serde`, `Date`, …).
    pub(crate) fn into_error(self, expected: &str, obj: &Bound<'_, PyAny>) -> Error {
        match self {
            NotPlain::TooDeep => too_deep_python(obj),
            NotPlain::Object => Error::Conversion {
                expected: expected.into(),
                found: describe(obj),
                hint: Some("it holds a Python object with no plain value; read it as a `Ref` instead".into()),
            },
        }
    }
}

/// `Python <type> <repr>`, shortened, for error messages.
pub(crate) fn describe(obj: &Bound<'_, PyAny>) -> String {
    let ty = obj.get_type().qualname().map(|s| s.to_string()).unwrap_or_else(|_| "object".into());
    // A repr of a deep or huge object is itself expensive and unbounded: keep it to containers' type.
    let preview =
        match obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyDict>() || obj.is_instance_of::<PyTuple>() {
            true => String::new(),
            false => obj.repr().map(|r| format!(" {}", super::preview_text(&r.to_string_lossy()))).unwrap_or_default(),
        };
    format!("Python {ty}{preview}")
}

pub(crate) fn too_deep_python(obj: &Bound<'_, PyAny>) -> Error {
    Error::Conversion {
        expected: format!("containers nested at most {MAX_NESTING_DEPTH} deep"),
        found: format!("{} nested deeper (or containing itself)", describe(obj)),
        hint: Some("read it as a `Ref` (`call_as::<Ref>`) and walk it in Python, or flatten it".into()),
    }
}

impl FromPython for Value {
    #[inline]
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        if obj.is_exact_instance_of::<PyFloat>() {
            // SAFETY: an exact `float`. The commonest result, converted without the walk below.
            return Ok(Value::Float(unsafe { pyo3::ffi::PyFloat_AS_DOUBLE(obj.as_ptr()) }));
        }
        match value_from_python(obj, 0) {
            Ok(v) => Ok(v),
            Err(NotPlain::Object) => Ok(Value::Ref(Ref::from_python(obj)?)),
            Err(NotPlain::TooDeep) => Err(too_deep_python(obj)),
        }
    }

    fn from_remote(value: Value) -> Result<Self> {
        Ok(value)
    }
}

impl FromPython for Ref {
    #[inline]
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        // The stand-in of a worker's object converts back to its ref, never to a ref of the marker.
        if let Some(r) = crate::backend::worker::unmark(obj) {
            return Ok(r);
        }
        Ok(Ref::register(obj, effective_session_id()))
    }

    fn from_remote(value: Value) -> Result<Self> {
        <Ref as super::FromValue>::from_value(value)
    }
}

/// The lossless [`Value`] of `obj`, which sits inside `depth` containers.
pub(crate) fn value_from_python(obj: &Bound<'_, PyAny>, depth: usize) -> std::result::Result<Value, NotPlain> {
    use NotPlain::Object;
    if obj.is_none() {
        return Ok(Value::None);
    }
    if obj.is_exact_instance_of::<PyFloat>() {
        return obj.extract::<f64>().map(Value::Float).map_err(|_| Object);
    }
    if obj.is_exact_instance_of::<PyBool>() {
        return Ok(Value::Bool(obj.is_truthy().map_err(|_| Object)?));
    }
    if obj.is_exact_instance_of::<PyInt>() {
        return int_from_python(obj).map(Value::Int).map_err(|_| Object);
    }
    if let Ok(s) = obj.cast_exact::<PyString>() {
        // A str with lone surrogates has no UTF-8 form: keep it as a ref.
        return s.to_str().map(|s| Value::Str(s.to_owned())).map_err(|_| Object);
    }
    if let Ok(b) = obj.cast_exact::<PyBytes>() {
        return Ok(Value::Bytes(Bytes(b.as_bytes().to_vec())));
    }
    let inner = depth + 1;
    let items = |iter: &mut dyn Iterator<Item = Bound<'_, PyAny>>| -> std::result::Result<Vec<Value>, NotPlain> {
        iter.map(|item| value_from_python(&item, inner)).collect()
    };
    let container = obj.is_exact_instance_of::<PyList>()
        || obj.is_exact_instance_of::<PyTuple>()
        || obj.is_exact_instance_of::<PyDict>()
        || obj.is_exact_instance_of::<PySet>()
        || obj.is_exact_instance_of::<PyFrozenSet>();
    if container && inner > MAX_NESTING_DEPTH {
        return Err(NotPlain::TooDeep);
    }
    if let Ok(list) = obj.cast_exact::<PyList>() {
        return items(&mut list.iter()).map(Value::List);
    }
    if let Ok(tuple) = obj.cast_exact::<PyTuple>() {
        return items(&mut tuple.iter()).map(Value::Tuple);
    }
    if let Ok(dict) = obj.cast_exact::<PyDict>() {
        return dict
            .iter()
            .map(|(k, v)| Ok((value_from_python(&k, inner)?, value_from_python(&v, inner)?)))
            .collect::<std::result::Result<_, _>>()
            .map(Value::Dict);
    }
    if let Ok(set) = obj.cast_exact::<PySet>() {
        return items(&mut set.iter()).map(Value::Set);
    }
    if let Ok(set) = obj.cast_exact::<PyFrozenSet>() {
        return items(&mut set.iter()).map(Value::FrozenSet);
    }
    if let Ok(c) = obj.cast_exact::<PyComplex>() {
        return Ok(Value::Complex { re: c.real(), im: c.imag() });
    }
    if let Ok(dt) = obj.cast_exact::<PyDateTime>() {
        return datetime_fields(dt).map(Value::DateTime).ok_or(Object);
    }
    if let Ok(d) = obj.cast_exact::<PyDate>() {
        return Ok(Value::Date(date_fields(d)));
    }
    if let Ok(t) = obj.cast_exact::<PyTime>() {
        return time_fields(t).map(Value::Time).ok_or(Object);
    }
    Err(Object)
}

/// The exact value of a Python `int` (or an `int` subclass), at any size.
///
/// Ints beyond 64 bits cross as their magnitude's bytes (`int.to_bytes`), never through
/// `str()`, which CPython refuses beyond 4,300 digits.
pub(crate) fn int_from_python(obj: &Bound<'_, PyAny>) -> PyResult<Int> {
    if let Ok(v) = obj.extract::<i64>() {
        return Ok(Int::from(v));
    }
    let negative = obj.lt(0)?;
    let magnitude = obj.abs()?;
    let bits: usize = magnitude.call_method0("bit_length")?.extract()?;
    let bytes = magnitude.call_method1("to_bytes", (bits.div_ceil(8), "little"))?;
    Ok(Int::from_magnitude_le_bytes(negative, bytes.cast::<PyBytes>()?.as_bytes()))
}

/// The Python `int` of `i`, at any size (`int.from_bytes` beyond 64 bits).
pub(crate) fn int_to_python<'py>(py: Python<'py>, i: &Int) -> Result<Bound<'py, PyAny>> {
    use pyo3::IntoPyObjectExt;
    if let Some(v) = i.as_i64() {
        return v.into_bound_py_any(py).map_err(|e| py_err(py, e));
    }
    let bytes = PyBytes::new(py, &i.magnitude_le_bytes());
    let magnitude = py.get_type::<PyInt>().call_method1("from_bytes", (bytes, "little")).map_err(|e| py_err(py, e))?;
    match i.is_negative() {
        true => magnitude.neg().map_err(|e| py_err(py, e)),
        false => Ok(magnitude),
    }
}

pub(crate) fn date_fields(d: &Bound<'_, PyDate>) -> Date {
    Date { year: d.get_year(), month: d.get_month(), day: d.get_day() }
}

/// The fields of a datetime, if its tzinfo has a lossless form (see [`fixed_offset`]).
pub(crate) fn datetime_fields(dt: &Bound<'_, PyDateTime>) -> Option<DateTime> {
    if dt.get_fold() {
        return None;
    }
    let date = Date { year: dt.get_year(), month: dt.get_month(), day: dt.get_day() };
    let utc_offset = fixed_offset(dt.py(), dt.get_tzinfo(), || dt.call_method0("utcoffset"))?;
    let time = Time {
        hour: dt.get_hour(),
        minute: dt.get_minute(),
        second: dt.get_second(),
        microsecond: dt.get_microsecond(),
        utc_offset,
    };
    Some(DateTime { date, time })
}

pub(crate) fn time_fields(t: &Bound<'_, PyTime>) -> Option<Time> {
    if t.get_fold() {
        return None;
    }
    let utc_offset = fixed_offset(t.py(), t.get_tzinfo(), || t.call_method0("utcoffset"))?;
    Some(Time {
        hour: t.get_hour(),
        minute: t.get_minute(),
        second: t.get_second(),
        microsecond: t.get_microsecond(),
        utc_offset,
    })
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
