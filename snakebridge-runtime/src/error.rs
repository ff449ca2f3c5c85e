//! The one error type of snakebridge.

use std::fmt;

use pyo3::prelude::*;
use pyo3::types::{PyTraceback, PyTuple, PyType};

/// A `Result` whose error is [`enum@Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a ref handle no longer points at a live Python object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RefGone {
    /// Released with [`release_ref`](crate::release_ref) or by dropping its last handle.
    Released,
    /// Not used within `SNAKEBRIDGE_REF_TTL_SECONDS`.
    Expired,
    /// Evicted because its session went over `SNAKEBRIDGE_REF_MAX` refs (least recently used first).
    Evicted,
    /// Its whole session was released.
    SessionReleased,
    /// No record of it: it was released long ago, or it never belonged to this process.
    Unknown,
    /// The worker process that held it exited (it crashed, was killed, or was replaced after a
    /// timeout or a protocol error); the pool runs a fresh worker in its place.
    WorkerGone,
}

impl RefGone {
    /// What to do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            RefGone::Released => "create the object again, and keep a handle for as long as you use it",
            RefGone::Expired => {
                "use it more often than the TTL, or raise SNAKEBRIDGE_REF_TTL_SECONDS (0 turns expiry off)"
            }
            RefGone::Evicted => {
                "release refs you no longer need, or raise SNAKEBRIDGE_REF_MAX / `Session::builder().max_refs(..)`"
            }
            RefGone::SessionReleased => {
                "keep the `Session` (or the thread of an auto-session) alive while its refs are used"
            }
            RefGone::Unknown => "create the object again; refs cannot be made by hand or carried between processes",
            RefGone::WorkerGone => {
                "create the object again: it is made in the fresh worker; see the `WorkerCrashed` error or the `snakebridge::workers` log for why the old one went"
            }
        }
    }
}

impl fmt::Display for RefGone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RefGone::Released => "it was released",
            RefGone::Expired => "it expired (not used within SNAKEBRIDGE_REF_TTL_SECONDS)",
            RefGone::Evicted => {
                "it was evicted: its session went over SNAKEBRIDGE_REF_MAX refs and it was the least recently used"
            }
            RefGone::SessionReleased => "its session was released",
            RefGone::Unknown => "it was released, expired or evicted, or never belonged to this process",
            RefGone::WorkerGone => "the worker process that held it exited",
        })
    }
}

/// Every failure snakebridge reports.
///
/// Messages say what happened and, where there is something to do, what to do next.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Python raised an exception.
    #[error("{0}")]
    Python(Box<PythonError>),

    /// The Python module could not be found.
    #[error("Python module `{module}` was not found; install the package that provides it into the project venv (for example `.venv/bin/pip install {package}`), or check the spelling")]
    ModuleNotFound {
        /// The dotted module path that was asked for.
        module: String,
        /// The top-level package name, as a guess at what to install.
        package: String,
    },

    /// The module or object has no such attribute.
    #[error("`{owner}` has no attribute `{name}`{}", did_you_mean(suggestion))]
    AttributeNotFound {
        /// The module path or the type name of the object.
        owner: String,
        /// The attribute that was asked for.
        name: String,
        /// A close existing name, if there is one.
        suggestion: Option<String>,
    },

    /// The attribute exists but cannot be called.
    #[error("`{path}` is a `{type_name}`, which is not callable; use `get` to read it instead of `call`")]
    NotCallable {
        /// `module.name` or `Type.name`.
        path: String,
        /// The Python type of the attribute.
        type_name: String,
    },

    /// A value did not have the shape or type a Rust conversion expected.
    #[error("expected {expected}, found {found}{}", hint.as_deref().map(|h| format!("; {h}")).unwrap_or_default())]
    Conversion {
        /// What the conversion needed.
        expected: String,
        /// What it was given.
        found: String,
        /// What to do instead, if something can be suggested.
        hint: Option<String>,
    },

    /// A value cannot cross between Rust and Python.
    #[error("cannot serialize {type_name}: {message}; pass a supported type (see the `Value` docs), a `Ref` to a Python object, or explicit `snakebridge::bytes(..)`")]
    Serialization {
        /// The Rust or Python type that failed.
        type_name: String,
        /// What went wrong.
        message: String,
    },

    /// Tagged JSON wire data was malformed.
    #[error("invalid wire data at `{path}`: {message}")]
    InvalidWire {
        /// A JSON pointer to the offending part (`/elements/2/data`).
        path: String,
        /// What was wrong with it.
        message: String,
    },

    /// The ref's Python object is gone.
    #[error("ref {ref_id} (session {session_id}) is no longer available: {reason}; {}", reason.hint())]
    RefNotFound {
        /// The ref id.
        ref_id: String,
        /// The session the ref belongs to.
        session_id: String,
        /// Why it is gone.
        reason: RefGone,
    },

    /// A ref was used in a session other than the one that owns it.
    #[error(
        "ref {ref_id} belongs to session {expected_session} but was used in session {actual_session}; {}",
        share_hint(expected_session)
    )]
    SessionMismatch {
        /// The ref id.
        ref_id: String,
        /// The session that owns the ref.
        expected_session: String,
        /// The session the call ran in.
        actual_session: String,
    },

    /// A ref payload was malformed.
    #[error("invalid ref: {reason}; refs come from snakebridge calls or from their own wire format, do not build them by hand")]
    InvalidRef {
        /// What was wrong with it.
        reason: String,
    },

    /// An explicit session id that no live `Session` holds.
    #[error("no live session with id `{session_id}`; create it with `Session::with_id` before joining it from another thread")]
    SessionNotFound {
        /// The id that was asked for.
        session_id: String,
    },

    /// The call did not finish within its timeout and was interrupted inside Python; the
    /// interpreter stays usable.
    #[error("`{target}` did not finish within {} (timeout profile `{profile}`) and was interrupted; raise the limit for this call (`Args::timeout`, `Args::timeout_profile(\"ml_inference\")`, `Args::no_timeout()`) or for the library (SNAKEBRIDGE_LIBRARY_PROFILES=\"lib=ml_inference\")", crate::timeout::human(*timeout))]
    Timeout {
        /// `module.function` (or `Type.method`) that timed out.
        target: String,
        /// The limit that was exceeded.
        timeout: std::time::Duration,
        /// The profile the limit came from (`"custom"` for a per-call `timeout`).
        profile: String,
    },

    /// The call was cancelled (its async future was dropped) and interrupted inside Python.
    #[error(
        "`{target}` was cancelled: its future was dropped before it finished, and the Python work was interrupted"
    )]
    Cancelled {
        /// `module.function` (or `Type.method`) that was cancelled.
        target: String,
    },

    /// A runtime option (a timeout, a profile, an environment variable) has a value that cannot work.
    #[error("invalid {option}: {message}")]
    InvalidOption {
        /// The option or environment variable.
        option: String,
        /// What is wrong and what to use instead.
        message: String,
    },

    /// An async API was used outside a tokio runtime.
    #[error("the async API needs a tokio runtime: call it from inside `#[tokio::main]`/`Runtime::block_on`, or use the sync API (`snakebridge::call`), which needs none")]
    NoAsyncRuntime,

    /// A keyword argument that the Python function does not take.
    #[error("`{function}` has no parameter `{keyword}`{}; the keyword parameters it takes are: {}", did_you_mean(suggestion), valid.join(", "))]
    UnknownKeyword {
        /// `module.function`.
        function: String,
        /// The keyword that was passed.
        keyword: String,
        /// The keyword parameters of the function.
        valid: Vec<String>,
        /// A close valid name, if there is one.
        suggestion: Option<String>,
    },

    /// An array or buffer cannot be accessed the way it was asked: already borrowed, read-only,
    /// or not contiguous where a slice was asked for.
    #[error("cannot {action}: {reason}; {hint}")]
    ArrayAccess {
        /// What was attempted (`"borrow the numpy array for writing"`).
        action: String,
        /// Why it failed.
        reason: String,
        /// What to do instead.
        hint: String,
    },

    /// The object passed to the stream API cannot be iterated.
    #[error("a Python `{type_name}` is not iterable; pass a generator, an iterator or an iterable (list, range, file, ...), or call the function that returns one")]
    NotIterable {
        /// The Python type of the object.
        type_name: String,
    },

    /// No helper of that name is registered.
    #[error("no helper named `{helper}`{}; list the registered ones with `snakebridge::helpers()`, and check that its file is in a helper path and the built-in pack is enabled if it is one of ours", did_you_mean(suggestion))]
    HelperNotFound {
        /// The name that was asked for.
        helper: String,
        /// A close registered name, if there is one.
        suggestion: Option<String>,
    },

    /// A helper file could not be loaded.
    #[error("helper file {path} failed to load: {message}; fix the file or remove it from the helper paths (SNAKEBRIDGE_HELPER_PATHS / `HelperConfig::paths`)")]
    HelperLoad {
        /// The file or directory that failed.
        path: String,
        /// The Python error it raised, or why it could not be read.
        message: String,
    },

    /// The embedded interpreter could not be set up.
    #[error("Python interpreter: {message}")]
    Interpreter {
        /// What went wrong and how to fix it.
        message: String,
    },

    /// The Python environment lacks declared packages or cannot be provisioned (from
    /// `snakebridge::env`, feature `env`).
    #[error("{0}")]
    Environment(Box<snakebridge_meta::environment_error::EnvironmentError>),

    /// A worker process died while it ran the call (a segfault, `os._exit`, an OOM kill); the
    /// pool replaces it, and its refs are gone ([`RefGone::WorkerGone`]).
    #[error("worker {worker} (pid {pid}) {reason} while running `{target}`; the pool starts a fresh worker for the next call, and refs made in the old one are gone")]
    WorkerCrashed {
        /// The worker's id (the first 8 hex digits of its refs' ids).
        worker: u32,
        /// The process id it had.
        pid: u32,
        /// How it ended (`"was killed by signal 11 (SIGSEGV)"`, `"exited with status 3"`).
        reason: String,
        /// What it was running.
        target: String,
    },

    /// A worker broke the protocol: a malformed or oversized frame, a reply out of order, a
    /// handshake from another protocol version. The worker is replaced.
    #[error("worker {worker}: {message}; the worker was replaced")]
    WorkerProtocol {
        /// The worker's id.
        worker: u32,
        /// What it sent and what was expected.
        message: String,
    },

    /// A worker process could not be started.
    #[error("cannot start a worker process: {message}")]
    WorkerStart {
        /// What failed and how to fix it.
        message: String,
    },

    /// This way into Python is not available on the session's backend.
    #[error("{what} is not available on the {backend} backend; run it in a session on the in-process backend (`Session::builder().backend(Backend::InProcess)`)")]
    Unsupported {
        /// The door (`"python!"`, `"stream"`, …).
        what: String,
        /// The backend (`"workers"`, `"test double"`).
        backend: &'static str,
    },

    /// A [`TestDouble`](crate::backend::TestDouble) got a call it has no answer for.
    #[error("the test double has no answer for {door} `{target}`; script one with `TestDouble::on`/`returns`/`fails`")]
    NotScripted {
        /// The door (`"call"`, `"get"`, …).
        door: &'static str,
        /// `module.function`, or `Type.name` for a method.
        target: String,
    },

    /// A configuration file (Cargo.toml metadata, `snakebridge.lock`, `wheel_variants.json`) is malformed.
    #[error("{}: {message}", path.display())]
    InvalidConfig {
        /// The file that holds the mistake.
        path: std::path::PathBuf,
        /// What is wrong and how to fix it.
        message: String,
    },
}

impl From<snakebridge_meta::environment_error::EnvironmentError> for Error {
    fn from(e: snakebridge_meta::environment_error::EnvironmentError) -> Self {
        Error::Environment(Box::new(e))
    }
}

fn share_hint(owner: &str) -> String {
    if owner.starts_with("auto_") {
        "refs of a thread's auto-session stay on that thread: create the object inside an explicit `Session` and `Session::join` it on the other thread".into()
    } else {
        format!("run the call inside `with_session` for that session (`Session::join(\"{owner}\")`) to share its refs")
    }
}

fn did_you_mean(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => format!("; did you mean `{s}`?"),
        None => String::new(),
    }
}

impl Error {
    /// The Python exception behind this error, if there is one.
    pub fn as_python(&self) -> Option<&PythonError> {
        match self {
            Error::Python(e) => Some(e),
            _ => None,
        }
    }

    /// Whether this is a Python exception of class `class` or of a subclass of it.
    ///
    /// `class` is a bare class name (`"ValueError"`) or a qualified one
    /// (`"json.decoder.JSONDecodeError"`).
    pub fn is_python(&self, class: &str) -> bool {
        self.as_python().is_some_and(|e| e.is_instance_of(class))
    }

    /// Whether this is a Python exception that is an instance of the pyo3 exception type `T`.
    ///
    /// ```no_run
    /// # fn f(e: snakebridge_runtime::Error) -> bool {
    /// e.is::<pyo3::exceptions::PyValueError>()
    /// # }
    /// ```
    pub fn is<T: pyo3::PyTypeInfo>(&self) -> bool {
        self.as_python().is_some_and(|e| Python::attach(|py| e.exception.bind(py).is_instance_of::<T>()))
    }

    pub(crate) fn conversion(expected: impl Into<String>, found: impl Into<String>) -> Self {
        Error::Conversion { expected: expected.into(), found: found.into(), hint: None }
    }

    pub(crate) fn invalid_wire(path: &str, message: impl Into<String>) -> Self {
        Error::InvalidWire { path: if path.is_empty() { "/".into() } else { path.into() }, message: message.into() }
    }
}

/// A Python exception, captured with everything needed to understand and match it.
pub struct PythonError {
    /// The exception's class name (`"UnicodeDecodeError"`).
    pub class: String,
    /// The module that defines the class (`"builtins"`, `"json.decoder"`).
    pub module: String,
    /// The qualified names of the class and every base class, most derived first
    /// (`["UnicodeDecodeError", "UnicodeError", "ValueError", "Exception", "BaseException", "object"]`).
    pub bases: Vec<String>,
    /// `str(exception)`.
    pub message: String,
    /// The formatted Python traceback, when there is one.
    pub traceback: Option<String>,
    exception: Py<pyo3::exceptions::PyBaseException>,
}

impl PythonError {
    /// Captures a pyo3 error.
    pub fn from_pyerr(py: Python<'_>, err: PyErr) -> Self {
        let value = err.value(py);
        let ty: Bound<'_, PyType> = value.get_type();
        let class = ty.qualname().map(|s| s.to_string()).unwrap_or_else(|_| "<unknown>".into());
        let module = ty.module().map(|s| s.to_string()).unwrap_or_else(|_| "builtins".into());
        let mro: Bound<'_, PyTuple> = ty.mro();
        let bases = mro.iter().filter_map(|t| t.cast_into::<PyType>().ok()).map(|t| qualified_name(&t)).collect();
        let message = value.str().map(|s| s.to_string()).unwrap_or_default();
        let traceback = err.traceback(py).and_then(|tb: Bound<'_, PyTraceback>| tb.format().ok());
        PythonError { class, module, bases, message, traceback, exception: err.into_value(py) }
    }

    /// An exception raised in a worker process: its class, bases, message and traceback as the
    /// worker reported them. The object behind [`PythonError::exception`] is a host-side stand-in:
    /// an instance of the same builtin class when there is one, else `Exception`.
    pub(crate) fn remote(
        py: Python<'_>,
        class: String,
        module: String,
        bases: Vec<String>,
        message: String,
        traceback: Option<String>,
    ) -> Self {
        let builtin = match module.as_str() {
            "builtins" => py.import("builtins").and_then(|b| b.getattr(class.as_str())).ok(),
            _ => None,
        };
        let exception = builtin
            .and_then(|c| c.call1((message.as_str(),)).ok())
            .and_then(|e| e.cast_into::<pyo3::exceptions::PyBaseException>().ok())
            .map(Bound::unbind)
            .unwrap_or_else(|| pyo3::exceptions::PyException::new_err(message.clone()).into_value(py));
        PythonError { class, module, bases, message, traceback, exception }
    }

    /// Whether the exception is an instance of `class` (bare or qualified name), subclasses included.
    pub fn is_instance_of(&self, class: &str) -> bool {
        self.bases.iter().any(|b| b == class || b.rsplit('.').next() == Some(class))
    }

    /// The exception object itself, to inspect attributes such as `errno` or `args`.
    pub fn exception(&self) -> &Py<pyo3::exceptions::PyBaseException> {
        &self.exception
    }
}

fn qualified_name(ty: &Bound<'_, PyType>) -> String {
    let name = ty.qualname().map(|s| s.to_string()).unwrap_or_default();
    match ty.module().map(|s| s.to_string()) {
        Ok(m) if m != "builtins" => format!("{m}.{name}"),
        _ => name,
    }
}

impl fmt::Debug for PythonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PythonError")
            .field("class", &self.class)
            .field("module", &self.module)
            .field("bases", &self.bases)
            .field("message", &self.message)
            .field("traceback", &self.traceback)
            .finish()
    }
}

impl fmt::Display for PythonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.module == "builtins" {
            write!(f, "Python {}: {}", self.class, self.message)?;
        } else {
            write!(f, "Python {}.{}: {}", self.module, self.class, self.message)?;
        }
        // A recognised ML failure says what it parsed and what to do about it.
        if let Some(ml) = self.ml() {
            write!(f, "\n{ml}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PythonError {}

impl From<PythonError> for Error {
    fn from(e: PythonError) -> Self {
        Error::Python(Box::new(e))
    }
}

/// Captures a pyo3 error as an [`enum@Error`].
pub(crate) fn py_err(py: Python<'_>, err: PyErr) -> Error {
    Error::from(PythonError::from_pyerr(py, err))
}

impl From<PyErr> for Error {
    fn from(err: PyErr) -> Self {
        Python::attach(|py| py_err(py, err))
    }
}
