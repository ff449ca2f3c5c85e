//! A callable looked up once per call site, for generated bindings and `python!`.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use super::{resolve, IntoArgs};
use crate::error::Result;
use crate::supervise::{enter_at, Door, Target};
use crate::value::FromPython;

/// `module.name`, resolved on first use and kept for the life of the process.
///
/// Generated code holds one per function in a `static`, so a call costs what a hand-written
/// pyo3 call with a cached callable costs.
pub struct CachedFunction {
    module: &'static str,
    name: &'static str,
    /// `module.name` as the call pipeline's target, made once.
    target: Target<'static>,
    cell: PyOnceLock<Py<PyAny>>,
    idempotent: bool,
}

impl CachedFunction {
    /// A function that is looked up on first call.
    pub const fn new(module: &'static str, name: &'static str) -> Self {
        CachedFunction {
            module,
            name,
            target: Target::new(Door::Call, module, name),
            cell: PyOnceLock::new(),
            idempotent: false,
        }
    }

    /// A function whose calls are idempotent: their results are cached by their arguments
    /// (`#[python_module(idempotent = [...])]`; see [`IdempotentCache`](crate::IdempotentCache)).
    pub const fn idempotent(module: &'static str, name: &'static str) -> Self {
        CachedFunction {
            module,
            name,
            target: Target::new(Door::Call, module, name),
            cell: PyOnceLock::new(),
            idempotent: true,
        }
    }

    /// The Python callable.
    #[inline]
    pub fn bind<'py>(&self, py: Python<'py>) -> Result<&Bound<'py, PyAny>> {
        match self.cell.get(py) {
            Some(f) => Ok(f.bind(py)),
            None => self.resolve(py),
        }
    }

    #[cold]
    #[inline(never)]
    fn resolve<'py>(&self, py: Python<'py>) -> Result<&Bound<'py, PyAny>> {
        self.cell
            .get_or_try_init(py, || {
                let owner = resolve::module(py, self.module)?;
                resolve::lookup_callable(&owner, self.module, self.name).map(Bound::unbind)
            })
            .map(|f| f.bind(py))
    }

    /// `(module, name)`, for the stream limit of a stream started through it.
    pub(crate) fn target(&self) -> (&'static str, &'static str) {
        (self.module, self.name)
    }

    /// Calls it, converting the result to `R`.
    #[inline]
    pub fn call<R: FromPython>(&self, args: impl IntoArgs) -> Result<R> {
        if crate::backend::remote_possible() {
            // Out of process there is no cached callable: the dynamic door resolves it in the worker.
            return super::call_as(self.module, self.name, args);
        }
        // Inlined: an outlined closure returns its `Result` (as large as `Error`) through a copy.
        enter_at(
            &self.target,
            args.options(),
            #[inline(always)]
            |py| super::invoke(self.bind(py)?, self.module, self.name, &args, self.idempotent),
        )
    }
}
