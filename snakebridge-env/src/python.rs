//! The project's venv seen from outside: which `python` makes it, what interpreter it has,
//! what is installed in it. Everything here runs the venv's own `python` in a subprocess, so
//! it works before the embedded interpreter starts and never changes the running process.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde::Deserialize;

use snakebridge_runtime::Result;

use super::requirement::normalize_name;
use super::sources::{find_on_path, run_with_timeout};
use snakebridge_meta::environment_error::EnvironmentError;

/// The `(major, minor)` of the CPython that snakebridge embeds (the libpython it links).
pub fn embedded_python_version() -> (u8, u8) {
    // SAFETY: Py_GetVersion returns a static NUL-terminated string and is one of the few
    // functions CPython documents as safe to call before the interpreter is initialised.
    let text = unsafe { std::ffi::CStr::from_ptr(snakebridge_runtime::pyo3::ffi::Py_GetVersion()) }
        .to_string_lossy()
        .into_owned();
    let mut parts = text.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty());
    let major = parts.next().and_then(|p| p.parse().ok()).unwrap_or(3);
    let minor = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    (major, minor)
}

/// The Python to create venvs with: `SNAKEBRIDGE_PYTHON`, else `python3.X` matching the
/// embedded interpreter, else `python3`, else `python`.
pub fn find_python() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("SNAKEBRIDGE_PYTHON").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        let p = if p.components().count() == 1 { find_on_path(&p.to_string_lossy()).unwrap_or(p) } else { p };
        if p.is_file() {
            return Ok(p);
        }
        return Err(EnvironmentError::new(
            format!("SNAKEBRIDGE_PYTHON is {} but no such program exists", p.display()),
            "point SNAKEBRIDGE_PYTHON at a Python interpreter, or unset it to use python3 from PATH",
        )
        .into());
    }
    let (major, minor) = embedded_python_version();
    [format!("python{major}.{minor}"), "python3".into(), "python".into()]
        .iter()
        .find_map(|name| find_on_path(name))
        .ok_or_else(|| {
            EnvironmentError::new(
                "no Python interpreter on PATH (looked for python{major}.{minor}, python3, python)".replace("{major}", &major.to_string()).replace("{minor}", &minor.to_string()),
                format!("install Python {major}.{minor} (the version snakebridge embeds) or set SNAKEBRIDGE_PYTHON to its path"),
            )
            .into()
        })
}

/// What a venv's interpreter reports about itself, and what is installed in it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct InterpreterDetails {
    /// `platform.python_version()` (`3.11.7`).
    pub version: String,
    /// `platform.python_implementation()` (`CPython`).
    pub implementation: String,
    /// `sysconfig.get_platform()` (`linux-x86_64`).
    pub platform: String,
    /// `sys.executable`.
    pub executable: PathBuf,
    /// `sys.prefix`.
    pub prefix: PathBuf,
    /// `sys.base_prefix`: the installation the venv was made from.
    pub base_prefix: PathBuf,
    /// `site.getsitepackages()`.
    pub site_packages: Vec<PathBuf>,
    /// The shared libpython of that installation, if it has one.
    pub libpython: Option<PathBuf>,
    /// Installed distributions: normalised name → version.
    pub packages: BTreeMap<String, String>,
    /// The PEP 508 environment marker variables (`python_version`, `sys_platform`,
    /// `platform_machine`, …) of this interpreter, as `packaging` computes them.
    #[serde(default)]
    pub markers: BTreeMap<String, String>,
}

impl InterpreterDetails {
    /// `(major, minor)` of [`version`](Self::version).
    pub fn major_minor(&self) -> Option<(u8, u8)> {
        let mut parts = self.version.split('.');
        Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
    }
}

const INSPECT: &str = r#"
import json, os, platform, site, sys, sysconfig
from importlib import metadata
packages = {}
for dist in metadata.distributions():
    name = dist.metadata["Name"]
    if name:
        packages.setdefault(name, dist.version)
lib, libdir = sysconfig.get_config_var("LDLIBRARY"), sysconfig.get_config_var("LIBDIR")
impl = sys.implementation.version
impl_version = "%d.%d.%d" % (impl.major, impl.minor, impl.micro)
if impl.releaselevel != "final":
    impl_version += impl.releaselevel[0] + str(impl.serial)
markers = {
    "implementation_name": sys.implementation.name,
    "implementation_version": impl_version,
    "os_name": os.name,
    "platform_machine": platform.machine(),
    "platform_python_implementation": platform.python_implementation(),
    "platform_release": platform.release(),
    "platform_system": platform.system(),
    "platform_version": platform.version(),
    "python_full_version": platform.python_version(),
    "python_version": ".".join(platform.python_version_tuple()[:2]),
    "sys_platform": sys.platform,
}
print(json.dumps({
    "version": platform.python_version(),
    "implementation": platform.python_implementation(),
    "platform": sysconfig.get_platform(),
    "executable": sys.executable,
    "prefix": sys.prefix,
    "base_prefix": sys.base_prefix,
    "site_packages": site.getsitepackages(),
    "libpython": os.path.join(libdir, lib) if lib and libdir else None,
    "packages": packages,
    "markers": markers,
}))
"#;

/// A venv directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonEnv {
    /// The venv's root directory (the one holding `pyvenv.cfg`).
    pub venv: PathBuf,
}

impl PythonEnv {
    /// The venv at `venv` (which may not exist yet).
    pub fn new(venv: impl Into<PathBuf>) -> Self {
        PythonEnv { venv: venv.into() }
    }

    /// Its interpreter (`bin/python`, or `Scripts\python.exe` on Windows).
    pub fn python(&self) -> PathBuf {
        if cfg!(windows) {
            self.venv.join("Scripts").join("python.exe")
        } else {
            self.venv.join("bin").join("python")
        }
    }

    /// Whether a venv exists there (it has a `pyvenv.cfg`).
    pub fn exists(&self) -> bool {
        self.venv.join("pyvenv.cfg").is_file()
    }

    /// Creates the venv with `python -m venv`.
    pub fn create(&self, python: &Path) -> Result<()> {
        let out =
            run_with_timeout(Command::new(python).arg("-m").arg("venv").arg(&self.venv), Duration::from_secs(300))
                .ok_or_else(|| {
                    EnvironmentError::new(
                        format!("cannot run {}", python.display()),
                        "install Python 3 or set SNAKEBRIDGE_PYTHON to a working interpreter",
                    )
                })?;
        if !out.success {
            return Err(EnvironmentError::new(
                format!("`{} -m venv {}` failed: {}", python.display(), self.venv.display(), out.stderr.trim()),
                "on Debian/Ubuntu install the venv module (`apt install python3-venv`), or set SNAKEBRIDGE_PYTHON to another interpreter",
            )
            .into());
        }
        Ok(())
    }

    /// Asks the venv's interpreter about itself and its installed packages.
    ///
    /// A venv whose interpreter is missing or does not run is reported as broken, with the
    /// command that recreates it.
    pub fn inspect(&self) -> Result<InterpreterDetails> {
        let python = self.python();
        let recreate = format!("remove {} and run `cargo snakebridge setup` to recreate it", self.venv.display());
        if !self.exists() {
            return Err(EnvironmentError::new(
                format!("{} is not a venv (no pyvenv.cfg)", self.venv.display()),
                "run `cargo snakebridge setup` to create it",
            )
            .into());
        }
        if !python.is_file() {
            return Err(EnvironmentError::new(
                format!("the venv {} is broken: {} is missing", self.venv.display(), python.display()),
                recreate,
            )
            .into());
        }
        let out = run_with_timeout(Command::new(&python).arg("-I").arg("-c").arg(INSPECT), Duration::from_secs(60))
            .filter(|o| o.success)
            .ok_or_else(|| {
                EnvironmentError::new(
                    format!("the venv {} is broken: its python does not run", self.venv.display()),
                    recreate.clone(),
                )
            })?;
        let mut details: InterpreterDetails = serde_json::from_str(out.stdout.trim()).map_err(|e| {
            EnvironmentError::new(
                format!("the venv {} answered with something unexpected ({e})", self.venv.display()),
                recreate,
            )
        })?;
        details.packages = details.packages.into_iter().map(|(k, v)| (normalize_name(&k), v)).collect();
        Ok(details)
    }
}
