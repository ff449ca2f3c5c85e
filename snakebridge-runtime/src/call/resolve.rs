//! Finding modules and callables by dotted path, once: both are cached for the process.

use std::sync::{Arc, LazyLock};

use foldhash::HashMap;

use pyo3::exceptions::{PyAttributeError, PyModuleNotFoundError};
use pyo3::prelude::*;
use pyo3::types::PyList;

use super::recent;
use crate::error::{py_err, Error, Result};
use crate::import::missing_module;
use crate::locks::{RwLock, Unlocked};
use crate::suggest::closest;

// foldhash rather than std's SipHash: hashing the two names was an eighth of a dynamic call.
// Entries are never replaced while a guard is held (the rule of `crate::locks`): a second
// thread that resolved the same name keeps its own object and drops it after the lock.
type Cache = LazyLock<RwLock<HashMap<Box<str>, Unlocked<Py<PyAny>>>>>;
/// Names are `Arc`s so that each thread's [`recent`] slots can share them.
type Callables = LazyLock<RwLock<HashMap<Arc<str>, HashMap<Arc<str>, Unlocked<Py<PyAny>>>>>>;

static MODULES: Cache = LazyLock::new(Default::default);
static CALLABLES: Callables = LazyLock::new(Default::default);

/// The cached callable `module.function`.
#[inline]
pub(crate) fn callable<'py>(py: Python<'py>, module: &str, function: &str) -> Result<Bound<'py, PyAny>> {
    if let Some(f) = recent::get(py, module, function) {
        return Ok(f);
    }
    callable_shared(py, module, function)
}

/// [`callable`] from the process-wide cache, resolving it on first use.
#[cold]
fn callable_shared<'py>(py: Python<'py>, module: &str, function: &str) -> Result<Bound<'py, PyAny>> {
    let hit = {
        let callables = CALLABLES.read();
        callables.get_key_value(module).and_then(|(m, fs)| {
            fs.get_key_value(function).map(|(name, f)| (m.clone(), name.clone(), f.bind(py).clone()))
        })
    };
    if let Some((m, name, f)) = hit {
        recent::remember(&m, &name, &f);
        return Ok(f);
    }
    let owner = self::module(py, module)?;
    let f = lookup_callable(&owner, module, function)?;
    let (m, name) = {
        let mut callables = CALLABLES.write();
        let m = callables.get_key_value(module).map_or_else(|| Arc::from(module), |(m, _)| m.clone());
        let functions = callables.entry(m.clone()).or_default();
        let name = match functions.get_key_value(function) {
            Some((name, _)) => name.clone(),
            None => {
                let name = Arc::<str>::from(function);
                functions.insert(name.clone(), Unlocked::new(f.clone().unbind()));
                name
            }
        };
        (m, name)
    };
    recent::remember(&m, &name, &f);
    Ok(f)
}

/// `owner.function`, checked to be callable.
pub(crate) fn lookup_callable<'py>(
    owner: &Bound<'py, PyAny>,
    owner_name: &str,
    function: &str,
) -> Result<Bound<'py, PyAny>> {
    let f = getattr(owner, owner_name, function)?;
    if !f.is_callable() {
        let type_name = f.get_type().qualname().map(|s| s.to_string()).unwrap_or_default();
        return Err(Error::NotCallable { path: format!("{owner_name}.{function}"), type_name });
    }
    Ok(f)
}

/// The module (or object, for a path whose tail is attributes) at the dotted `path`.
pub(crate) fn module<'py>(py: Python<'py>, path: &str) -> Result<Bound<'py, PyAny>> {
    if let Some(m) = MODULES.read().get(path) {
        return Ok(m.clone_ref(py).into_bound(py));
    }
    if crate::helpers::is_helper_module(path) {
        crate::helpers::ensure_loaded(py)?;
    }
    let m = import_path(py, path)?;
    MODULES.write().entry(path.into()).or_insert_with(|| Unlocked::new(m.clone().unbind()));
    Ok(m)
}

fn import_path<'py>(py: Python<'py>, path: &str) -> Result<Bound<'py, PyAny>> {
    if path.is_empty() || path.split('.').any(|part| part.is_empty()) {
        return Err(Error::ModuleNotFound { module: path.into(), package: path.into() });
    }
    match crate::import::import_raw(py, path) {
        Ok(m) => Ok(m.into_any()),
        Err(e) if e.is_instance_of::<PyModuleNotFoundError>(py) && missing_module(py, &e).as_deref() == Some(path) => {
            // `pkg.Class.attr`: import the longest importable prefix, walk the rest as attributes.
            match path.rsplit_once('.') {
                Some((parent, last)) => {
                    let owner = import_path(py, parent)?;
                    owner.getattr(last).map_err(|_| not_found(path))
                }
                None => Err(not_found(path)),
            }
        }
        Err(e)
            if e.is_instance_of::<PyModuleNotFoundError>(py)
                && missing_module(py, &e).is_some_and(|m| path.starts_with(&format!("{m}."))) =>
        {
            Err(not_found(&missing_module(py, &e).unwrap_or_default()))
        }
        Err(e) => Err(py_err(py, e)),
    }
}

fn not_found(module: &str) -> Error {
    Error::ModuleNotFound { module: module.into(), package: module.split('.').next().unwrap_or(module).into() }
}

/// `obj.name`, with a "did you mean" when the attribute does not exist.
pub(crate) fn getattr<'py>(obj: &Bound<'py, PyAny>, owner_name: &str, name: &str) -> Result<Bound<'py, PyAny>> {
    let py = obj.py();
    obj.getattr(name).map_err(|e| {
        if !e.is_instance_of::<PyAttributeError>(py) {
            return py_err(py, e);
        }
        let names: Vec<String> = obj
            .dir()
            .ok()
            .map(|d: Bound<'_, PyList>| d.iter().filter_map(|n| n.extract().ok()).collect())
            .unwrap_or_default();
        let suggestion = closest(name, names.iter().map(String::as_str)).map(str::to_owned);
        Error::AttributeNotFound { owner: owner_name.into(), name: name.into(), suggestion }
    })
}
