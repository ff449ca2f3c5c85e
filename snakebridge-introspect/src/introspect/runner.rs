//! One run of the introspection script, under the shared time-limited runner (which kills
//! the script's whole process group at the limit), with classified failures.

use std::process::Command;
use std::time::Duration;

use snakebridge_meta::process::run_with_timeout;

use serde::Deserialize;

use super::{IntrospectError, IntrospectErrorKind, PythonEnv, SCRIPT};
use crate::config::LibraryConfig;
use crate::model::Introspection;

/// The seed's default `introspector_timeout`: 30 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// `SNAKEBRIDGE_INTROSPECT_TIMEOUT_MS`, or the default.
pub fn timeout_from_env(env: impl Fn(&str) -> Option<String>) -> Duration {
    env("SNAKEBRIDGE_INTROSPECT_TIMEOUT_MS")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_millis)
        .unwrap_or(DEFAULT_TIMEOUT)
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Output {
    Failed { error: ScriptError },
    Done(Box<Introspection>),
}

#[derive(Deserialize)]
struct ScriptError {
    kind: String,
    message: String,
    traceback: Option<String>,
}

/// Runs the script for `config` with `python`, killing it after `timeout`.
pub fn introspect(
    python: &PythonEnv,
    config: &LibraryConfig,
    timeout: Duration,
) -> Result<Introspection, IntrospectError> {
    let python_name = python.executable.display().to_string();
    let fail = |kind, message: String, detail: Option<String>| IntrospectError {
        kind,
        module: config.module.clone(),
        message,
        detail,
        python: python_name.clone(),
    };
    if let Some(problem) = &python.problem {
        return Err(fail(IntrospectErrorKind::PythonNotFound, problem.clone(), None));
    }
    let mut command = Command::new(&python.executable);
    command
        .arg("-c")
        .arg(SCRIPT)
        .arg(config.script_argument())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONIOENCODING", "utf-8");
    if !python.python_path.is_empty() {
        let inherited = std::env::var_os("PYTHONPATH");
        let dirs = python.python_path.iter().cloned().chain(inherited.iter().flat_map(std::env::split_paths));
        if let Ok(joined) = std::env::join_paths(dirs) {
            command.env("PYTHONPATH", joined);
        }
    }
    let finished = run_with_timeout(&mut command, timeout)
        .map_err(|e| fail(IntrospectErrorKind::PythonNotFound, format!("cannot run {python_name}: {e}"), None))?;
    let Some(status) = finished.status else {
        return Err(IntrospectError::timeout(&config.module, &python_name, timeout));
    };
    let stdout = finished.stdout;
    let stderr = String::from_utf8_lossy(&finished.stderr).into_owned();
    match serde_json::from_slice::<Output>(&stdout) {
        Ok(Output::Done(result)) => Ok(*result),
        Ok(Output::Failed { error }) => {
            let kind = match error.kind.as_str() {
                "package_not_found" => IntrospectErrorKind::PackageNotFound,
                "import_error" => IntrospectErrorKind::ImportError,
                _ => IntrospectErrorKind::IntrospectionBug,
            };
            Err(fail(kind, error.message, error.traceback))
        }
        Err(e) => Err(fail(
            IntrospectErrorKind::IntrospectionBug,
            format!("the script exited with {status} and its output is not the expected JSON ({e})"),
            Some(stderr),
        )),
    }
}
