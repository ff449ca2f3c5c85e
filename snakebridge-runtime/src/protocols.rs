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
use crate::refs::Ref;
use crate::stream::StreamRef;
use crate::supervise::{enter, Door, Target};
use crate::value::{FromPython, ToPython, Value};

impl Ref {
    /// Runs the protocol method `name` on the object, through the one call pipeline.
    fn protocol<R>(
        &self,
        name: &str,
        f: impl for<'py> FnOnce(Python<'py>, &Bound<'py, PyAny>) -> Result<R>,
    ) -> Result<R> {
        if let Some(e) = crate::supervise::local_only(Door::Protocol, None) {
            return Err(e);
        }
        let module = self.python_module().unwrap_or_default();
        enter(Target::new(Door::Protocol, module, name), None, |py| f(py, &self.bind(py)?))
    }

    fn with_object<R>(&self, name: &str, f: impl for<'py> FnOnce(&Bound<'py, PyAny>) -> PyResult<R>) -> Result<R> {
        self.protocol(name, |py, obj| f(obj).map_err(|e| py_err(py, e)))
    }

    /// `str(obj)`; text with an unpaired surrogate (no UTF-8 form) is an `Error::Conversion`,
    /// never silently replaced.
    pub fn str(&self) -> Result<String> {
        if self.0.remote.is_some() {
            return crate::call_as("builtins", "str", (self,));
        }
        self.protocol("__str__", |py, obj| {
            let text = obj.str().map_err(|e| py_err(py, e))?;
            String::from_python(text.as_any())
        })
    }

    /// `repr(obj)`.
    pub fn repr(&self) -> Result<String> {
        if self.0.remote.is_some() {
            return crate::call_as("builtins", "repr", (self,));
        }
        self.with_object("__repr__", |o| o.repr().map(|s| s.to_string()))
    }

    /// `len(obj)`; a Python `TypeError` when the object has no length.
    pub fn len(&self) -> Result<usize> {
        if self.0.remote.is_some() {
            return crate::call_as("builtins", "len", (self,));
        }
        self.with_object("__len__", |o| o.len())
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
        self.protocol("__getitem__", |py, obj| {
            let item = obj.get_item(key.to_python(py)?).map_err(|e| py_err(py, e))?;
            R::from_python(&item)
        })
    }

    /// `obj[key] = value`.
    pub fn set_item(&self, key: impl ToPython, value: impl ToPython) -> Result<()> {
        self.protocol("__setitem__", |py, obj| {
            obj.set_item(key.to_python(py)?, value.to_python(py)?).map_err(|e| py_err(py, e))
        })
    }

    /// `del obj[key]`.
    pub fn del_item(&self, key: impl ToPython) -> Result<()> {
        self.protocol("__delitem__", |py, obj| obj.del_item(key.to_python(py)?).map_err(|e| py_err(py, e)))
    }

    /// `item in obj`.
    pub fn contains(&self, item: impl ToPython) -> Result<bool> {
        self.protocol("__contains__", |py, obj| obj.contains(item.to_python(py)?).map_err(|e| py_err(py, e)))
    }

    /// `obj == other`, as Python decides (`__eq__`).
    pub fn py_eq(&self, other: impl ToPython) -> Result<bool> {
        self.protocol("__eq__", |py, obj| obj.eq(other.to_python(py)?).map_err(|e| py_err(py, e)))
    }

    /// `hash(obj)`; a Python `TypeError` for an unhashable object (a list, a dict).
    pub fn py_hash(&self) -> Result<isize> {
        self.with_object("__hash__", |o| o.hash())
    }

    /// Whether `callable(obj)`.
    pub fn is_callable(&self) -> Result<bool> {
        self.with_object("callable", |o| Ok(o.is_callable()))
    }

    /// `obj(*args, **kwargs)`: calls a callable ref (a function, a class, an object with
    /// `__call__`). The same as [`call_ref`].
    pub fn call(&self, args: impl IntoArgs) -> Result<Value> {
        call_ref(self, args)
    }

    /// Whether the object is awaitable (a coroutine, a future, anything with `__await__`).
    #[cfg_attr(not(feature = "tokio"), allow(dead_code))]
    pub(crate) fn protocol_is_awaitable(&self) -> Result<bool> {
        self.protocol("__await__", |_, obj| Ok(crate::timeout::is_awaitable(obj)))
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
            // The handle's own description: Debug is for Rust and never asks Python.
            Err(e) => {
                write!(f, "<{} ref {} in {}> (str() failed: {e})", self.type_name(), self.id(), self.session_id())
            }
        }
    }
}
