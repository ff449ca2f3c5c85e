//! Python protocols on [`Ref`]: `str`/`repr`, `len`, iteration, item access, `in`,
//! equality, hashing and calling.
//!
//! `Display` shows `str(obj)`. `Debug` stays the handle's own description (type, id,
//! session), which never calls Python — safe in panics, logs and `Value`'s `Debug`; use
//! [`Ref::repr`] for `repr(obj)`. `==` on refs compares handles (the same registered
//! object); [`Ref::py_eq`] asks Python's `==`.

use std::fmt;

use pyo3::prelude::*;

use crate::call::{call_ref, IntoArgs};
use crate::error::{py_err, Result};
use crate::interpreter::with_gil;
use crate::refs::Ref;
use crate::stream::StreamRef;
use crate::value::{FromPython, ToPython, Value};

impl Ref {
    fn with_object<R>(&self, f: impl for<'py> FnOnce(&Bound<'py, PyAny>) -> PyResult<R>) -> Result<R> {
        with_gil(|py| {
            let obj = self.bind(py)?;
            f(&obj).map_err(|e| py_err(py, e))
        })
    }

    /// `str(obj)`; text with an unpaired surrogate (no UTF-8 form) is an `Error::Conversion`,
    /// never silently replaced.
    pub fn str(&self) -> Result<String> {
        with_gil(|py| {
            let text = self.bind(py)?.str().map_err(|e| py_err(py, e))?;
            String::from_python(text.as_any())
        })
    }

    /// `repr(obj)`.
    pub fn repr(&self) -> Result<String> {
        self.with_object(|o| o.repr().map(|s| s.to_string()))
    }

    /// `len(obj)`; a Python `TypeError` when the object has no length.
    pub fn len(&self) -> Result<usize> {
        self.with_object(|o| o.len())
    }

    /// `len(obj) == 0`.
    pub fn is_empty(&self) -> Result<bool> {
        self.len().map(|n| n == 0)
    }

    /// `obj[key]`.
    pub fn get_item(&self, key: impl ToPython) -> Result<Value> {
        self.get_item_as(key)
    }

    /// `obj[key]`, converted to `R` straight from Python.
    pub fn get_item_as<R: FromPython>(&self, key: impl ToPython) -> Result<R> {
        with_gil(|py| {
            let obj = self.bind(py)?;
            let item = obj.get_item(key.to_python(py)?).map_err(|e| py_err(py, e))?;
            R::from_python(&item)
        })
    }

    /// `obj[key] = value`.
    pub fn set_item(&self, key: impl ToPython, value: impl ToPython) -> Result<()> {
        with_gil(|py| {
            let obj = self.bind(py)?;
            obj.set_item(key.to_python(py)?, value.to_python(py)?).map_err(|e| py_err(py, e))
        })
    }

    /// `del obj[key]`.
    pub fn del_item(&self, key: impl ToPython) -> Result<()> {
        with_gil(|py| {
            let obj = self.bind(py)?;
            obj.del_item(key.to_python(py)?).map_err(|e| py_err(py, e))
        })
    }

    /// `item in obj`.
    pub fn contains(&self, item: impl ToPython) -> Result<bool> {
        with_gil(|py| {
            let obj = self.bind(py)?;
            obj.contains(item.to_python(py)?).map_err(|e| py_err(py, e))
        })
    }

    /// `obj == other`, as Python decides (`__eq__`).
    pub fn py_eq(&self, other: impl ToPython) -> Result<bool> {
        with_gil(|py| {
            let obj = self.bind(py)?;
            obj.eq(other.to_python(py)?).map_err(|e| py_err(py, e))
        })
    }

    /// `hash(obj)`; a Python `TypeError` for an unhashable object (a list, a dict).
    pub fn py_hash(&self) -> Result<isize> {
        self.with_object(|o| o.hash())
    }

    /// Whether `callable(obj)`.
    pub fn is_callable(&self) -> Result<bool> {
        self.with_object(|o| Ok(o.is_callable()))
    }

    /// `obj(*args, **kwargs)`: calls a callable ref (a function, a class, an object with
    /// `__call__`). The same as [`call_ref`].
    pub fn call(&self, args: impl IntoArgs) -> Result<Value> {
        call_ref(self, args)
    }

    /// `iter(obj)` as a lazy Rust iterator of [`Value`]s.
    pub fn iter(&self) -> Result<StreamRef> {
        StreamRef::from_ref(self)
    }

    /// `iter(obj)` as a lazy Rust iterator of `T`.
    pub fn iter_as<T: FromPython>(&self) -> Result<StreamRef<T>> {
        StreamRef::from_ref(self)
    }
}

/// `str(obj)`; when Python cannot say (the ref is gone, or `__str__` raised), the handle's
/// `Debug` form and why, since `Display` cannot fail with a reason.
impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.str() {
            Ok(s) => f.write_str(&s),
            Err(e) => write!(f, "{self:#?} (str() failed: {e})"),
        }
    }
}
