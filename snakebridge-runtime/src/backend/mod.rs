//! Where calls run: in this process (the default), in a pool of Python worker processes, or
//! in a [`TestDouble`] scripted by a unit test.
//!
//! A program picks its backend once (`SNAKEBRIDGE_BACKEND=workers`, or
//! [`RuntimeConfig::workers`](crate::RuntimeConfig::workers)); a session can pick its own
//! ([`SessionBuilder::backend`](crate::SessionBuilder::backend)). Calls are written the same
//! way on every backend. While no worker backend or double exists, each door pays one relaxed
//! atomic load for the choice (`remote_possible`).

mod double;
mod request;
pub(crate) mod worker;

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

pub use self::double::{RecordedCall, TestDouble};
pub(crate) use self::request::{encode_args, encode_value, Request};
pub use self::worker::{WorkerConfig, WorkerPool, ADAPTER_SOURCE, WORKER_PROTOCOL_VERSION};
use crate::call::CallOptions;
use crate::error::{Error, Result};
use crate::value::Value;
use parking_lot::Mutex;

/// Which backend runs calls.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum Backend {
    /// CPython embedded in this process: nanoseconds per call, no isolation.
    #[default]
    InProcess,
    /// A pool of Python worker processes: a crash, `os._exit` or leak in Python is contained.
    Workers(WorkerPool),
    /// A scripted stand-in for unit tests: records calls and returns canned answers.
    Double(TestDouble),
}

impl Backend {
    /// A pool of workers started with `config`.
    pub fn workers(config: WorkerConfig) -> Result<Backend> {
        WorkerPool::start(config).map(Backend::Workers)
    }

    /// The backend's name in messages: `"in-process"`, `"workers"`, `"test double"`.
    pub fn name(&self) -> &'static str {
        match self {
            Backend::InProcess => "in-process",
            Backend::Workers(_) => "workers",
            Backend::Double(_) => "test double",
        }
    }

    /// Runs one request on an out-of-process backend (`None` for in-process).
    pub(crate) fn run(&self, request: &Request<'_>, limit: Option<std::time::Duration>) -> Option<Result<Value>> {
        match self {
            Backend::InProcess => None,
            Backend::Workers(pool) => Some(pool.run(request, limit)),
            Backend::Double(double) => Some(double.answer(request)),
        }
    }
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Backend::Workers(pool) => f.debug_tuple("Workers").field(pool).finish(),
            other => f.write_str(other.name()),
        }
    }
}

const UNDECIDED: u8 = 0;
const LOCAL: u8 = 1;
const MIXED: u8 = 2;

/// Whether anything but the in-process backend may run a call: `LOCAL` once the program's
/// choice is known to be in-process and no session has chosen another.
static MODE: AtomicU8 = AtomicU8::new(UNDECIDED);

/// The program's backend, decided on first use (`Err`: the environment asks for one that cannot start).
static PROGRAM: OnceLock<std::result::Result<Backend, String>> = OnceLock::new();

/// The worker configuration [`init`](crate::init) was given, read when the program's backend is decided.
static CONFIGURED: Mutex<Option<WorkerConfig>> = Mutex::new(None);

/// Whether a call may have to leave this process: one load, false on the default path.
#[inline]
pub(crate) fn remote_possible() -> bool {
    // `--cfg snakebridge_without_checks` compiles the check out, only to measure what the
    // seam costs the in-process default (docs/performance.md, "What switched-off features cost").
    !cfg!(snakebridge_without_checks) && MODE.load(Ordering::Relaxed) != LOCAL
}

/// A session (or the program) chose an out-of-process backend: every door checks from now on.
pub(crate) fn note_remote() {
    MODE.store(MIXED, Ordering::Relaxed);
}

/// Records the worker configuration of [`RuntimeConfig`](crate::RuntimeConfig), before the first call.
pub(crate) fn configure(config: Option<WorkerConfig>) -> Result<()> {
    let Some(config) = config else { return Ok(()) };
    if PROGRAM.get().is_some() {
        return Err(Error::InvalidOption {
            option: "RuntimeConfig::workers".into(),
            message: "the program's backend was already chosen by an earlier call; pass the config to `snakebridge::init` before the first call".into(),
        });
    }
    *CONFIGURED.lock() = Some(config);
    Ok(())
}

/// The program's backend: `SNAKEBRIDGE_BACKEND` (`in_process` or `workers`, with
/// `SNAKEBRIDGE_WORKERS` workers), else what [`configure`] recorded, else in-process.
pub(crate) fn program() -> Result<&'static Backend> {
    let chosen = PROGRAM.get_or_init(|| {
        let configured = CONFIGURED.lock().take();
        let choice = match std::env::var("SNAKEBRIDGE_BACKEND").ok().as_deref().map(str::trim) {
            None | Some("") => configured,
            Some("in_process" | "in-process" | "inprocess") => None,
            Some("workers") => Some(WorkerConfig::from_env().map_err(|e| e.to_string())?),
            Some(other) => {
                return Err(format!(
                    "SNAKEBRIDGE_BACKEND={other:?} is not a backend; use `in_process` (the default) or `workers`"
                ))
            }
        };
        match choice {
            None => Ok(Backend::InProcess),
            Some(config) => {
                note_remote();
                Backend::workers(config).map_err(|e| e.to_string())
            }
        }
    });
    if matches!(chosen, Ok(Backend::InProcess)) {
        // Sessions with a backend of their own keep MODE at MIXED.
        let _ = MODE.compare_exchange(UNDECIDED, LOCAL, Ordering::Relaxed, Ordering::Relaxed);
    }
    chosen
        .as_ref()
        .map_err(|message| Error::InvalidOption { option: "SNAKEBRIDGE_BACKEND".into(), message: message.clone() })
}

/// The backend a call with these (effective) options runs on: the session's own, else the program's.
pub(crate) fn effective(options: Option<&CallOptions>) -> Result<Backend> {
    let own = match options.and_then(|o| o.session.as_ref()) {
        Some(session) => session.backend(),
        None => crate::session::scoped_backend(),
    };
    match own {
        Some(backend) => Ok(backend),
        None => program().cloned(),
    }
}

/// Releases the session's objects on the program's worker backend too (a session with a
/// backend of its own releases there when it is dropped).
pub(crate) fn session_released(session: &str, own: Option<&Backend>) -> usize {
    if !remote_possible() {
        return 0;
    }
    let backend = match own {
        Some(b) => Some(b.clone()),
        None => program().ok().cloned(),
    };
    match backend {
        Some(Backend::Workers(pool)) => pool.release_session(session),
        _ => 0,
    }
}

/// Queues the release of a session's objects in its worker, without waiting (for drops).
pub(crate) fn session_dropped(session: &str, own: Option<&Backend>) {
    if !remote_possible() {
        return;
    }
    let backend = match own {
        Some(b) => Some(b.clone()),
        None => PROGRAM.get().and_then(|p| p.as_ref().ok()).cloned(),
    };
    if let Some(Backend::Workers(pool)) = backend {
        pool.forget_session(session);
    }
}

/// How many objects the session holds on the program's worker backend.
pub(crate) fn session_len(session: &str, own: Option<&Backend>) -> usize {
    if !remote_possible() {
        return 0;
    }
    let backend = match own {
        Some(b) => Some(b.clone()),
        None => program().ok().cloned(),
    };
    match backend {
        Some(Backend::Workers(pool)) => pool.session_len(session),
        _ => 0,
    }
}
