//! How arguments reach Python: positional tuples, the [`Args`] builder and [`args!`](crate::args).

use std::borrow::Cow;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};

use super::options::CallOptions;
use crate::error::{py_err, Result};
use crate::session::Session;
use crate::value::ToPython;

/// The converted arguments of one call.
pub struct PyArgs<'py> {
    /// Positional arguments.
    pub args: Bound<'py, PyTuple>,
    /// Keyword arguments, if any.
    pub kwargs: Option<Bound<'py, PyDict>>,
}

/// Anything that can be the arguments of a call: a tuple of [`ToPython`] values (`()`,
/// `(16,)`, `("a", 2)`), a `Vec` of them, or [`Args`] for keyword arguments and options.
pub trait IntoArgs {
    /// Converts the arguments for a call.
    fn to_py_args<'py>(&self, py: Python<'py>) -> Result<PyArgs<'py>>;

    /// Per-call options, if any.
    fn options(&self) -> Option<&CallOptions> {
        None
    }

    /// How many arguments (positional and keyword) these are, when known: the call ledger
    /// records it.
    fn arity(&self) -> Option<usize> {
        None
    }

    /// Calls `callable` with these arguments.
    ///
    /// The default builds the argument tuple with [`IntoArgs::to_py_args`]; positional Rust
    /// tuples override it to use CPython's vectorcall protocol, which needs no tuple at all.
    fn call_with<'py>(&self, callable: &Bound<'py, PyAny>) -> Result<Bound<'py, PyAny>> {
        let py = callable.py();
        let PyArgs { args, kwargs } = self.to_py_args(py)?;
        callable.call(args, kwargs.as_ref()).map_err(|e| py_err(py, e))
    }

    /// Calls the method `name` of `obj` with these arguments. Overridden where a faster call
    /// exists: a tuple goes by `PyObject_VectorcallMethod`, with no bound method made.
    fn call_method_with<'py>(&self, obj: &Bound<'py, PyAny>, name: &Bound<'py, PyString>) -> Result<Bound<'py, PyAny>> {
        let py = obj.py();
        let PyArgs { args, kwargs } = self.to_py_args(py)?;
        obj.call_method(name, args, kwargs.as_ref()).map_err(|e| py_err(py, e))
    }
}

impl IntoArgs for () {
    fn arity(&self) -> Option<usize> {
        Some(0)
    }

    #[inline]
    fn to_py_args<'py>(&self, py: Python<'py>) -> Result<PyArgs<'py>> {
        Ok(PyArgs { args: PyTuple::empty(py), kwargs: None })
    }

    #[inline]
    fn call_with<'py>(&self, callable: &Bound<'py, PyAny>) -> Result<Bound<'py, PyAny>> {
        callable.call0().map_err(|e| py_err(callable.py(), e))
    }

    #[inline]
    fn call_method_with<'py>(&self, obj: &Bound<'py, PyAny>, name: &Bound<'py, PyString>) -> Result<Bound<'py, PyAny>> {
        obj.call_method0(name).map_err(|e| py_err(obj.py(), e))
    }
}

macro_rules! tuple_args {
    ($($T:ident $i:tt),+) => {
        impl<$($T: ToPython),+> IntoArgs for ($($T,)+) {
            fn arity(&self) -> Option<usize> {
                Some([$(stringify!($T)),+].len())
            }

            #[inline]
            fn to_py_args<'py>(&self, py: Python<'py>) -> Result<PyArgs<'py>> {
                let items = [$(self.$i.to_python(py)?),+];
                Ok(PyArgs { args: PyTuple::new(py, items).map_err(|e| py_err(py, e))?, kwargs: None })
            }

            #[inline]
            fn call_with<'py>(&self, callable: &Bound<'py, PyAny>) -> Result<Bound<'py, PyAny>> {
                let py = callable.py();
                // A Rust tuple of Python objects: pyo3 passes it by vectorcall.
                let args = ($(self.$i.to_python(py)?,)+);
                callable.call1(args).map_err(|e| py_err(py, e))
            }

            #[inline]
            fn call_method_with<'py>(&self, obj: &Bound<'py, PyAny>, name: &Bound<'py, PyString>) -> Result<Bound<'py, PyAny>> {
                let py = obj.py();
                let args = ($(self.$i.to_python(py)?,)+);
                obj.call_method1(name, args).map_err(|e| py_err(py, e))
            }
        }
    };
}
tuple_args!(A 0);
tuple_args!(A 0, B 1);
tuple_args!(A 0, B 1, C 2);
tuple_args!(A 0, B 1, C 2, D 3);
tuple_args!(A 0, B 1, C 2, D 3, E 4);
tuple_args!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_args!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_args!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
tuple_args!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
tuple_args!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
tuple_args!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
tuple_args!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);

impl<T: ToPython> IntoArgs for Vec<T> {
    fn arity(&self) -> Option<usize> {
        Some(self.len())
    }

    fn to_py_args<'py>(&self, py: Python<'py>) -> Result<PyArgs<'py>> {
        let items = self.iter().map(|v| v.to_python(py)).collect::<Result<Vec<_>>>()?;
        Ok(PyArgs { args: PyTuple::new(py, items).map_err(|e| py_err(py, e))?, kwargs: None })
    }
}

impl<A: IntoArgs + ?Sized> IntoArgs for &A {
    fn to_py_args<'py>(&self, py: Python<'py>) -> Result<PyArgs<'py>> {
        (**self).to_py_args(py)
    }

    fn options(&self) -> Option<&CallOptions> {
        (**self).options()
    }

    fn arity(&self) -> Option<usize> {
        (**self).arity()
    }

    fn call_with<'py>(&self, callable: &Bound<'py, PyAny>) -> Result<Bound<'py, PyAny>> {
        (**self).call_with(callable)
    }

    fn call_method_with<'py>(&self, obj: &Bound<'py, PyAny>, name: &Bound<'py, PyString>) -> Result<Bound<'py, PyAny>> {
        (**self).call_method_with(obj, name)
    }
}

/// Positional and keyword arguments plus per-call options, built up one by one.
///
/// Usually written with [`args!`](crate::args): `args!(3.14159, ndigits = 2)`.
#[derive(Default)]
#[must_use]
pub struct Args<'a> {
    positional: Vec<Box<dyn ToPython + 'a>>,
    keywords: Vec<(Cow<'a, str>, Box<dyn ToPython + 'a>)>,
    options: CallOptions,
}

impl<'a> Args<'a> {
    /// No arguments.
    pub fn new() -> Self {
        Args::default()
    }

    /// Adds a positional argument.
    pub fn arg(mut self, value: impl ToPython + 'a) -> Self {
        self.positional.push(Box::new(value));
        self
    }

    /// Adds a keyword argument.
    pub fn kwarg(mut self, name: impl Into<Cow<'a, str>>, value: impl ToPython + 'a) -> Self {
        self.keywords.push((name.into(), Box::new(value)));
        self
    }

    /// Runs the call in `session` instead of the current one.
    pub fn session(mut self, session: &Session) -> Self {
        self.options.session = Some(session.clone());
        self
    }

    /// Interrupts the call if it runs longer than `timeout` (replaces the profile's limit).
    pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
        self.options.timeout = Some(crate::CallTimeout::After(timeout));
        self
    }

    /// Runs the call without a time limit.
    pub fn no_timeout(mut self) -> Self {
        self.options.timeout = Some(crate::CallTimeout::Never);
        self
    }

    /// Marks the call idempotent: a result cached for the same arguments is returned without
    /// calling Python (see [`IdempotentCache`](crate::IdempotentCache)).
    pub fn idempotent(mut self) -> Self {
        self.options.idempotent = true;
        self
    }

    /// Runs the call under the timeout profile `name` (`"ml_inference"`, `"batch_job"`, …).
    pub fn timeout_profile(mut self, name: impl Into<String>) -> Self {
        self.options.timeout_profile = Some(name.into());
        self
    }

    pub(crate) fn positional_values(&self) -> &[Box<dyn ToPython + 'a>] {
        &self.positional
    }

    pub(crate) fn keyword_values(&self) -> &[(Cow<'a, str>, Box<dyn ToPython + 'a>)] {
        &self.keywords
    }

    /// Replaces the per-call options.
    pub fn options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }
}

/// The tuple of the `n` `values`, converted straight into it (no intermediate vector).
pub(crate) fn tuple_of<'a, 'py>(
    py: Python<'py>,
    n: usize,
    values: impl IntoIterator<Item = &'a (dyn ToPython + 'a)>,
) -> Result<Bound<'py, PyTuple>> {
    // SAFETY: a new tuple of `n` empty slots; on error it is dropped with the slots not yet
    // filled still null, which the tuple's deallocator allows.
    let tuple = unsafe { Bound::from_owned_ptr_or_err(py, pyo3::ffi::PyTuple_New(n as pyo3::ffi::Py_ssize_t)) }
        .map_err(|e| py_err(py, e))?;
    let mut filled = 0;
    for (i, value) in values.into_iter().enumerate().take(n) {
        let item = value.to_python(py)?;
        // SAFETY: `i < n`, the slot is empty, and SET_ITEM takes over the new reference.
        unsafe { pyo3::ffi::PyTuple_SET_ITEM(tuple.as_ptr(), i as pyo3::ffi::Py_ssize_t, item.into_ptr()) };
        filled += 1;
    }
    // A tuple with an empty slot must never reach Python.
    assert_eq!(filled, n, "tuple_of was given fewer values than it was told");
    // SAFETY: `tuple_of`'s result is a tuple.
    Ok(unsafe { tuple.cast_into_unchecked() })
}

impl IntoArgs for Args<'_> {
    fn to_py_args<'py>(&self, py: Python<'py>) -> Result<PyArgs<'py>> {
        let args = tuple_of(py, self.positional.len(), self.positional.iter().map(|v| &**v))?;
        let kwargs = if self.keywords.is_empty() {
            None
        } else {
            let d = PyDict::new(py);
            for (k, v) in &self.keywords {
                d.set_item(super::keyword(py, k), v.to_python(py)?).map_err(|e| py_err(py, e))?;
            }
            Some(d)
        };
        Ok(PyArgs { args, kwargs })
    }

    fn options(&self) -> Option<&CallOptions> {
        Some(&self.options)
    }

    fn arity(&self) -> Option<usize> {
        Some(self.positional.len() + self.keywords.len())
    }
}

/// Builds [`Args`]: positional values first, then `name = value` keyword arguments.
///
/// ```no_run
/// use snakebridge_runtime::{args, call};
/// # fn main() -> snakebridge_runtime::Result<()> {
/// let rounded = call("builtins", "round", args!(3.14159, ndigits = 2))?;
/// let text = call("json", "dumps", args!(vec![1, 2], indent = 2, sort_keys = true))?;
/// # Ok(()) }
/// ```
#[macro_export]
macro_rules! args {
    (@acc $acc:expr ;) => { $acc };
    (@acc $acc:expr ; $name:ident = $value:expr $(, $($rest:tt)*)?) => {
        $crate::args!(@acc $acc.kwarg(::core::stringify!($name), $value) ; $($($rest)*)?)
    };
    (@acc $acc:expr ; $value:expr $(, $($rest:tt)*)?) => {
        $crate::args!(@acc $acc.arg($value) ; $($($rest)*)?)
    };
    ($($rest:tt)*) => { $crate::args!(@acc $crate::Args::new() ; $($rest)*) };
}
