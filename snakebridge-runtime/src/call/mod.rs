//! The universal calls: [`call`], [`get`], [`method`], [`attr`], [`set_attr`].

mod args;
mod cached;
mod options;
mod recent;
pub(crate) mod resolve;

use pyo3::prelude::*;

pub use self::args::{Args, IntoArgs, PyArgs};
pub use self::cached::CachedFunction;
pub use self::options::CallOptions;
use crate::error::{py_err, Result};
use crate::interpreter::with_gil;
use crate::refs::Ref;
use crate::supervise::{supervise, Target};
use crate::value::{FromPython, ToPython, Value};

/// Calls `module.function(*args, **kwargs)`.
///
/// `module` is a dotted path (`"os.path"`); a path whose tail is not a module resolves as
/// attributes (`"pathlib.Path"` then `"cwd"`). The callable is looked up once and cached.
///
/// ```no_run
/// use snakebridge_runtime::{args, call};
/// # fn main() -> snakebridge_runtime::Result<()> {
/// let root: f64 = call("math", "sqrt", (16,))?.extract()?;
/// let joined: String = call("os.path", "join", ("/tmp", "file.txt"))?.extract()?;
/// let rounded = call("builtins", "round", args!(3.14159, ndigits = 2))?;
/// # Ok(()) }
/// ```
pub fn call(module: &str, function: &str, args: impl IntoArgs) -> Result<Value> {
    call_as(module, function, args)
}

/// [`call`], converting the result to `R` straight from Python.
pub fn call_as<R: FromPython>(module: &str, function: &str, args: impl IntoArgs) -> Result<R> {
    CallOptions::scope(args.options(), || {
        with_gil(|py| {
            let callable = resolve::callable(py, module, function)?;
            invoke(py, Target::new(module, function), &callable, &args)
        })
    })
}

/// Reads the module attribute `module.name` (a constant, a class, a function).
pub fn get(module: &str, name: &str) -> Result<Value> {
    with_gil(|py| {
        let m = resolve::module(py, module)?;
        let value = resolve::getattr(&m, module, name)?;
        Value::from_python(&value)
    })
}

/// Calls `target.name(*args, **kwargs)` on a ref.
pub fn method(target: &Ref, name: &str, args: impl IntoArgs) -> Result<Value> {
    method_as(target, name, args)
}

/// [`method`], converting the result to `R` straight from Python.
pub fn method_as<R: FromPython>(target: &Ref, name: &str, args: impl IntoArgs) -> Result<R> {
    CallOptions::scope(args.options(), || {
        with_gil(|py| {
            let obj = target.bind(py)?;
            let callable = resolve::getattr(&obj, target.type_name(), name)?;
            invoke(py, Target::new(target.python_module().unwrap_or_default(), name), &callable, &args)
        })
    })
}

/// Reads the attribute `target.name`.
pub fn attr(target: &Ref, name: &str) -> Result<Value> {
    with_gil(|py| {
        let obj = target.bind(py)?;
        Value::from_python(&resolve::getattr(&obj, target.type_name(), name)?)
    })
}

/// Sets the attribute `target.name = value`.
pub fn set_attr(target: &Ref, name: &str, value: impl ToPython) -> Result<()> {
    with_gil(|py| {
        let obj = target.bind(py)?;
        let value = value.to_python(py)?;
        obj.setattr(name, value).map_err(|e| py_err(py, e))
    })
}

/// Calls the Python object `target` itself: `target(*args, **kwargs)`.
pub fn call_ref(target: &Ref, args: impl IntoArgs) -> Result<Value> {
    CallOptions::scope(args.options(), || {
        with_gil(|py| {
            let obj = target.bind(py)?;
            invoke(py, Target::new(target.python_module().unwrap_or_default(), target.type_name()), &obj, &args)
        })
    })
}

/// Whether `value` is a ref (the seed's `ref?/1`).
pub fn is_ref(value: &Value) -> bool {
    matches!(value, Value::Ref(_))
}

#[inline]
fn invoke<R: FromPython, A: IntoArgs + ?Sized>(
    py: Python<'_>,
    target: Target<'_>,
    callable: &Bound<'_, PyAny>,
    args: &A,
) -> Result<R> {
    supervise(py, target, args.options(), || R::from_python(&args.call_with(callable)?))
}
