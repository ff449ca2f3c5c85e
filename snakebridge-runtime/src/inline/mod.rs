//! Run-time support for the `python!` macro: what its expansion calls.
//!
//! Not public API. The expansion of `python!(...)` runs in one [`run`] closure, keeps every
//! intermediate result as a Python object, and caches what can be resolved once in `static`s
//! of the types here ([`Global`], [`Const`], [`Block`]), one per call site.

mod block;
mod global;
mod ops;

use pyo3::exceptions::PyAttributeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PySet, PySlice, PyString, PyTuple};

pub use self::block::Block;
pub use self::global::Global;
pub use self::ops::{binary, compare, unary, BinOp, CmpOp, UnaryOp};
pub use pyo3::call::PyCallArgs;
pub use pyo3::sync::PyOnceLock;
pub use pyo3::{intern, Bound, Py, PyAny, PyResult, Python};

use crate::error::{py_err, Error, Result};
use crate::suggest::closest;
use crate::value::{FromPython, ToPython, Value};

/// Runs the body of one `python!` expansion with the interpreter attached, through the one
/// call pipeline (limit, telemetry span, the options of an enclosing `CallOptions::run`).
#[inline]
pub fn run<R>(f: impl for<'py> FnOnce(Python<'py>) -> Result<R>) -> Result<R> {
    use crate::supervise::{enter, local_only, Door, Target};
    if let Some(e) = local_only(Door::Inline, None) {
        return Err(e);
    }
    enter(Target::new(Door::Inline, "python!", "<inline>"), None, f)
}

/// Converts an interpolated Rust value (`#x`) with [`ToPython`]; a `Ref` binds to its object,
/// checked against the current session.
#[inline]
pub fn arg<'py, T: ToPython + ?Sized>(py: Python<'py>, value: &T) -> Result<Bound<'py, PyAny>> {
    value.to_python(py)
}

/// The final result of an expansion, as a [`Value`] (lossless, or a `Ref`).
#[inline]
pub fn finish(obj: &Bound<'_, PyAny>) -> Result<Value> {
    Value::from_python(obj)
}

/// Maps a pyo3 error into a snakebridge [`Error`].
#[inline]
pub fn check<'py, T>(py: Python<'py>, r: PyResult<T>) -> Result<T> {
    r.map_err(|e| py_err(py, e))
}

/// A literal that is built once per call site: numbers, strings, bytes.
pub struct Const(PyOnceLock<Py<PyAny>>);

impl Const {
    /// An empty cell, filled on first use.
    pub const fn new() -> Self {
        Const(PyOnceLock::new())
    }

    /// The literal, made by `make` on first use.
    #[inline]
    pub fn get<'py>(
        &self,
        py: Python<'py>,
        make: impl FnOnce(Python<'py>) -> PyResult<Bound<'py, PyAny>>,
    ) -> Result<Bound<'py, PyAny>> {
        check(py, self.0.get_or_try_init(py, || make(py).map(Bound::unbind))).map(|o| o.bind(py).clone())
    }
}

impl Default for Const {
    fn default() -> Self {
        Const::new()
    }
}

/// An `int` literal of any size, from its decimal digits.
pub fn int_literal<'py>(py: Python<'py>, digits: &str) -> PyResult<Bound<'py, PyAny>> {
    match digits.parse::<i64>() {
        Ok(v) => Ok(v.into_pyobject(py).map(Bound::into_any).unwrap_or_else(|never| match never {})),
        Err(_) => py.get_type::<pyo3::types::PyInt>().call1((digits,)),
    }
}

/// A `float` literal.
pub fn float_literal(py: Python<'_>, value: f64) -> PyResult<Bound<'_, PyAny>> {
    Ok(pyo3::types::PyFloat::new(py, value).into_any())
}

/// A `str` literal, interned as Python interns the constants of compiled code.
pub fn str_literal<'py>(py: Python<'py>, value: &str) -> PyResult<Bound<'py, PyAny>> {
    Ok(PyString::intern(py, value).into_any())
}

/// A `bytes` literal.
pub fn bytes_literal<'py>(py: Python<'py>, value: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    Ok(pyo3::types::PyBytes::new(py, value).into_any())
}

/// A `complex` literal such as `2j`.
pub fn imaginary_literal<'py>(py: Python<'py>, im: f64) -> PyResult<Bound<'py, PyAny>> {
    Ok(pyo3::types::PyComplex::from_doubles(py, 0.0, im).into_any())
}

/// `None`.
#[inline]
pub fn none(py: Python<'_>) -> Bound<'_, PyAny> {
    py.None().into_bound(py)
}

/// `True` or `False`.
#[inline]
pub fn boolean(py: Python<'_>, b: bool) -> Bound<'_, PyAny> {
    pyo3::types::PyBool::new(py, b).to_owned().into_any()
}

/// `obj.name`; a missing attribute is [`Error::AttributeNotFound`] with a "did you mean".
#[inline]
pub fn getattr<'py>(obj: &Bound<'py, PyAny>, name: &Bound<'py, PyString>) -> Result<Bound<'py, PyAny>> {
    obj.getattr(name).map_err(|e| attribute_error(obj, name, e))
}

#[cold]
fn attribute_error(obj: &Bound<'_, PyAny>, name: &Bound<'_, PyString>, e: PyErr) -> Error {
    let py = obj.py();
    if !e.is_instance_of::<PyAttributeError>(py) {
        return py_err(py, e);
    }
    let name = name.to_string();
    let owner = match obj.cast::<pyo3::types::PyModule>() {
        Ok(m) => m.name().map(|n| n.to_string()).unwrap_or_default(),
        Err(_) => obj.get_type().qualname().map(|n| n.to_string()).unwrap_or_default(),
    };
    let names: Vec<String> = obj.dir().map(|d| d.iter().filter_map(|n| n.extract().ok()).collect()).unwrap_or_default();
    let suggestion = closest(&name, names.iter().map(String::as_str)).map(str::to_owned);
    Error::AttributeNotFound { owner, name, suggestion }
}

/// `f(*args)` or `f(*args, **kwargs)` for a fixed number of positional arguments.
#[inline]
pub fn call<'py, A: PyCallArgs<'py>>(
    f: &Bound<'py, PyAny>,
    args: A,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> Result<Bound<'py, PyAny>> {
    let py = f.py();
    match kwargs {
        None => check(py, f.call1(args)),
        Some(kw) => check(py, f.call(args, Some(kw))),
    }
}

/// A call whose positional arguments include `*iterable` parts: `args` is built up from
/// [`arg`] conversions and [`extend_args`].
pub fn call_list<'py>(
    f: &Bound<'py, PyAny>,
    args: Vec<Bound<'py, PyAny>>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> Result<Bound<'py, PyAny>> {
    let py = f.py();
    let tuple = check(py, PyTuple::new(py, args))?;
    call(f, tuple, kwargs)
}

/// Appends the items of `*iterable` to the positional arguments.
pub fn extend_args<'py>(args: &mut Vec<Bound<'py, PyAny>>, iterable: &Bound<'py, PyAny>) -> Result<()> {
    let py = iterable.py();
    for item in check(py, iterable.try_iter())? {
        args.push(check(py, item)?);
    }
    Ok(())
}

/// An empty keyword-argument dict.
#[inline]
pub fn kwargs(py: Python<'_>) -> Bound<'_, PyDict> {
    PyDict::new(py)
}

/// Sets `name=value` in a keyword-argument dict; a repeated name is a Python `TypeError`, as in Python.
#[inline]
pub fn set_kwarg<'py>(
    kwargs: &Bound<'py, PyDict>,
    name: &Bound<'py, PyString>,
    value: Bound<'py, PyAny>,
) -> Result<()> {
    let py = kwargs.py();
    if check(py, kwargs.contains(name))? {
        return Err(py_err(
            py,
            pyo3::exceptions::PyTypeError::new_err(format!("got multiple values for keyword argument '{name}'")),
        ));
    }
    check(py, kwargs.set_item(name, value))
}

/// Merges `**mapping` into a keyword-argument dict.
pub fn extend_kwargs<'py>(kwargs: &Bound<'py, PyDict>, mapping: &Bound<'py, PyAny>) -> Result<()> {
    let py = kwargs.py();
    let mapping = match mapping.cast::<PyDict>() {
        Ok(d) => d.clone(),
        Err(_) => {
            // Any mapping, as Python's `f(**m)` accepts: copy it through `dict.update`.
            let d = PyDict::new(py);
            check(py, d.call_method1("update", (mapping,)))?;
            d
        }
    };
    for (k, v) in mapping.iter() {
        let name = check(py, k.cast_into::<PyString>().map_err(PyErr::from))?;
        set_kwarg(kwargs, &name, v)?;
    }
    Ok(())
}

/// `obj[key]`.
#[inline]
pub fn get_item<'py>(obj: &Bound<'py, PyAny>, key: Bound<'py, PyAny>) -> Result<Bound<'py, PyAny>> {
    check(obj.py(), obj.get_item(key))
}

/// `slice(start, stop, step)` for `obj[start:stop:step]`; a missing part is `None`.
pub fn slice<'py>(
    py: Python<'py>,
    start: Option<Bound<'py, PyAny>>,
    stop: Option<Bound<'py, PyAny>>,
    step: Option<Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>> {
    let part = |p: Option<Bound<'py, PyAny>>| p.unwrap_or_else(|| none(py));
    check(py, py.get_type::<PySlice>().call1((part(start), part(stop), part(step))))
}

/// A `tuple` display.
pub fn tuple<'py>(py: Python<'py>, items: Vec<Bound<'py, PyAny>>) -> Result<Bound<'py, PyAny>> {
    check(py, PyTuple::new(py, items)).map(Bound::into_any)
}

/// A `list` display.
pub fn list<'py>(py: Python<'py>, items: Vec<Bound<'py, PyAny>>) -> Result<Bound<'py, PyAny>> {
    check(py, PyList::new(py, items)).map(Bound::into_any)
}

/// A `set` display.
pub fn set<'py>(py: Python<'py>, items: Vec<Bound<'py, PyAny>>) -> Result<Bound<'py, PyAny>> {
    check(py, PySet::new(py, items)).map(Bound::into_any)
}

/// A `dict` display; later keys win, as in Python.
pub fn dict<'py>(py: Python<'py>, items: Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>) -> Result<Bound<'py, PyAny>> {
    let d = PyDict::new(py);
    for (k, v) in items {
        check(py, d.set_item(k, v))?;
    }
    Ok(d.into_any())
}

/// `bool(obj)`, for `and`, `or`, `not` and conditional expressions.
#[inline]
pub fn truthy(obj: &Bound<'_, PyAny>) -> Result<bool> {
    check(obj.py(), obj.is_truthy())
}
