//! Python context managers from Rust: [`with_python`], the `with` statement as a scoped call.

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

use pyo3::prelude::*;

use crate::error::{py_err, Error, Result};
use crate::raise::{error_to_pyerr, panic_to_pyerr};
use crate::refs::Ref;
use crate::supervise::{enter, Door, Target};
use crate::value::FromPython;

/// Runs `body` inside the Python context manager `manager`, like `with manager as entered:`.
///
/// Calls `__enter__`, hands its result to `body` (converted to `E`: [`Value`](crate::Value),
/// [`Ref`], or a plain Rust type), then always calls `__exit__`:
///
/// - `body` returned `Ok(r)`: `__exit__(None, None, None)`, then `Ok(Some(r))`;
/// - `body` returned an error: `__exit__` gets the exception's type, value and traceback (a
///   Python error passes its own exception; any other error passes a `RuntimeError`, or a
///   `TypeError` for a conversion error, carrying its message). If `__exit__` returns a true
///   value the error is suppressed, as in Python, and the result is `Ok(None)`; otherwise
///   the error comes back unchanged;
/// - `body` panicked: `__exit__` gets a [`RustPanic`](crate::RustPanic) exception, then the
///   panic continues (a panic is never suppressed);
/// - `__exit__` itself raised: that exception is the result, with the block's exception as
///   its `__context__`, as in Python.
///
/// The interpreter is not held while `body` runs, so Python threads keep running.
///
/// ```no_run
/// use snakebridge_runtime::{call, method, with_python, Ref};
/// # fn main() -> snakebridge_runtime::Result<()> {
/// let file = call("builtins", "open", ("/tmp/out.txt", "w"))?;
/// with_python(file.as_ref().unwrap(), |f: Ref| {
///     method(&f, "write", ("hello\n",))?;
///     Ok(())
/// })?;
/// // the file is closed here, whatever happened in the block
/// # Ok(()) }
/// ```
pub fn with_python<E: FromPython, R>(manager: &Ref, body: impl FnOnce(E) -> Result<R>) -> Result<Option<R>> {
    if let Some(e) = crate::supervise::local_only(Door::Context, None) {
        return Err(e);
    }
    let module = manager.python_module().unwrap_or_default();
    let (exit, entered) = enter(Target::new(Door::Context, module, "__enter__"), None, |py| {
        let obj = manager.bind(py)?;
        let no_protocol = || Error::Conversion {
            expected: "a context manager (an object with __enter__ and __exit__)".into(),
            found: format!("Python {}", manager.type_name()),
            hint: Some("pass the object a `with` statement would take, such as the result of `open(..)`".into()),
        };
        // Python looks up both before entering, so a half protocol never enters.
        let enter = obj.getattr("__enter__").map_err(|_| no_protocol())?;
        let exit = obj.getattr("__exit__").map_err(|_| no_protocol())?;
        let value = enter.call0().map_err(|e| py_err(py, e))?;
        Ok((exit.unbind(), E::from_python(&value)))
    })?;

    match catch_unwind(AssertUnwindSafe(|| entered.and_then(body))) {
        Ok(Ok(r)) => enter(Target::new(Door::Context, module, "__exit__"), None, |py| {
            let none = py.None();
            exit.bind(py).call1((&none, &none, &none)).map_err(|e| py_err(py, e))?;
            Ok(Some(r))
        }),
        Ok(Err(err)) => enter(Target::new(Door::Context, module, "__exit__"), None, |py| {
            let exc = error_to_pyerr(py, &err);
            match call_exit(py, exit.bind(py), &exc) {
                Ok(true) => Ok(None),
                Ok(false) => Err(err),
                Err(exit_err) => Err(py_err(py, exit_err)),
            }
        }),
        Err(payload) => {
            let outcome = enter(Target::new(Door::Context, module, "__exit__"), None, |py| {
                let exc = panic_to_pyerr("the body of with_python", payload.as_ref());
                call_exit(py, exit.bind(py), &exc).map_err(|e| py_err(py, e))
            });
            if let Err(e) = outcome {
                tracing::warn!(error = %e, "snakebridge: __exit__ raised while a with_python body was panicking");
            }
            resume_unwind(payload)
        }
    }
}

/// `__exit__(type, value, traceback)` for `exc`; whether it asked to suppress the exception.
fn call_exit(py: Python<'_>, exit: &Bound<'_, PyAny>, exc: &PyErr) -> PyResult<bool> {
    let value = exc.value(py);
    let traceback = value.getattr("__traceback__")?;
    match exit.call1((value.get_type(), value, traceback)).and_then(|r| r.is_truthy()) {
        Ok(suppress) => Ok(suppress),
        Err(exit_err) => {
            let raised = exit_err.value(py);
            if raised.getattr("__context__").is_ok_and(|c| c.is_none()) && !raised.is(value) {
                raised.setattr("__context__", value)?;
            }
            Err(exit_err)
        }
    }
}
