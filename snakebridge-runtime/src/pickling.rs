//! Functions and classes of `python!` blocks and helper files, sent by value to worker
//! processes: pickle sends a function by module and name, and a worker cannot import the
//! modules these live in (docs/scaling-out.md). The Python side is
//! `python/snakebridge_pickling.py`; it patches multiprocessing's pickler and cloudpickle when
//! they are first imported, so a program that starts no pool pays nothing.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use crate::error::{py_err, Result};

const SOURCE: &str = include_str!("../python/snakebridge_pickling.py");

/// The `snakebridge_pickling` module, run and installed once per process.
pub(crate) fn install(py: Python<'_>) -> Result<&Bound<'_, PyModule>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    let module = MODULE.get_or_try_init(py, || {
        let module = crate::helpers::exec_embedded(py, SOURCE, "snakebridge_pickling.py", "snakebridge_pickling")
            .and_then(|m| m.call_method0("install").map(|_| m))
            .map_err(|e| py_err(py, e))?;
        Ok::<_, crate::Error>(module.unbind())
    })?;
    Ok(module.bind(py))
}
