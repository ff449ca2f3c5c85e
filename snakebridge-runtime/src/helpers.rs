//! Named Python helper functions: the built-in pack and the user's helper paths,
//! called with [`call_helper`].
//!
//! A helper file is a Python file whose functions register with the `helper` decorator of
//! the `snakebridge_helpers` module (the runtime provides that module):
//!
//! ```python
//! from snakebridge_helpers import helper
//!
//! @helper("mylib.double")
//! def double(x):
//!     return 2 * x
//! ```
//!
//! The registry loads on the first [`call_helper`] or [`helpers`]: the built-in pack (names
//! starting `snakebridge.`) unless disabled, then each helper path in order (a file, or
//! every `*.py` file of a directory not starting with `_`, sorted by name); a later helper of
//! the same name replaces an earlier one. [`configure_helpers`] changes the configuration
//! and makes the next call load again.

use std::ffi::CString;
use std::path::{Path, PathBuf};

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyModule};

use crate::call::{IntoArgs, PyArgs};
use crate::error::{py_err, Error, PythonError, Result};
use crate::interpreter::with_gil;
use crate::locks::{Mutex, Unlocked};
use crate::suggest::closest;
use crate::value::{FromPython, Value};

const REGISTRY_SOURCE: &str = include_str!("../python/snakebridge_helpers/__init__.py");
const PACK_SOURCE: &str = include_str!("../python/snakebridge_helpers/builtin.py");

/// Where helpers come from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HelperConfig {
    /// Whether the built-in pack (`snakebridge.*` helpers) is loaded. Default: true, unless
    /// `SNAKEBRIDGE_HELPER_PACK` is `0` or `false`.
    pub pack_enabled: bool,
    /// Helper files and directories, loaded in order. Default: `SNAKEBRIDGE_HELPER_PATHS`,
    /// split like `PATH` (`:` on Unix, `;` on Windows).
    pub paths: Vec<PathBuf>,
}

impl Default for HelperConfig {
    fn default() -> Self {
        Self::from_env()
    }
}

impl HelperConfig {
    /// The configuration from `SNAKEBRIDGE_HELPER_PACK` and `SNAKEBRIDGE_HELPER_PATHS`.
    pub fn from_env() -> Self {
        let pack_enabled = !std::env::var("SNAKEBRIDGE_HELPER_PACK")
            .is_ok_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "0" | "false" | "no" | "off"));
        let paths = std::env::var_os("SNAKEBRIDGE_HELPER_PATHS")
            .map(|v| std::env::split_paths(&v).filter(|p| !p.as_os_str().is_empty()).collect())
            .unwrap_or_default();
        HelperConfig { pack_enabled, paths }
    }

    /// No built-in pack and no paths.
    pub fn empty() -> Self {
        HelperConfig { pack_enabled: false, paths: Vec::new() }
    }

    /// Turns the built-in pack on or off.
    #[must_use]
    pub fn pack(mut self, enabled: bool) -> Self {
        self.pack_enabled = enabled;
        self
    }

    /// Adds a helper file or directory.
    #[must_use]
    pub fn path(mut self, path: impl Into<PathBuf>) -> Self {
        self.paths.push(path.into());
        self
    }
}

/// A registered helper.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HelperInfo {
    /// The name to pass to [`call_helper`].
    pub name: String,
    /// The function's docstring.
    pub doc: Option<String>,
    /// The file that defines it.
    pub source: Option<String>,
}

struct State {
    config: Option<HelperConfig>,
    /// Bumped by [`configure_helpers`], so that a load racing with it is not kept.
    generation: u64,
    /// Dropped only with no lock held (the rule of `crate::locks`): a helper may hold objects
    /// whose `__del__` runs Python.
    registry: Option<Unlocked<Py<PyDict>>>,
}

static STATE: Mutex<State> = Mutex::new(State { config: None, generation: 0, registry: None });

/// Replaces the helper configuration; the next [`call_helper`] loads the registry again.
pub fn configure_helpers(config: HelperConfig) {
    let old = {
        let mut state = STATE.lock();
        state.config = Some(config);
        state.generation += 1;
        state.registry.take()
    };
    drop(old);
}

/// Loads the registry again from the current configuration (after helper files changed).
pub fn reload_helpers() -> Result<()> {
    let old = {
        let mut state = STATE.lock();
        state.generation += 1;
        state.registry.take()
    };
    drop(old);
    with_gil(|py| registry(py).map(drop))
}

/// Calls the helper `name` with `args`; [`Error::HelperNotFound`] (with a "did you mean")
/// when no helper has that name, [`Error::HelperLoad`] when a helper file fails to load.
///
/// ```no_run
/// use snakebridge_runtime::call_helper;
/// # fn main() -> snakebridge_runtime::Result<()> {
/// let info = call_helper("snakebridge.python_info", ())?;
/// println!("Python {}", info.get("version").and_then(|v| v.as_str()).unwrap_or("?"));
/// # Ok(()) }
/// ```
pub fn call_helper(name: &str, args: impl IntoArgs) -> Result<Value> {
    call_helper_as(name, args)
}

/// [`call_helper`], converting the result to `R` straight from Python.
pub fn call_helper_as<R: FromPython>(name: &str, args: impl IntoArgs) -> Result<R> {
    use crate::supervise::{enter, Door, Target};
    if let Some(e) = crate::supervise::local_only(Door::Helper, args.options()) {
        return Err(e);
    }
    // Helpers run under the same time limit and telemetry as any call, their loading included.
    enter(Target::new(Door::Helper, "helpers", name), args.options(), |py| {
        let registry = registry(py)?;
        let Some(helper) = registry.get_item(name).map_err(|e| py_err(py, e))? else {
            let names: Vec<String> = registry.keys().iter().filter_map(|k| k.extract().ok()).collect();
            let suggestion = closest(name, names.iter().map(String::as_str)).map(str::to_owned);
            return Err(Error::HelperNotFound { helper: name.into(), suggestion });
        };
        let PyArgs { args, kwargs } = args.to_py_args(py)?;
        let result = helper.call(args, kwargs.as_ref()).map_err(|e| py_err(py, e))?;
        R::from_python(&result)
    })
}

/// Every registered helper, sorted by name (the seed's `Helpers.discover`).
pub fn helpers() -> Result<Vec<HelperInfo>> {
    with_gil(|py| {
        let registry = registry(py)?;
        let mut out = Vec::with_capacity(registry.len());
        for (name, f) in registry.iter() {
            let text = |attr: &str| f.getattr(attr).ok().and_then(|v| v.extract::<Option<String>>().ok()).flatten();
            let source =
                f.getattr("__code__").ok().and_then(|c| c.getattr("co_filename").ok()).and_then(|s| s.extract().ok());
            out.push(HelperInfo { name: name.extract().map_err(|e| py_err(py, e))?, doc: text("__doc__"), source });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    })
}

/// Whether `module` is one the registry defines: `snakebridge_helpers` (and the built-in pack,
/// `snakebridge_helpers.builtin`) or a helper file (`snakebridge_user_helpers.<stem>`). Such
/// modules exist once the registry has loaded, so `#[python_module]` bindings of them load it
/// first (typed helpers; `call_helper` stays the dynamic path).
pub(crate) fn is_helper_module(module: &str) -> bool {
    let top = module.split('.').next().unwrap_or(module);
    top == "snakebridge_helpers" || top == "snakebridge_user_helpers"
}

/// Loads the registry if it is not loaded, so that its modules import.
pub(crate) fn ensure_loaded(py: Python<'_>) -> Result<()> {
    registry(py).map(drop)
}

/// The loaded registry dict, loading it first if needed.
fn registry(py: Python<'_>) -> Result<Bound<'_, PyDict>> {
    let (config, generation) = {
        let mut state = STATE.lock();
        if let Some(r) = &state.registry {
            return Ok(r.bind(py).clone());
        }
        (state.config.get_or_insert_with(HelperConfig::from_env).clone(), state.generation)
    };
    // Loading runs Python (imports release the interpreter), so the lock is not held here;
    // two threads may both load, which only repeats the work.
    let loaded = load(py, &config)?;
    let replaced = {
        let mut state = STATE.lock();
        if state.generation == generation {
            state.registry.replace(Unlocked::new(loaded.clone().unbind()))
        } else {
            None
        }
    };
    drop(replaced);
    Ok(loaded)
}

fn load<'py>(py: Python<'py>, config: &HelperConfig) -> Result<Bound<'py, PyDict>> {
    let module = registry_module(py)?;
    module.call_method0("reset").map_err(|e| py_err(py, e))?;
    if config.pack_enabled {
        exec_embedded(py, PACK_SOURCE, "snakebridge_helpers/builtin.py", "snakebridge_helpers.builtin").map_err(
            |e| Error::HelperLoad {
                path: "<built-in pack> snakebridge_helpers/builtin.py".into(),
                message: e.to_string(),
            },
        )?;
    }
    for path in &config.paths {
        for file in helper_files(path)? {
            module.call_method1("load_file", (file.as_os_str(),)).map_err(|e| Error::HelperLoad {
                path: file.display().to_string(),
                message: describe(PythonError::from_pyerr(py, e)),
            })?;
        }
    }
    // Helper modules cannot be imported by a worker process; a pool must send their functions by value.
    crate::pickling::install(py)?.call_method0("helpers_loaded").map_err(|e| py_err(py, e))?;
    let registry = module.getattr("_REGISTRY").map_err(|e| py_err(py, e))?;
    registry.cast_into::<PyDict>().map_err(|e| py_err(py, e.into()))
}

/// `snakebridge_helpers`, imported once per process from the source embedded in the binary.
fn registry_module(py: Python<'_>) -> Result<Bound<'_, PyModule>> {
    let modules = py.import("sys").and_then(|s| s.getattr("modules")).map_err(|e| py_err(py, e))?;
    if let Ok(m) = modules.get_item("snakebridge_helpers") {
        if let Ok(m) = m.cast_into::<PyModule>() {
            return Ok(m);
        }
    }
    exec_embedded(py, REGISTRY_SOURCE, "snakebridge_helpers/__init__.py", "snakebridge_helpers")
        .map_err(|e| py_err(py, e))
}

/// Runs Python `source` embedded in the binary as the module `name` (put in `sys.modules`).
pub(crate) fn exec_embedded<'py>(
    py: Python<'py>,
    source: &str,
    file: &str,
    name: &str,
) -> PyResult<Bound<'py, PyModule>> {
    let c = |s: &str| CString::new(s).expect("embedded helper sources contain no NUL byte");
    PyModule::from_code(py, &c(source), &c(file), &c(name))
}

/// The Python files a helper path stands for.
fn helper_files(path: &Path) -> Result<Vec<PathBuf>> {
    let load_error = |message: String| Error::HelperLoad { path: path.display().to_string(), message };
    let meta = std::fs::metadata(path).map_err(|e| load_error(format!("cannot read it: {e}")))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| load_error(format!("cannot list the directory: {e}")))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|e| e == "py")
                && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('_'))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// The exception and where it was raised in the helper file: the last traceback frame.
fn describe(e: PythonError) -> String {
    let frame = e
        .traceback
        .as_deref()
        .and_then(|tb| tb.lines().rfind(|l| l.trim_start().starts_with("File ")))
        .map(|l| format!(" ({})", l.trim()));
    format!("{e}{}", frame.unwrap_or_default())
}
