//! Why an introspection failed, classified as the seed's `IntrospectionError` does.

use std::fmt;
use std::time::Duration;

/// The class of an introspection failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntrospectErrorKind {
    /// The module (or its top-level package) is not installed.
    PackageNotFound,
    /// The module exists but raised while being imported.
    ImportError,
    /// The script did not finish in time.
    Timeout,
    /// The script failed or printed something that is not its JSON (a bug of ours).
    IntrospectionBug,
    /// No Python interpreter could be started.
    PythonNotFound,
}

/// A failed introspection, with the suggestion that goes with its class.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", self.render())]
pub struct IntrospectError {
    /// The class of failure.
    pub kind: IntrospectErrorKind,
    /// The module that was introspected.
    pub module: String,
    /// What went wrong.
    pub message: String,
    /// The Python traceback or stderr, when there is one.
    pub detail: Option<String>,
    /// The interpreter that ran.
    pub python: String,
}

impl IntrospectError {
    /// What to do about it.
    pub fn suggestion(&self) -> String {
        let package = self.module.split('.').next().unwrap_or(&self.module);
        match self.kind {
            IntrospectErrorKind::PackageNotFound => format!(
                "install it into the project's venv (`.venv/bin/pip install {package}`), or point SNAKEBRIDGE_VENV at the venv that has it"
            ),
            IntrospectErrorKind::ImportError => format!(
                "importing `{}` raised; run `{} -c \"import {}\"` to see the failure, and install its missing dependencies",
                self.module, self.python, self.module
            ),
            IntrospectErrorKind::Timeout => format!(
                "importing `{}` took too long; raise SNAKEBRIDGE_INTROSPECT_TIMEOUT_MS (default {} ms) if it is just slow",
                self.module,
                super::DEFAULT_TIMEOUT.as_millis()
            ),
            IntrospectErrorKind::IntrospectionBug => {
                "this is a bug in snakebridge's introspection; please report it with the details above".to_owned()
            }
            IntrospectErrorKind::PythonNotFound => {
                "create the project venv (`python3 -m venv .venv`), set SNAKEBRIDGE_VENV, or put python3 on PATH; with committed manifests, SNAKEBRIDGE_OFFLINE=1 builds without Python".to_owned()
            }
        }
    }

    fn render(&self) -> String {
        let what = match self.kind {
            IntrospectErrorKind::PackageNotFound => "Python package not found",
            IntrospectErrorKind::ImportError => "import failed",
            IntrospectErrorKind::Timeout => "introspection timed out",
            IntrospectErrorKind::IntrospectionBug => "introspection failed",
            IntrospectErrorKind::PythonNotFound => "no Python interpreter",
        };
        let mut text = format!("cannot introspect `{}`: {what}: {}; {}", self.module, self.message, self.suggestion());
        // A missing package needs no traceback: the message says it all.
        let detail = self
            .detail
            .as_deref()
            .filter(|d| !d.trim().is_empty() && self.kind != IntrospectErrorKind::PackageNotFound);
        if let Some(detail) = detail {
            text.push_str("\n\n");
            text.push_str(tail(detail, 1500));
        }
        text
    }

    pub(crate) fn timeout(module: &str, python: &str, after: Duration) -> Self {
        IntrospectError {
            kind: IntrospectErrorKind::Timeout,
            module: module.into(),
            message: format!("no answer after {} ms", after.as_millis()),
            detail: None,
            python: python.into(),
        }
    }
}

impl fmt::Display for IntrospectErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

fn tail(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut start = text.len() - max;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}
