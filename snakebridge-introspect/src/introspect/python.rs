//! The project's Python for introspection, found from the crate being compiled in the one
//! discovery order of [`snakebridge_meta::venv`] (the runtime and the CLI use the same), with
//! `python3` on `PATH` when no venv applies.

use std::path::{Path, PathBuf};

use snakebridge_meta::venv::{VenvSearch, VenvSource};

/// Where the interpreter came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PythonSource {
    /// A venv, found by the shared discovery order.
    Venv(VenvSource),
    /// `python3` from `PATH`: no venv applies.
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
    /// Why this Python cannot be used (the chosen venv does not exist, the `venv` setting is
    /// malformed); introspection reports it instead of starting anything. A cache that is
    /// fresh needs no Python, so finding none is not an error until then.
    pub problem: Option<String>,
    /// The project's own module directories (`python_path` in `[package.metadata.snakebridge]`),
    /// put on `PYTHONPATH` before any that is already set.
    pub python_path: Vec<PathBuf>,
}

impl PythonEnv {
    /// `python3` from `PATH`, the interpreter when no venv applies.
    pub fn from_path() -> Self {
        PythonEnv::interpreter(PathBuf::from("python3"))
    }

    /// A given interpreter, outside any venv.
    pub fn interpreter(executable: PathBuf) -> Self {
        PythonEnv { executable, venv: None, source: PythonSource::Path, problem: None, python_path: Vec::new() }
    }
}

/// Finds the project's Python for the crate in `crate_dir`, reading the environment through `env`.
pub fn find_python(crate_dir: &Path, env: impl Fn(&str) -> Option<String>) -> PythonEnv {
    let mut python = find_interpreter(crate_dir, env);
    match snakebridge_meta::venv::cargo_python_path_setting(crate_dir) {
        Ok(dirs) => python.python_path = dirs,
        Err(e) => python.problem = python.problem.or(Some(e.to_string())),
    }
    python
}

fn find_interpreter(crate_dir: &Path, env: impl Fn(&str) -> Option<String>) -> PythonEnv {
    match VenvSearch::new(crate_dir).find(env) {
        Ok(Some(venv)) => PythonEnv {
            executable: venv.python(),
            problem: venv.check().err(),
            source: PythonSource::Venv(venv.source),
            venv: Some(venv.path),
            python_path: Vec::new(),
        },
        Ok(None) => PythonEnv::from_path(),
        Err(e) => PythonEnv { problem: Some(e.to_string()), ..PythonEnv::from_path() },
    }
}
