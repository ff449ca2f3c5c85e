//! Importing modules: one function for every path that imports (calls, `python!`, docs), and
//! first imports serialised across threads.
//!
//! CPython's per-module import locks do not stop a second thread from seeing a package that
//! another thread is still initialising (numpy's first import from several threads at once
//! can raise "partially initialized module"). So a module that is not fully imported yet is
//! imported under one process-wide lock. The lock is waited for with the interpreter
//! detached (the importing thread needs it back to finish), and it is re-entrant on its
//! thread (an import that runs Rust code that imports again).

use std::cell::Cell;

use parking_lot::{Condvar, Mutex};
use pyo3::exceptions::PyModuleNotFoundError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyModule};

use crate::error::{py_err, Error, Result};

/// Whether some thread is importing under the lock.
static BUSY: Mutex<bool> = Mutex::new(false);
static FREED: Condvar = Condvar::new();

thread_local! {
    /// How deep this thread is in imports under the lock.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Held while this thread imports under the lock.
struct FirstImport;

impl FirstImport {
    fn acquire(py: Python<'_>) -> FirstImport {
        if DEPTH.get() == 0 {
            py.detach(|| {
                let mut busy = BUSY.lock();
                while *busy {
                    FREED.wait(&mut busy);
                }
                *busy = true;
            });
        }
        DEPTH.set(DEPTH.get() + 1);
        FirstImport
    }
}

impl Drop for FirstImport {
    fn drop(&mut self) {
        DEPTH.set(DEPTH.get() - 1);
        if DEPTH.get() == 0 {
            *BUSY.lock() = false;
            FREED.notify_one();
        }
    }
}

/// `import name`; [`Error::ModuleNotFound`] when `name` itself (not one of its own imports)
/// does not exist.
pub(crate) fn import<'py>(py: Python<'py>, name: &str) -> Result<Bound<'py, PyModule>> {
    import_raw(py, name).map_err(|e| {
        if e.is_instance_of::<PyModuleNotFoundError>(py) && missing_module(py, &e).as_deref() == Some(name) {
            Error::ModuleNotFound { module: name.into(), package: name.split('.').next().unwrap_or(name).into() }
        } else {
            py_err(py, e)
        }
    })
}

/// `import name`, as pyo3 reports it, serialised when the module is not fully imported yet.
pub(crate) fn import_raw<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyModule>> {
    if let Some(m) = loaded(py, name) {
        return Ok(m);
    }
    let _lock = FirstImport::acquire(py);
    py.import(name)
}

/// The name of the module a `ModuleNotFoundError` says is missing.
pub(crate) fn missing_module(py: Python<'_>, e: &PyErr) -> Option<String> {
    e.value(py).getattr("name").ok()?.extract().ok()
}

/// `sys.modules[name]` when it is there and done initialising.
fn loaded<'py>(py: Python<'py>, name: &str) -> Option<Bound<'py, PyModule>> {
    let modules = py.import("sys").ok()?.getattr("modules").ok()?;
    let module = modules.cast::<PyDict>().ok()?.get_item(name).ok()??;
    let initializing = module
        .getattr("__spec__")
        .and_then(|spec| spec.getattr("_initializing"))
        .and_then(|flag| flag.is_truthy())
        .unwrap_or(false);
    if initializing {
        return None;
    }
    module.cast_into::<PyModule>().ok()
}
