//! Finding the project's Python the way the runtime finds its venv, from the crate being
//! compiled: `SNAKEBRIDGE_VENV`, a `.venv` in an ancestor of `CARGO_MANIFEST_DIR`,
//! `VIRTUAL_ENV`, else `python3` on `PATH`.

use std::path::{Path, PathBuf};

/// Where the interpreter came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PythonSource {
    /// `SNAKEBRIDGE_VENV`.
    EnvVar,
    /// A `.venv` in the crate directory or one of its ancestors.
    ProjectDir,
    /// `VIRTUAL_ENV`.
    VirtualEnv,
    /// `python3` from `PATH`.
    Path,
}

/// The Python that introspects, and its venv when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonEnv {
    /// The interpreter to run.
    pub executable: PathBuf,
    /// The venv, whose files tell installed versions without starting Python.
    pub venv: Option<PathBuf>,
    /// How it was found.
    pub source: PythonSource,
}

/// Finds the project's Python for the crate in `crate_dir`, reading the environment through `env`.
pub fn find_python(crate_dir: &Path, env: impl Fn(&str) -> Option<String>) -> PythonEnv {
    if let Some(v) = env("SNAKEBRIDGE_VENV").filter(|v| !v.is_empty()) {
        return venv_env(PathBuf::from(v), PythonSource::EnvVar);
    }
    for dir in crate_dir.ancestors() {
        let venv = dir.join(".venv");
        if venv.join("pyvenv.cfg").is_file() {
            return venv_env(venv, PythonSource::ProjectDir);
        }
    }
    if let Some(v) = env("VIRTUAL_ENV").filter(|v| !v.is_empty()) {
        return venv_env(PathBuf::from(v), PythonSource::VirtualEnv);
    }
    PythonEnv { executable: PathBuf::from("python3"), venv: None, source: PythonSource::Path }
}

fn venv_env(venv: PathBuf, source: PythonSource) -> PythonEnv {
    let unix = venv.join("bin").join("python");
    let executable = if unix.exists() { unix } else { venv.join("Scripts").join("python.exe") };
    PythonEnv { executable, venv: Some(venv), source }
}
