//! The names a [`Ref`](super::Ref) reports for its object's type, shared between refs.

use std::cell::RefCell;
use std::sync::Arc;

use foldhash::HashMap;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyType};

/// A type's qualified name, defining module and top-level package.
#[derive(Debug)]
pub(crate) struct TypeNames {
    pub(crate) type_name: Box<str>,
    pub(crate) python_module: Option<Box<str>>,
    pub(crate) library: Option<Box<str>>,
}

impl TypeNames {
    fn new(type_name: Box<str>, python_module: Option<Box<str>>) -> TypeNames {
        let library = python_module.as_deref().map(|m| m.split('.').next().unwrap_or(m).into());
        TypeNames { type_name, python_module, library }
    }

    /// The names of `ty`.
    ///
    /// Those of static types (builtins, most C extension types such as `numpy.ndarray`) are
    /// computed once per thread: such a type lives as long as the process, so its address
    /// names it, and its `__qualname__` and `__module__` cannot be reassigned. Classes defined
    /// in Python can be renamed or freed, so theirs are read every time.
    pub(crate) fn of(ty: &Bound<'_, PyType>) -> Arc<TypeNames> {
        // SAFETY: `ty` is a live type object, as the bound reference guarantees.
        let is_static = unsafe { ffi::PyType_GetFlags(ty.as_type_ptr()) } & ffi::Py_TPFLAGS_HEAPTYPE == 0;
        if !is_static {
            return Arc::new(TypeNames::read(ty));
        }
        let key = ty.as_type_ptr() as usize;
        let cached = STATIC_TYPES.try_with(|c| c.try_borrow().ok().and_then(|c| c.get(&key).cloned())).ok().flatten();
        if let Some(names) = cached {
            return names;
        }
        let names = Arc::new(TypeNames::read(ty));
        let _ = STATIC_TYPES.try_with(|c| c.try_borrow_mut().map(|mut c| c.insert(key, names.clone())));
        names
    }

    fn read(ty: &Bound<'_, PyType>) -> TypeNames {
        let type_name = ty.qualname().map(|s| text(&s)).unwrap_or_else(|_| "object".into());
        let python_module = ty.module().ok().map(|s| text(&s));
        TypeNames::new(type_name, python_module)
    }
}

thread_local! {
    /// Static types by address; bounded by the number of static types in the process.
    static STATIC_TYPES: RefCell<HashMap<usize, Arc<TypeNames>>> = RefCell::new(HashMap::default());
}

/// `to_str` borrows CPython's cached UTF-8, where `to_string` would format through `str()`.
fn text(s: &Bound<'_, PyString>) -> Box<str> {
    match s.to_str() {
        Ok(s) => s.into(),
        Err(_) => s.to_string_lossy().into(),
    }
}
