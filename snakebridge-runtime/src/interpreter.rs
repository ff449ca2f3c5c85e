//! The embedded CPython interpreter: lazy start-up as the venv's Python, and venv discovery.
//!
//! The venv is found in the order shared with the macros and the CLI
//! ([`RuntimeConfig::find_venv`]): `SNAKEBRIDGE_VENV`, [`RuntimeConfig::venv`], `venv` in the
//! project's `[package.metadata.snakebridge]`, a `.venv` in the project root (the nearest
//! ancestor of the working directory that holds one), `VIRTUAL_ENV`. CPython is started as that
//! venv's `bin/python` (see `config`), so `sys.executable`, `sys.prefix`, `sys.base_prefix` and
//! `sys.path` are what that interpreter reports, and `.pth` files (editable installs) work.
//! Without a venv it starts as the Python the build was configured with.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use pyo3::prelude::*;

use snakebridge_meta::venv::VenvSearch;

use crate::error::{Error, Result};

mod config;
mod libpython;
mod preflight;

pub use libpython::{libpython_report, linked_libdir, LibpythonProblem, LibpythonReport};

/// Options for starting the interpreter; pass them to [`init`] before the first call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RuntimeConfig {
    /// The venv to use when `SNAKEBRIDGE_VENV` is not set.
    pub venv: Option<PathBuf>,
    /// Where to look for `.venv` instead of the working directory and its ancestors.
    pub project_root: Option<PathBuf>,
    /// Strict mode for refs with this threshold: a warning when a session holds more live
    /// refs (`SNAKEBRIDGE_STRICT_MODE` and `SNAKEBRIDGE_STRICT_MODE_THRESHOLD` take precedence).
    pub strict_mode: Option<usize>,
    /// Record dynamic calls in this ledger file, for `cargo snakebridge promote`
    /// (`SNAKEBRIDGE_LEDGER` takes precedence).
    pub ledger: Option<PathBuf>,
    /// Run the program's calls in worker processes started with this configuration instead
    /// of in-process (`SNAKEBRIDGE_BACKEND=workers` does the same and takes precedence).
    pub workers: Option<crate::backend::WorkerConfig>,
}

impl RuntimeConfig {
    /// A configuration that uses `venv`.
    pub fn with_venv(venv: impl Into<PathBuf>) -> Self {
        RuntimeConfig { venv: Some(venv.into()), ..Self::default() }
    }

    /// A configuration that looks for `.venv` in `root`.
    pub fn with_project_root(root: impl Into<PathBuf>) -> Self {
        RuntimeConfig { project_root: Some(root.into()), ..Self::default() }
    }

    /// Turns strict mode on: a warning when a session holds more than `threshold` live refs
    /// ([`DEFAULT_STRICT_THRESHOLD`](crate::DEFAULT_STRICT_THRESHOLD) is the usual one).
    #[must_use]
    pub fn strict_mode(mut self, threshold: usize) -> Self {
        self.strict_mode = Some(threshold);
        self
    }

    /// Records every distinct dynamic call in the ledger at `path`.
    #[must_use]
    pub fn ledger(mut self, path: impl Into<PathBuf>) -> Self {
        self.ledger = Some(path.into());
        self
    }
}

/// What the interpreter started with.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct InterpreterInfo {
    /// `sys.version`.
    pub version: String,
    /// `(major, minor)`.
    pub version_info: (u8, u8),
    /// The venv whose site-packages were added, and how it was found.
    pub venv: Option<(PathBuf, VenvSource)>,
    /// `sys.prefix` of the embedded interpreter: the venv, when there is one.
    pub prefix: PathBuf,
    /// `sys.base_prefix`: the installation the venv was made from.
    pub base_prefix: PathBuf,
    /// `sys.executable`: the venv's `python`, which `multiprocessing` and the like start.
    pub executable: PathBuf,
}

pub use snakebridge_meta::venv::VenvSource;

type Started = (RuntimeConfig, std::result::Result<InterpreterInfo, String>);

/// The configuration the interpreter was started (or failed to start) with, and the outcome.
static STARTED: OnceLock<Started> = OnceLock::new();

/// Starts the interpreter with `config`, unless it has already started.
///
/// Calls start it lazily with the default configuration, so calling this is only needed to
/// choose a venv from code, and must then come before the first call. Returns what the
/// interpreter started with; an error when the venv does not fit the interpreter, when Python
/// cannot start (a configuration that would make CPython exit the process is detected first),
/// or when it already started with another configuration (the same one again is fine).
pub fn init(config: RuntimeConfig) -> Result<&'static InterpreterInfo> {
    if STARTED.get().is_none() {
        crate::backend::configure(config.workers.clone())?;
    }
    let (started_with, outcome) = STARTED.get_or_init(|| {
        let outcome = start(&config);
        (config.clone(), outcome)
    });
    if *started_with != config {
        return Err(Error::Interpreter {
            message: format!(
                "the interpreter already started with {started_with:?}, so init({config:?}) cannot apply; call `snakebridge::init` once, before the first call (calls start it with `RuntimeConfig::default()`)"
            ),
        });
    }
    outcome.as_ref().map_err(|message| Error::Interpreter { message: message.clone() })
}

/// The program's configuration: what [`init`] was given, else the default that a first call
/// starts the interpreter with. Worker processes take their venv and `python_path` from it, so
/// that they import what the embedded interpreter would.
pub(crate) fn program_config() -> RuntimeConfig {
    STARTED.get().map(|(config, _)| config.clone()).unwrap_or_default()
}

/// Whether the interpreter started and runs: one load.
#[inline(always)]
fn started() -> bool {
    matches!(STARTED.get(), Some((_, Ok(_))))
}

/// Starts the interpreter, or says why it did not start.
#[cold]
#[inline(never)]
fn start_or_report() -> Result<()> {
    match STARTED.get() {
        Some((_, Ok(_))) => Ok(()),
        Some((_, Err(message))) => Err(Error::Interpreter { message: message.clone() }),
        None => init(RuntimeConfig::default()).map(|_| ()),
    }
}

/// Runs `f` attached to the interpreter, starting it first if needed.
#[inline(always)]
pub(crate) fn with_gil<R>(f: impl for<'py> FnOnce(Python<'py>) -> Result<R>) -> Result<R> {
    crate::locks::assert_unlocked("Python was entered");
    // The entry point of every call. Tested as a `bool`: a `Result` (as large as `Error`) cost
    // the per-call path a copy.
    if !started() {
        start_or_report()?;
    }
    Python::attach(f)
}

fn start(config: &RuntimeConfig) -> std::result::Result<InterpreterInfo, String> {
    preflight::check(|name| std::env::var_os(name))?;
    let var = |name: &str| std::env::var(name).ok();
    crate::refs::configure_strict_mode(config.strict_mode, var)?;
    crate::ledger::configure(config.ledger.as_deref(), var)?;
    let venv = discover_venv(config)?;
    let executable = match &venv {
        Some((path, _)) => Some(venv_executable(path)?),
        None => libpython::build_python().filter(|p| p.is_file()).map(Path::to_path_buf),
    };
    check_libpython(venv.as_ref().map(|(p, _)| p.as_path()))?;
    config::initialize(executable.as_deref())?;
    Python::initialize();
    Python::attach(|py| {
        let sys = py.import("sys").map_err(|e| format!("cannot import sys: {e}"))?;
        let vi: (u8, u8) = sys
            .getattr("version_info")
            .and_then(|v| Ok((v.get_item(0)?.extract()?, v.get_item(1)?.extract()?)))
            .map_err(|e| e.to_string())?;
        let text = |name: &str| -> std::result::Result<String, String> {
            sys.getattr(name).and_then(|v| v.extract()).map_err(|e| format!("sys.{name}: {e}"))
        };
        let version = text("version")?;
        let (prefix, base_prefix, executable) = (text("prefix")?, text("base_prefix")?, text("executable")?);
        if let Some((path, source)) = &venv {
            tracing::debug!(venv = %path.display(), ?source, %executable, "snakebridge: started as the venv's python");
        }
        add_python_path(py, config)?;
        crate::timeout::install(py).map_err(|e| format!("cannot install timeout support: {e}"))?;
        Ok(InterpreterInfo {
            version,
            version_info: vi,
            venv,
            prefix: prefix.into(),
            base_prefix: base_prefix.into(),
            executable: executable.into(),
        })
    })
}

/// The venv's interpreter, which CPython is started as; an error naming the fix when the venv
/// does not fit the linked Python or the Python it was made from is gone (CPython would then
/// start with another standard library, or not at all).
fn venv_executable(venv: &Path) -> std::result::Result<PathBuf, String> {
    let (major, minor) = preflight::linked_version().unwrap_or((3, 0));
    site_packages(venv, (major as u8, minor as u8))?;
    let python = snakebridge_meta::venv::python_in(venv);
    let recreate = format!("recreate it with `python{major}.{minor} -m venv --clear {}`", venv.display());
    let home = snakebridge_meta::venv::PyvenvCfg::read(venv).ok().and_then(|cfg| cfg.home);
    if let Some(home) = home.filter(|h| !h.is_dir()) {
        return Err(format!(
            "the venv {} was made by a Python in {} which no longer exists; {recreate}",
            venv.display(),
            home.display()
        ));
    }
    if !python.exists() {
        return Err(format!(
            "the venv {} has no interpreter at {} (its Python is gone or the venv is incomplete); {recreate}",
            venv.display(),
            python.display()
        ));
    }
    Ok(python)
}

/// Warns when the loaded `libpython` is not the one the build linked or the venv's base; an
/// error where the ABI differs.
fn check_libpython(venv: Option<&Path>) -> std::result::Result<(), String> {
    let report = libpython_report(venv);
    for problem in &report.problems {
        if problem.abi {
            return Err(problem.message.clone());
        }
        tracing::warn!("snakebridge: {}", problem.message);
    }
    Ok(())
}

impl RuntimeConfig {
    /// The venv that [`init`] would use with this configuration, found without starting
    /// Python, in the order the macros and `cargo snakebridge` use too (see
    /// `snakebridge_meta::venv`): `SNAKEBRIDGE_VENV`, [`RuntimeConfig::venv`], `venv` in the
    /// project's `[package.metadata.snakebridge]`, the nearest `.venv`, `VIRTUAL_ENV`.
    ///
    /// The project is [`RuntimeConfig::project_root`], else the working directory. Errs, with
    /// the fix, when the chosen path is not a venv or the `Cargo.toml` setting is malformed.
    pub fn find_venv(&self) -> Result<Option<(PathBuf, VenvSource)>> {
        discover_venv(self).map_err(|message| Error::Interpreter { message })
    }
}

/// Puts the project's `python_path` directories first on `sys.path`, as introspection put
/// them on `PYTHONPATH`, so its own modules import without an environment variable.
fn add_python_path(py: Python<'_>, config: &RuntimeConfig) -> std::result::Result<(), String> {
    let dirs = python_path_dirs(config)?;
    let path = py.import("sys").and_then(|s| s.getattr("path")).map_err(|e| format!("cannot read sys.path: {e}"))?;
    for (i, dir) in dirs.iter().enumerate() {
        path.call_method1("insert", (i, dir.to_string_lossy().as_ref()))
            .map_err(|e| format!("cannot add {} to sys.path: {e}", dir.display()))?;
        tracing::debug!(dir = %dir.display(), "snakebridge: python_path directory on sys.path");
    }
    if dirs.is_empty() {
        return Ok(());
    }
    // Child Pythons (multiprocessing's spawn and forkserver, Ray and Dask workers, our worker
    // pool) do not inherit sys.path, only the environment: os.environ also sets the
    // process's own environment (putenv), which every child then starts with.
    let environ =
        py.import("os").and_then(|os| os.getattr("environ")).map_err(|e| format!("cannot read os.environ: {e}"))?;
    let given: Option<String> = environ.call_method1("get", ("PYTHONPATH",)).and_then(|v| v.extract()).unwrap_or(None);
    let joined = pythonpath_with(&dirs, given.as_deref())?;
    environ.set_item("PYTHONPATH", joined).map_err(|e| format!("cannot set PYTHONPATH for child processes: {e}"))?;
    Ok(())
}

/// `PYTHONPATH` with `dirs` first: `given` (the current value) after them, less any of `dirs`
/// it already holds.
pub(crate) fn pythonpath_with(dirs: &[PathBuf], given: Option<&str>) -> std::result::Result<String, String> {
    let rest = given.into_iter().flat_map(std::env::split_paths).filter(|p| !dirs.contains(p));
    std::env::join_paths(dirs.iter().cloned().chain(rest))
        .map(|joined| joined.to_string_lossy().into_owned())
        .map_err(|e| format!("a python_path directory cannot go on PYTHONPATH: {e}"))
}

/// The project's `python_path` directories (`[package.metadata.snakebridge]`): what the
/// embedded interpreter and every worker process put first on `sys.path`.
pub(crate) fn python_path_dirs(config: &RuntimeConfig) -> std::result::Result<Vec<PathBuf>, String> {
    let root = match &config.project_root {
        Some(r) => r.clone(),
        None => std::env::current_dir().unwrap_or_default(),
    };
    snakebridge_meta::venv::cargo_python_path_setting(&root).map_err(|e| e.to_string())
}

fn discover_venv(config: &RuntimeConfig) -> std::result::Result<Option<(PathBuf, VenvSource)>, String> {
    let root = match &config.project_root {
        Some(r) => r.clone(),
        None => std::env::current_dir().unwrap_or_default(),
    };
    let found = VenvSearch::new(root)
        .configured(config.venv.clone())
        .find(|name| std::env::var(name).ok())
        .map_err(|e| e.to_string())?;
    match found {
        Some(venv) => venv.check().map(|()| Some((venv.path, venv.source))),
        None => Ok(None),
    }
}

fn site_packages(venv: &Path, (major, minor): (u8, u8)) -> std::result::Result<PathBuf, String> {
    let windows = venv.join("Lib").join("site-packages");
    if windows.is_dir() {
        return Ok(windows);
    }
    let unix = venv.join("lib").join(format!("python{major}.{minor}")).join("site-packages");
    if unix.is_dir() {
        return Ok(unix);
    }
    let other = std::fs::read_dir(venv.join("lib")).ok().and_then(|entries| {
        entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).find(|n| n.starts_with("python"))
    });
    Err(match other {
        Some(found) => format!(
            "the venv {} was made for {found} but the embedded interpreter is Python {major}.{minor}; recreate it with `python{major}.{minor} -m venv {}`",
            venv.display(),
            venv.display()
        ),
        None => format!("the venv {} has no site-packages directory; recreate it with `python3 -m venv {}`", venv.display(), venv.display()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_without_pyvenv_cfg_is_rejected_with_the_fix() {
        let config = RuntimeConfig::with_venv("/nonexistent/venv");
        let err = discover_venv(&config).unwrap_err();
        assert!(err.contains("python3 -m venv") && err.contains("RuntimeConfig::venv"), "{err}");
    }

    #[test]
    fn wrong_python_version_names_both() {
        let root = std::env::temp_dir().join(format!("sb-venv-ver-{}", std::process::id()));
        std::fs::create_dir_all(root.join("lib").join("python3.99").join("site-packages")).unwrap();
        let err = site_packages(&root, (3, 11)).unwrap_err();
        assert!(err.contains("python3.99") && err.contains("3.11"), "{err}");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
