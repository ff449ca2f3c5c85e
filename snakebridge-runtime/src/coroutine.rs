//! Awaiting Python coroutines (`async def`) from synchronous Rust: each runs to completion on a
//! fresh asyncio event loop in the calling thread, under the call's time limit; a timeout or a
//! cancellation cancels the asyncio task at its current `await`.

use pyo3::prelude::*;

use crate::call::{resolve, IntoArgs, PyArgs};
use crate::error::{py_err, Result};
use crate::refs::Ref;
use crate::supervise::{enter, Door, Target};
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
    if let Some(e) = crate::supervise::local_only(Door::Await, args.options()) {
        return Err(e);
    }
    enter(Target::new(Door::Await, module, function), args.options(), |py| {
        let callable = resolve::callable(py, module, function)?;
        let PyArgs { args, kwargs } = args.to_py_args(py)?;
        let result = callable.call(args, kwargs.as_ref()).map_err(|e| py_err(py, e))?;
        let result = if timeout::is_awaitable(&result) { timeout::run_coroutine(&result)? } else { result };
        R::from_python(&result)
    })
}

/// Awaits a coroutine (or other awaitable) held as a ref, such as the result of calling an
/// `async def` function with [`call`](crate::call), under the default time limit.
pub fn await_coroutine(coroutine: &Ref) -> Result<Value> {
    if let Some(e) = crate::supervise::local_only(Door::Await, None) {
        return Err(e);
    }
    let module = coroutine.python_module().unwrap_or_default();
    enter(Target::new(Door::Await, module, coroutine.type_name()), None, |py| {
        let result = timeout::run_coroutine(&coroutine.bind(py)?)?;
        Value::from_python(&result)
    })
}
