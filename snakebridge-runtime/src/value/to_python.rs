//! Rust → Python, directly (no JSON on the in-process path).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBytes, PyComplex, PyDate, PyDateTime, PyDict, PyFrozenSet, PyList, PySet, PyTime, PyTuple, PyType, PyTzInfo,
};
use pyo3::IntoPyObjectExt;

use snakebridge_meta::limits::MAX_NESTING_DEPTH;

use super::{Bytes, Date, DateTime, Int, Time, Value};
use crate::error::{py_err, Error, Result};
use crate::refs::Ref;

/// Converts a Rust value into a Python object.
///
/// Implemented for numbers, strings, `bool`, `Option`, `Vec`/slices/arrays (→ `list`),
/// tuples (→ `tuple`), maps (→ `dict`), sets (→ `set`), [`Bytes`] (→ `bytes`), paths (→ `str`), [`Value`],
/// [`Ref`] (→ the object itself, checked against the current session) and [`Serde`](super::Serde)
/// for any `serde` type.
pub trait ToPython {
    /// Converts `self`.
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>>;
}

impl<T: ToPython + ?Sized> ToPython for &T {
    #[inline]
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        (**self).to_python(py)
    }
}

impl<T: ToPython + ?Sized> ToPython for Box<T> {
    #[inline]
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        (**self).to_python(py)
    }
}

macro_rules! via_pyo3 {
    ($($t:ty),*) => {$(
        impl ToPython for $t {
            #[inline]
            fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
                self.into_bound_py_any(py).map_err(|e| py_err(py, e))
            }
        }
    )*};
}
via_pyo3!(bool, i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64, str, String, char);

/// A path is a Python `str` (file names that are not UTF-8 decode as `os.fsdecode` does),
/// what `os.path`, `open` and every `StrPath` parameter take.
impl ToPython for std::path::Path {
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        self.as_os_str().into_bound_py_any(py).map_err(|e| py_err(py, e))
    }
}

impl ToPython for std::path::PathBuf {
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        self.as_path().to_python(py)
    }
}

impl ToPython for () {
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        Ok(py.None().into_bound(py))
    }
}

impl<T: ToPython> ToPython for Option<T> {
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        match self {
            Some(v) => v.to_python(py),
            None => Ok(py.None().into_bound(py)),
        }
    }
}

fn list<'py, T: ToPython>(py: Python<'py>, items: &[T]) -> Result<Bound<'py, PyAny>> {
    let converted = items.iter().map(|i| i.to_python(py)).collect::<Result<Vec<_>>>()?;
    Ok(PyList::new(py, converted).map_err(|e| py_err(py, e))?.into_any())
}

impl<T: ToPython> ToPython for [T] {
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        list(py, self)
    }
}

impl<T: ToPython> ToPython for Vec<T> {
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        list(py, self)
    }
}

impl<T: ToPython, const N: usize> ToPython for [T; N] {
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        list(py, self)
    }
}

fn dict<'py, K: ToPython, V: ToPython>(
    py: Python<'py>,
    items: impl Iterator<Item = (K, V)>,
) -> Result<Bound<'py, PyAny>> {
    let d = PyDict::new(py);
    for (k, v) in items {
        d.set_item(k.to_python(py)?, v.to_python(py)?).map_err(|e| py_err(py, e))?;
    }
    Ok(d.into_any())
}

impl<K: ToPython, V: ToPython, S> ToPython for HashMap<K, V, S> {
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        dict(py, self.iter())
    }
}

impl<K: ToPython, V: ToPython> ToPython for BTreeMap<K, V> {
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        dict(py, self.iter())
    }
}

fn set<'py, T: ToPython>(py: Python<'py>, items: impl Iterator<Item = T>) -> Result<Bound<'py, PyAny>> {
    let s = PySet::empty(py).map_err(|e| py_err(py, e))?;
    for item in items {
        s.add(item.to_python(py)?).map_err(|e| py_err(py, e))?;
    }
    Ok(s.into_any())
}

impl<T: ToPython, S> ToPython for HashSet<T, S> {
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        set(py, self.iter())
    }
}

impl<T: ToPython> ToPython for BTreeSet<T> {
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        set(py, self.iter())
    }
}

macro_rules! tuple_to_python {
    ($($T:ident $i:tt),+) => {
        impl<$($T: ToPython),+> ToPython for ($($T,)+) {
            fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
                let items = [$(self.$i.to_python(py)?),+];
                Ok(PyTuple::new(py, items).map_err(|e| py_err(py, e))?.into_any())
            }
        }
    };
}
tuple_to_python!(A 0);
tuple_to_python!(A 0, B 1);
tuple_to_python!(A 0, B 1, C 2);
tuple_to_python!(A 0, B 1, C 2, D 3);
tuple_to_python!(A 0, B 1, C 2, D 3, E 4);
tuple_to_python!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_to_python!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_to_python!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
tuple_to_python!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
tuple_to_python!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
tuple_to_python!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
tuple_to_python!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);

impl ToPython for Bytes {
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        Ok(PyBytes::new(py, &self.0).into_any())
    }
}

impl ToPython for Int {
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        super::from_python::int_to_python(py, self)
    }
}

impl ToPython for Ref {
    #[inline]
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        self.bind(py)
    }
}

fn tzinfo<'py>(py: Python<'py>, offset: Option<i32>) -> Result<Option<Bound<'py, PyTzInfo>>> {
    let Some(secs) = offset else { return Ok(None) };
    let delta = std::time::Duration::from_secs(secs.unsigned_abs() as u64);
    let tz = if secs >= 0 {
        PyTzInfo::fixed_offset(py, delta)
    } else {
        static TIMEDELTA: PyOnceLock<Py<PyType>> = PyOnceLock::new();
        TIMEDELTA
            .import(py, "datetime", "timedelta")
            .and_then(|td| td.call1((0, secs)))
            .and_then(|d| d.cast_into::<pyo3::types::PyDelta>().map_err(Into::into))
            .and_then(|d| PyTzInfo::fixed_offset(py, d))
    };
    tz.map(Some).map_err(|e| py_err(py, e))
}

impl ToPython for Date {
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        PyDate::new(py, self.year, self.month, self.day).map(Bound::into_any).map_err(|e| py_err(py, e))
    }
}

impl ToPython for Time {
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        let tz = tzinfo(py, self.utc_offset)?;
        PyTime::new(py, self.hour, self.minute, self.second, self.microsecond, tz.as_ref())
            .map(Bound::into_any)
            .map_err(|e| py_err(py, e))
    }
}

impl ToPython for DateTime {
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        let (d, t) = (&self.date, &self.time);
        let tz = tzinfo(py, t.utc_offset)?;
        PyDateTime::new(py, d.year, d.month, d.day, t.hour, t.minute, t.second, t.microsecond, tz.as_ref())
            .map(Bound::into_any)
            .map_err(|e| py_err(py, e))
    }
}

impl ToPython for Value {
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        value_to_python(py, self, 0)
    }
}

/// `value`, which sits inside `depth` containers, as a Python object.
///
/// Plain loops rather than iterator chains: each nesting level costs one small frame, so the
/// nesting limit stays far from a 2 MiB stack even in debug builds.
fn value_to_python<'py>(py: Python<'py>, value: &Value, depth: usize) -> Result<Bound<'py, PyAny>> {
    let items = match value {
        Value::List(v) | Value::Tuple(v) | Value::Set(v) | Value::FrozenSet(v) => v,
        Value::Dict(pairs) => return dict_to_python(py, value, pairs, depth),
        Value::Int(i) => return i.to_python(py),
        Value::DateTime(d) => return d.to_python(py),
        Value::Date(d) => return d.to_python(py),
        Value::Time(t) => return t.to_python(py),
        Value::Ref(r) => return r.to_python(py),
        other => return scalar_to_python(py, other),
    };
    if depth >= MAX_NESTING_DEPTH {
        return Err(too_deep(value));
    }
    let mut converted = Vec::with_capacity(items.len());
    for item in items {
        converted.push(value_to_python(py, item, depth + 1)?);
    }
    let err = |e| py_err(py, e);
    Ok(match value {
        Value::List(_) => PyList::new(py, converted).map_err(err)?.into_any(),
        Value::Tuple(_) => PyTuple::new(py, converted).map_err(err)?.into_any(),
        Value::Set(_) => PySet::new(py, converted).map_err(err)?.into_any(),
        _ => PyFrozenSet::new(py, converted).map_err(err)?.into_any(),
    })
}

fn dict_to_python<'py>(
    py: Python<'py>,
    value: &Value,
    pairs: &[(Value, Value)],
    depth: usize,
) -> Result<Bound<'py, PyAny>> {
    if depth >= MAX_NESTING_DEPTH {
        return Err(too_deep(value));
    }
    let d = PyDict::new(py);
    for (k, v) in pairs {
        let k = value_to_python(py, k, depth + 1)?;
        let v = value_to_python(py, v, depth + 1)?;
        d.set_item(k, v).map_err(|e| py_err(py, e))?;
    }
    Ok(d.into_any())
}

#[inline(never)]
fn scalar_to_python<'py>(py: Python<'py>, value: &Value) -> Result<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Bool(b) => b.to_python(py)?,
        Value::Float(f) => f.to_python(py)?,
        Value::Str(s) => s.to_python(py)?,
        Value::Bytes(b) => b.to_python(py)?,
        Value::Complex { re, im } => PyComplex::from_doubles(py, *re, *im).into_any(),
        _ => py.None().into_bound(py),
    })
}

fn too_deep(value: &Value) -> Error {
    Error::Conversion {
        expected: format!("a Value with containers nested at most {MAX_NESTING_DEPTH} deep"),
        found: format!("a {} nested deeper", value.type_name()),
        hint: Some("flatten the data, or build the structure in Python".into()),
    }
}
