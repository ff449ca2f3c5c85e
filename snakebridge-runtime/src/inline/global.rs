//! A dotted global name (`math.sqrt`, `os.path.join`, `len`) resolved once per call site.

use pyo3::exceptions::PyModuleNotFoundError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyModule, PyString};

use super::{check, getattr};
use crate::error::{py_err, Result};

/// The object at a dotted path whose first name is a builtin or a module.
///
/// Resolution follows Python: the first name is a builtin if `builtins` has it, else a module
/// that is imported; each following name is an attribute, or a submodule imported when the
/// package has not imported it itself (`xml.etree`). As a callee the whole path is cached; as
/// a value only the module part is, and the attributes after it are read on each use, so a
/// rebound module attribute (`mod.counter`) is never stale.
pub struct Global {
    path: &'static [&'static str],
    callee: PyOnceLock<Py<PyAny>>,
    module: PyOnceLock<(Py<PyAny>, Vec<Py<PyString>>)>,
}

impl Global {
    /// A path of one or more names, resolved on first use.
    pub const fn new(path: &'static [&'static str]) -> Self {
        Global { path, callee: PyOnceLock::new(), module: PyOnceLock::new() }
    }

    /// The object at the whole path, looked up once.
    #[inline]
    pub fn callee<'a, 'py>(&'a self, py: Python<'py>) -> Result<&'a Bound<'py, PyAny>> {
        if crate::ledger::on() {
            self.record(py);
        }
        self.callee.get_or_try_init(py, || self.resolve(py).map(Bound::unbind)).map(|f| f.bind(py))
    }

    /// The object at the whole path, with the attributes after the module part read now.
    #[inline]
    pub fn value<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        let (module, rest) = self.module.get_or_try_init(py, || self.module_part(py))?;
        let mut obj = module.bind(py).clone();
        for name in rest {
            obj = getattr(&obj, name.bind(py))?;
        }
        Ok(obj)
    }

    /// The call ledger's entry: a builtin (`len`) is `builtins`, else the deepest module on the
    /// path and the names after it (`pathlib.Path.cwd` is `Path.cwd` in `pathlib`, so that
    /// `promote` includes the class). A path that does not resolve is split at its last name.
    #[cold]
    fn record(&self, py: Python<'_>) {
        use snakebridge_meta::ledger::CallKind;
        // `module_part` has decided between a builtin and a module already.
        let attrs = match self.module.get_or_try_init(py, || self.module_part(py)) {
            Ok((first, _)) if !first.bind(py).is_instance_of::<PyModule>() => None,
            Ok((_, rest)) => Some(rest.len().max(1)),
            Err(_) => (self.path.len() > 1).then_some(1),
        };
        let (module, name) = match attrs {
            None => ("builtins".to_owned(), self.path.join(".")),
            Some(attrs) => {
                let (module, names) = self.path.split_at(self.path.len() - attrs);
                (module.join("."), names.join("."))
            }
        };
        crate::ledger::record::<str>(CallKind::Inline, &module, &name, None::<&()>);
    }

    fn resolve<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        let (module, rest) = self.module_part(py)?;
        let mut obj = module.into_bound(py);
        for name in rest {
            obj = getattr(&obj, name.bind(py))?;
        }
        Ok(obj)
    }

    /// The deepest module on the path (or the builtin the path starts with), and the
    /// attribute names after it.
    fn module_part(&self, py: Python<'_>) -> Result<(Py<PyAny>, Vec<Py<PyString>>)> {
        let first = self.path[0];
        let builtins = check(py, py.import("builtins"))?;
        let mut cached = match check(py, builtins.getattr_opt(first))? {
            Some(b) => b,
            None => import(py, first)?,
        };
        let mut used = 1;
        while used < self.path.len() && cached.is_instance_of::<PyModule>() {
            let name = PyString::intern(py, self.path[used]);
            let next = match check(py, cached.getattr_opt(&name))? {
                Some(next) => next,
                None => {
                    // A submodule the package does not import itself: import it, as `import a.b` would.
                    let dotted = self.path[..=used].join(".");
                    match crate::import::import_raw(py, dotted.as_str()) {
                        Ok(m) => m.into_any(),
                        Err(e) if e.is_instance_of::<PyModuleNotFoundError>(py) => {
                            return Err(getattr(&cached, &name).err().unwrap_or_else(|| py_err(py, e)))
                        }
                        Err(e) => return Err(py_err(py, e)),
                    }
                }
            };
            if !next.is_instance_of::<PyModule>() {
                break;
            }
            cached = next;
            used += 1;
        }
        let rest = self.path[used..].iter().map(|n| PyString::intern(py, n).unbind()).collect();
        Ok((cached.unbind(), rest))
    }
}

fn import<'py>(py: Python<'py>, name: &str) -> Result<Bound<'py, PyAny>> {
    crate::import::import(py, name).map(Bound::into_any)
}
