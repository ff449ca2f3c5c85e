//! Generated class structs: checked conversion between Python objects, refs and the struct.

use std::fmt;

use pyo3::prelude::*;

use crate::call::CachedFunction;
use crate::error::{py_err, Error, Result};
use crate::interpreter::with_gil;
use crate::refs::Ref;
use crate::session::effective_session_id;
use crate::value::{FromPython, Value};

/// A ref to `obj`, after checking that it is an instance of `class` (the qualified Python name
/// `qualname` is for the error message).
pub fn instance_ref(obj: &Bound<'_, PyAny>, class: &CachedFunction, qualname: &str) -> Result<Ref> {
    if let Some(r) = crate::backend::worker::unmark(obj) {
        return check_remote(&r, class, qualname).map(|()| r);
    }
    let py = obj.py();
    let cls = class.bind(py)?;
    if obj.is_instance(cls).map_err(|e| py_err(py, e))? {
        Ok(Ref::register(obj, effective_session_id()))
    } else {
        Err(not_instance(qualname, &obj.get_type().qualname().map(|s| s.to_string()).unwrap_or_default()))
    }
}

/// Checks that the object behind `r` is an instance of `class`.
pub fn check_ref(r: &Ref, class: &CachedFunction, qualname: &str) -> Result<()> {
    if r.0.remote.is_some() {
        return check_remote(r, class, qualname);
    }
    with_gil(|py| {
        let obj = r.bind(py)?;
        let cls = class.bind(py)?;
        match obj.is_instance(cls).map_err(|e| py_err(py, e))? {
            true => Ok(()),
            false => Err(not_instance(qualname, r.type_name())),
        }
    })
}

/// [`check_ref`] for an object in a worker: `isinstance` runs there, against the worker's class.
fn check_remote(r: &Ref, class: &CachedFunction, qualname: &str) -> Result<()> {
    let (module, name) = class.target();
    let cls = crate::call::get(module, name)?;
    match crate::call::call_as::<bool>("builtins", "isinstance", (r, &cls))? {
        true => Ok(()),
        false => Err(not_instance(qualname, r.type_name())),
    }
}

/// The ref inside `value`, checked to be an instance of `class`.
pub fn value_into_ref(value: Value, class: &CachedFunction, qualname: &str) -> Result<Ref> {
    match value {
        Value::Ref(r) => check_ref(&r, class, qualname).map(|()| r),
        other => Err(not_instance(qualname, other.type_name())),
    }
}

fn not_instance(qualname: &str, found: &str) -> Error {
    Error::Conversion {
        expected: format!("an instance of Python {qualname}"),
        found: format!("Python {found}"),
        hint: Some(
            "the value has another type; check the Python function's documentation, or take a `Value` instead".into(),
        ),
    }
}

/// Writes Python's `str(obj)` for a generated struct's `Display`.
pub fn display(r: &Ref, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match r.str() {
        Ok(text) => f.write_str(&text),
        Err(_) => write!(f, "{r:?}"),
    }
}

/// Reads the module attribute `module.name` (a generated constant), converted to `T` with the
/// same conversion a generated function's result gets.
pub fn get_as<T: FromPython>(module: &str, name: &str) -> Result<T> {
    crate::call::get_as(module, name)
}
