//! Awaiting Python coroutines (`async def`) from synchronous Rust: each runs to completion on a
//! fresh asyncio event loop in the calling thread, under the call's time limit; a timeout or a
//! cancellation cancels the asyncio task at its current `await`.

use pyo3::prelude::*;

use crate::call::{resolve, CallOptions, IntoArgs, PyArgs};
use crate::error::{py_err, Result};
use crate::interpreter::with_gil;
use crate::refs::Ref;
use crate::supervise::{supervise, Target};
use crate::timeout;
use crate::value::{FromPython, Value};

/// Calls `module.function(*args, **kwargs)` and, when it returns a coroutine (an `async def`
/// function) or another awaitable, awaits it; the time limit covers both.
///
/// ```no_run
/// # fn main() -> snakebridge_runtime::Result<()> {
/// // asyncio.sleep(0.1, result="done") is a coroutine; this returns its result.
/// let v = snakebridge_runtime::call_awaiting("asyncio", "sleep", (0.1, "done"))?;
/// # Ok(()) }
/// ```
pub fn call_awaiting(module: &str, function: &str, args: impl IntoArgs) -> Result<Value> {
    call_awaiting_as(module, function, args)
}

/// [`call_awaiting`], converting the result to `R`.
pub fn call_awaiting_as<R: FromPython>(module: &str, function: &str, args: impl IntoArgs) -> Result<R> {
    CallOptions::scope(args.options(), || {
        with_gil(|py| {
            let callable = resolve::callable(py, module, function)?;
            supervise(py, Target::new(module, function), args.options(), || {
                let PyArgs { args, kwargs } = args.to_py_args(py)?;
                let result = callable.call(args, kwargs.as_ref()).map_err(|e| py_err(py, e))?;
                let result = if timeout::is_awaitable(&result) { timeout::run_coroutine(&result)? } else { result };
                R::from_python(&result)
            })
        })
    })
}

/// Awaits a coroutine (or other awaitable) held as a ref, such as the result of calling an
/// `async def` function with [`call`](crate::call), under the default time limit.
pub fn await_coroutine(coroutine: &Ref) -> Result<Value> {
    with_gil(|py| {
        let obj = coroutine.bind(py)?;
        let module = coroutine.python_module().unwrap_or_default();
        supervise(py, Target::new(module, coroutine.type_name()), None, || {
            let result = timeout::run_coroutine(&obj)?;
            Value::from_python(&result)
        })
    })
}
