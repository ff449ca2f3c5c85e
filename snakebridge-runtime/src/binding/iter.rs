//! A Python iterable as a Rust [`Iterator`], for `*_stream` bindings and `__iter__`.

use pyo3::exceptions::PyStopIteration;
use pyo3::prelude::*;

use crate::call::{CachedFunction, CallOptions, IntoArgs, PyArgs};
use crate::error::{py_err, Result};
use crate::interpreter::with_gil;
use crate::refs::Ref;
use crate::session::effective_session_id;
use crate::value::{FromPython, Value};

/// A Python iterator, pulled one item at a time. Each item is converted to a [`Value`]; the
/// iterator ends after the first error.
pub struct PyIter {
    iter: Option<Ref>,
}

impl PyIter {
    /// `iter(obj)` for the object behind `r`.
    pub fn new(r: &Ref) -> Result<Self> {
        with_gil(|py| {
            let obj = r.bind(py)?;
            let it = obj.try_iter().map_err(|e| py_err(py, e))?;
            Ok(PyIter { iter: Some(Ref::register(it.as_any(), effective_session_id())) })
        })
    }

    /// Calls `f(*args, **kwargs)` and iterates over the result.
    pub fn call(f: &CachedFunction, args: impl IntoArgs) -> Result<Self> {
        CallOptions::scope(args.options(), || {
            with_gil(|py| {
                let PyArgs { args: positional, kwargs } = args.to_py_args(py)?;
                let result = f.bind(py)?.call(positional, kwargs.as_ref()).map_err(|e| py_err(py, e))?;
                let it = result.try_iter().map_err(|e| py_err(py, e))?;
                Ok(PyIter { iter: Some(Ref::register(it.as_any(), effective_session_id())) })
            })
        })
    }
}

impl Iterator for PyIter {
    type Item = Result<Value>;

    fn next(&mut self) -> Option<Result<Value>> {
        let it = self.iter.as_ref()?;
        let item = with_gil(|py| {
            let obj = it.bind(py)?;
            match obj.call_method0("__next__") {
                Ok(item) => Value::from_python(&item).map(Some),
                Err(e) if e.is_instance_of::<PyStopIteration>(py) => Ok(None),
                Err(e) => Err(py_err(py, e)),
            }
        });
        match item {
            Ok(Some(v)) => Some(Ok(v)),
            Ok(None) => {
                self.iter = None;
                None
            }
            Err(e) => {
                self.iter = None;
                Some(Err(e))
            }
        }
    }
}

impl std::fmt::Debug for PyIter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PyIter").field("iter", &self.iter).finish()
    }
}
