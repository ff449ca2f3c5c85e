//! Matching Python exceptions by class object rather than by name: user-defined classes and
//! subclasses included, with no string comparison where the error is handled.

use std::borrow::Cow;
use std::fmt;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

use crate::call::resolve;
use crate::error::{py_err, Error, Result};
use crate::interpreter::with_gil;

/// A Python exception class, looked up once and matched with `isinstance`.
///
/// Hold one in a `static` with [`ExceptionClass::lazy`], or get one with
/// [`ExceptionClass::get`]; then [`Error::is_instance`] (or [`ExceptionClass::matches`]) says
/// whether an error is that exception or a subclass of it.
///
/// ```no_run
/// use snakebridge_runtime::{call, ExceptionClass};
///
/// static DECODE_ERROR: ExceptionClass = ExceptionClass::lazy("json", "JSONDecodeError");
///
/// # fn main() -> snakebridge_runtime::Result<()> {
/// match call("json", "loads", ("{not json",)) {
///     Err(e) if e.is_instance(&DECODE_ERROR) => println!("bad JSON: {e}"),
///     other => { other?; }
/// }
/// # Ok(()) }
/// ```
pub struct ExceptionClass {
    module: Cow<'static, str>,
    name: Cow<'static, str>,
    class: PyOnceLock<Py<PyType>>,
}

impl ExceptionClass {
    /// `module.name`, looked up the first time it is matched (usable in a `static`).
    pub const fn lazy(module: &'static str, name: &'static str) -> Self {
        ExceptionClass { module: Cow::Borrowed(module), name: Cow::Borrowed(name), class: PyOnceLock::new() }
    }

    /// `module.name`, looked up now: an error if it does not exist or is not an exception class.
    pub fn get(module: &str, name: &str) -> Result<Self> {
        with_gil(|py| {
            let class = lookup(py, module, name)?;
            let cell = PyOnceLock::new();
            let _ = cell.set(py, class.unbind());
            Ok(ExceptionClass { module: module.to_owned().into(), name: name.to_owned().into(), class: cell })
        })
    }

    /// The class of the pyo3 exception type `T` (`PyValueError`, `PyOSError`, …).
    pub fn of<T: pyo3::PyTypeInfo>() -> Self {
        Python::attach(|py| {
            let t = py.get_type::<T>();
            let cell = PyOnceLock::new();
            let name = Cow::Owned(t.qualname().map(|s| s.to_string()).unwrap_or_default());
            let module = Cow::Owned(t.module().map(|s| s.to_string()).unwrap_or_else(|_| "builtins".into()));
            let _ = cell.set(py, t.unbind());
            ExceptionClass { module, name, class: cell }
        })
    }

    /// The module that defines the class.
    pub fn module(&self) -> &str {
        &self.module
    }

    /// The class name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The class object.
    pub fn bind<'py>(&self, py: Python<'py>) -> Result<&Bound<'py, PyType>> {
        self.class.get_or_try_init(py, || lookup(py, &self.module, &self.name).map(Bound::unbind)).map(|c| c.bind(py))
    }

    /// Whether `err` is a Python exception of this class or of a subclass of it. A class that
    /// cannot be found matches nothing (use [`ExceptionClass::get`] to see why).
    pub fn matches(&self, err: &Error) -> bool {
        let Some(p) = err.as_python() else { return false };
        with_gil(|py| Ok(p.exception().bind(py).is_instance(self.bind(py)?).unwrap_or(false))).unwrap_or(false)
    }

    /// Whether this class is `other` or derives from it.
    pub fn is_subclass_of(&self, other: &ExceptionClass) -> Result<bool> {
        with_gil(|py| self.bind(py)?.is_subclass(other.bind(py)?).map_err(|e| py_err(py, e)))
    }
}

fn lookup<'py>(py: Python<'py>, module: &str, name: &str) -> Result<Bound<'py, PyType>> {
    let m = resolve::module(py, module)?;
    let obj = resolve::getattr(&m, module, name)?;
    let base = py.get_type::<pyo3::exceptions::PyBaseException>();
    match obj.cast_into::<PyType>() {
        Ok(t) if t.is_subclass(&base).unwrap_or(false) => Ok(t),
        Ok(t) => Err(not_exception(module, name, &t.name().map(|n| n.to_string()).unwrap_or_default())),
        Err(e) => {
            let ty = e.into_inner().get_type().qualname().map(|s| s.to_string()).unwrap_or_default();
            Err(not_exception(module, name, &format!("a `{ty}` instance")))
        }
    }
}

fn not_exception(module: &str, name: &str, what: &str) -> Error {
    Error::Conversion {
        expected: "an exception class (a subclass of BaseException)".into(),
        found: format!("`{module}.{name}`, which is {what}"),
        hint: Some("name a class defined with `class MyError(Exception)`".into()),
    }
}

impl fmt::Debug for ExceptionClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExceptionClass({}.{})", self.module, self.name)
    }
}

impl Error {
    /// Whether this is a Python exception of `class` or of a subclass of it.
    pub fn is_instance(&self, class: &ExceptionClass) -> bool {
        class.matches(self)
    }
}
