//! Keyword names as Python strings, made once per thread and name.
//!
//! A keyword argument needs its name as a `str`; making one per call (decoding the UTF-8 and
//! hashing it again when the callee looks it up) cost more than the rest of the keyword's
//! handling. An interned string, kept per thread, is also what the callee compares by address.

use std::cell::RefCell;
use std::collections::HashMap;

use pyo3::prelude::*;
use pyo3::types::PyString;

/// Names kept per thread before the cache starts over (a program that makes keyword names
/// on the fly must not grow it without bound).
const MAX_NAMES: usize = 1024;

thread_local! {
    static NAMES: RefCell<HashMap<Box<str>, Py<PyString>, foldhash::fast::RandomState>> =
        RefCell::new(HashMap::with_hasher(foldhash::fast::RandomState::default()));
}

/// The interned Python string `name`.
pub(crate) fn keyword<'py>(py: Python<'py>, name: &str) -> Bound<'py, PyString> {
    // Nothing inside runs Python code (dropping a `str` cannot), so the borrow is never
    // re-entered; the cache is only missing while the thread's locals are torn down.
    let cached = NAMES.try_with(|names| {
        let mut names = names.borrow_mut();
        if let Some(s) = names.get(name) {
            return s.bind(py).clone();
        }
        if names.len() >= MAX_NAMES {
            names.clear();
        }
        let s = PyString::intern(py, name);
        names.insert(name.into(), s.clone().unbind());
        s
    });
    cached.unwrap_or_else(|_| PyString::intern(py, name))
}
