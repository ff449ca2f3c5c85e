//! The universal calls: [`call`], [`get`], [`method`], [`attr`], [`set_attr`].

mod args;
mod cached;
mod idempotent;
mod keywords;
mod options;
mod recent;
pub(crate) mod resolve;

use pyo3::prelude::*;
use pyo3::types::PyString;

pub(crate) use self::args::tuple_of;
pub use self::args::{Args, IntoArgs, PyArgs};
pub use self::cached::CachedFunction;
pub use self::idempotent::{idempotent_stats, invalidate_idempotent, IdempotentCache, IdempotentStats};
pub(crate) use self::keywords::keyword;
pub use self::options::CallOptions;
use crate::backend::{encode_args, encode_value, Request};
use snakebridge_meta::ledger::CallKind;

use crate::error::{py_err, Result};
use crate::ledger;
use crate::refs::Ref;
use crate::supervise::{self, enter, Door, Target};
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
    if ledger::on() {
        ledger::record::<R>(CallKind::Call, module, function, Some(&args));
    }
    let target = Target::new(Door::Call, module, function);
    let remote = || Ok(Request::Call { module, function, args: encode_args(&args)? });
    if let Some(out) = supervise::remote(target, args.options(), remote) {
        return out.and_then(R::from_remote);
    }
    enter(target, args.options(), |py| {
        let callable = resolve::callable(py, module, function)?;
        invoke(&callable, module, function, &args, false)
    })
}

/// Calls a module function, answered from the idempotent-call cache when the function
/// (`marked`) or the call is marked idempotent: the one hook of that cache.
#[inline(always)]
fn invoke<R: FromPython>(
    callable: &Bound<'_, PyAny>,
    module: &str,
    function: &str,
    args: &impl IntoArgs,
    marked: bool,
) -> Result<R> {
    if marked || args.options().is_some_and(|o| o.idempotent) {
        return idempotent::call(callable, module, function, args);
    }
    R::from_python(&args.call_with(callable)?)
}

/// Reads the module attribute `module.name` (a constant, a class, a function).
///
/// Runs under the options of an enclosing [`CallOptions::run`], as every call does: a module
/// whose import or `__getattr__` hangs is interrupted at its limit.
pub fn get(module: &str, name: &str) -> Result<Value> {
    get_as(module, name)
}

/// [`get`], converting the attribute to `R` straight from Python.
pub fn get_as<R: FromPython>(module: &str, name: &str) -> Result<R> {
    let target = Target::new(Door::Get, module, name);
    if let Some(out) = supervise::remote(target, None, || Ok(Request::Get { module, name })) {
        return out.and_then(R::from_remote);
    }
    enter(target, None, |py| {
        let m = resolve::module(py, module)?;
        R::from_python(&resolve::getattr(&m, module, name)?)
    })
}

/// Calls `target.name(*args, **kwargs)` on a ref.
pub fn method(target: &Ref, name: &str, args: impl IntoArgs) -> Result<Value> {
    method_as(target, name, args)
}

/// [`method`], converting the result to `R` straight from Python.
pub fn method_as<R: FromPython>(target: &Ref, name: &str, args: impl IntoArgs) -> Result<R> {
    let module = target.python_module().unwrap_or_default();
    if ledger::on() {
        let member = format!("{}.{name}", target.type_name());
        ledger::record::<R>(CallKind::Method, module, &member, Some(&args));
    }
    let door = Target::new(Door::Method, module, name);
    let remote = || Ok(Request::Method { target, name, args: encode_args(&args)? });
    if let Some(out) = supervise::remote(door, args.options(), remote) {
        return out.and_then(R::from_remote);
    }
    enter(door, args.options(), |py| {
        let obj = target.bind(py)?;
        R::from_python(&call_method_on(&obj, target.type_name(), &PyString::new(py, name), &args)?)
    })
}

/// `obj.name(*args)`, by `PyObject_VectorcallMethod` where the arguments allow; a missing
/// method is [`Error::AttributeNotFound`](crate::Error::AttributeNotFound) with a "did you mean".
#[inline]
pub(crate) fn call_method_on<'py>(
    obj: &Bound<'py, PyAny>,
    owner_name: &str,
    name: &Bound<'py, PyString>,
    args: &impl IntoArgs,
) -> Result<Bound<'py, PyAny>> {
    args.call_method_with(obj, name).map_err(|e| missing_method(obj, owner_name, name).unwrap_or(e))
}

/// The "no such attribute" error when `obj` has no attribute `name` (the call failed before
/// reaching a method), `None` when it has one (the error came from the call itself).
#[cold]
fn missing_method(obj: &Bound<'_, PyAny>, owner_name: &str, name: &Bound<'_, PyString>) -> Option<crate::Error> {
    if obj.hasattr(name).unwrap_or(true) {
        return None;
    }
    resolve::getattr(obj, owner_name, &name.to_string_lossy()).err()
}

/// Reads the attribute `target.name` (a property runs Python code, under the call's limit).
pub fn attr(target: &Ref, name: &str) -> Result<Value> {
    attr_as(target, name)
}

/// [`attr`], converting the attribute to `R` straight from Python.
pub fn attr_as<R: FromPython>(target: &Ref, name: &str) -> Result<R> {
    let module = target.python_module().unwrap_or_default();
    if ledger::on() {
        ledger::record::<R>(CallKind::Attr, module, &format!("{}.{name}", target.type_name()), None::<&()>);
    }
    let door = Target::new(Door::Attr, module, name);
    if let Some(out) = supervise::remote(door, None, || Ok(Request::Attr { target, name })) {
        return out.and_then(R::from_remote);
    }
    enter(door, None, |py| {
        let obj = target.bind(py)?;
        R::from_python(&resolve::getattr(&obj, target.type_name(), name)?)
    })
}

/// Sets the attribute `target.name = value`.
pub fn set_attr(target: &Ref, name: &str, value: impl ToPython) -> Result<()> {
    let module = target.python_module().unwrap_or_default();
    let door = Target::new(Door::SetAttr, module, name);
    let remote = || Ok(Request::SetAttr { target, name, value: encode_value(&value)? });
    if let Some(out) = supervise::remote(door, None, remote) {
        return out.map(drop);
    }
    enter(door, None, |py| {
        let obj = target.bind(py)?;
        let value = value.to_python(py)?;
        obj.setattr(name, value).map_err(|e| py_err(py, e))
    })
}

/// Calls the Python object `target` itself: `target(*args, **kwargs)`.
pub fn call_ref(target: &Ref, args: impl IntoArgs) -> Result<Value> {
    call_ref_as(target, args)
}

/// [`call_ref`], converting the result to `R` straight from Python.
pub fn call_ref_as<R: FromPython>(target: &Ref, args: impl IntoArgs) -> Result<R> {
    let module = target.python_module().unwrap_or_default();
    let door = Target::new(Door::CallRef, module, target.type_name());
    let remote = || Ok(Request::CallRef { target, args: encode_args(&args)? });
    if let Some(out) = supervise::remote(door, args.options(), remote) {
        return out.and_then(R::from_remote);
    }
    enter(door, args.options(), |py| {
        let obj = target.bind(py)?;
        R::from_python(&args.call_with(&obj)?)
    })
}

/// Whether `value` is a ref (the seed's `ref?/1`).
pub fn is_ref(value: &Value) -> bool {
    matches!(value, Value::Ref(_))
}
