//! One run of the introspection script, with a timeout and classified failures.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    let mut child = Command::new(&python.executable)
        .arg("-c")
        .arg(SCRIPT)
        .arg(config.script_argument())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONIOENCODING", "utf-8")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(IntrospectErrorKind::PythonNotFound, format!("cannot run {python_name}: {e}"), None))?;

    // Read both pipes on their own threads: numpy's output is megabytes, more than a pipe holds.
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        stdout.read_to_end(&mut buf).map(|_| buf)
    });
    let err = std::thread::spawn(move || {
        let mut buf = String::new();
        let _ = stderr.read_to_string(&mut buf);
        buf
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(IntrospectError::timeout(&config.module, &python_name, timeout));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                return Err(fail(
                    IntrospectErrorKind::IntrospectionBug,
                    format!("waiting for {python_name}: {e}"),
                    None,
                ))
            }
        }
    };
    let stdout = out.join().ok().and_then(Result::ok).unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
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
