//! The Python side of interruption: the exception raised into a call, the sliced `time.sleep`,
//! and running a coroutine on an event loop that can be cancelled from the watchdog.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyModule, PyTuple, PyType};

use crate::error::{py_err, Result};
use crate::locks::Unlocked;

const SOURCE: &str = include_str!("interrupt.py");

static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
static EXCEPTION: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn module(py: Python<'_>) -> Result<&Bound<'_, PyModule>> {
    MODULE
        .get_or_try_init(py, || {
            let code = std::ffi::CString::new(SOURCE).expect("no NUL in interrupt.py");
            let m = PyModule::from_code(py, &code, c"snakebridge_interrupt.py", c"snakebridge_interrupt")
                .map_err(|e| py_err(py, e))?;
            // Registered so that the exception's class pickles and shows a real module name.
            py.import("sys")
                .and_then(|sys| sys.getattr("modules"))
                .and_then(|mods| mods.set_item("snakebridge_interrupt", &m))
                .map_err(|e| py_err(py, e))?;
            Ok(m.unbind())
        })
        .map(|m| m.bind(py))
}

/// `SnakeBridgeInterrupt`, the exception a timed-out or cancelled call gets.
pub(crate) fn exception_type(py: Python<'_>) -> Result<&Bound<'_, PyType>> {
    EXCEPTION
        .get_or_try_init(py, || {
            let t = module(py)?.getattr("SnakeBridgeInterrupt").map_err(|e| py_err(py, e))?;
            Ok(t.cast_into::<PyType>().map_err(|e| py_err(py, e.into()))?.unbind())
        })
        .map(|t| t.bind(py))
}

/// Installs the sliced `time.sleep` (unless `SNAKEBRIDGE_INTERRUPTIBLE_SLEEP=0`); called once
/// when the interpreter starts, before any user module imports `sleep`.
pub(crate) fn install(py: Python<'_>) -> Result<()> {
    exception_type(py)?;
    let off = std::env::var("SNAKEBRIDGE_INTERRUPTIBLE_SLEEP")
        .is_ok_and(|v| matches!(v.trim(), "0" | "false" | "no" | "off"));
    if !off {
        module(py)?.call_method0("install_sleep").map_err(|e| py_err(py, e))?;
    }
    Ok(())
}

/// Whether `obj` is something to await (a coroutine, a task, a future).
pub(crate) fn is_awaitable(obj: &Bound<'_, PyAny>) -> bool {
    obj.hasattr(pyo3::intern!(obj.py(), "__await__")).unwrap_or(false)
}

/// Runs `awaitable` to completion on a fresh event loop in this thread. While it runs, the
/// watchdog cancels it through the loop (the task gets `CancelledError` at its await point).
pub(crate) fn run_coroutine<'py>(awaitable: &Bound<'py, PyAny>) -> Result<Bound<'py, PyAny>> {
    let py = awaitable.py();
    let m = module(py)?;
    let started = m.call_method1("start_coroutine", (awaitable,)).map_err(|e| py_err(py, e))?;
    let started = started.cast_into::<PyTuple>().map_err(|e| py_err(py, e.into()))?;
    let (lp, task, cancel) = (started.get_item(0), started.get_item(1), started.get_item(2));
    let (lp, task, cancel) = match (lp, task, cancel) {
        (Ok(a), Ok(b), Ok(c)) => (a, b, c),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return Err(py_err(py, e)),
    };
    let slot = super::watchdog::current_slot();
    let previous = slot.waker.lock().replace(Unlocked::new(cancel.unbind()));
    let result = m.call_method1("finish_coroutine", (lp, task)).map_err(|e| py_err(py, e));
    // Swapped back under the lock, dropped after it (the rule of `crate::locks`).
    let ours = std::mem::replace(&mut *slot.waker.lock(), previous);
    drop(ours);
    result
}
