//! Rust failures seen from Python: an [`Error`] or a panic turned into a Python exception.
//!
//! Python code between a Rust callback and the Rust caller (`map`, `sorted`, a context
//! manager's `__exit__`) must see an ordinary exception it can catch, clean up after, or
//! re-raise; pyo3's own `PanicException` derives from `BaseException` and slips past
//! `except Exception`, so panics get [`RustPanic`] instead.

use std::any::Any;

use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;

use crate::error::Error;

pyo3::create_exception!(
    snakebridge,
    RustPanic,
    PyRuntimeError,
    "A Rust closure called from Python panicked. A RuntimeError, so `except Exception` catches it."
);

/// The text a panic was raised with.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-string payload".to_owned()
    }
}

/// A [`RustPanic`] exception describing `payload`.
pub(crate) fn panic_to_pyerr(what: &str, payload: &(dyn Any + Send)) -> PyErr {
    RustPanic::new_err(format!("{what} panicked: {}", panic_message(payload)))
}

/// `err` as a Python exception: the original exception object for a Python error, else a
/// `TypeError` for values that cannot cross and a `RuntimeError` for the rest.
pub(crate) fn error_to_pyerr(py: Python<'_>, err: &Error) -> PyErr {
    match err {
        Error::Python(e) => PyErr::from_value(e.exception().bind(py).clone().into_any()),
        Error::Conversion { .. } | Error::Serialization { .. } => PyTypeError::new_err(err.to_string()),
        _ => PyRuntimeError::new_err(err.to_string()),
    }
}
