//! The worker-process backend: a pool of Python processes, each running the adapter shipped
//! in this crate ([`ADAPTER_SOURCE`]), spoken to over pipes (see `protocol`).
//!
//! Sessions have worker affinity: a session's calls all run in one worker, so its refs (which
//! live in the worker that made them, and whose ids start with that worker's id) are usable
//! by every later call of the session. A worker that dies is replaced on the next call.

mod process;
mod protocol;
mod slot;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use pyo3::prelude::*;

pub use self::protocol::PROTOCOL_VERSION as WORKER_PROTOCOL_VERSION;
pub(crate) use self::slot::Slot;
use super::Request;
use crate::error::{py_err, Error, Result};
use crate::refs::{Ref, RegistryLimits};
use crate::session::effective_session_id;
use crate::value::Value;

/// The Python source of the worker adapter (run as `python -c`).
pub const ADAPTER_SOURCE: &str = include_str!("adapter.py");

/// How to start a pool of workers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkerConfig {
    /// How many worker processes (`SNAKEBRIDGE_WORKERS`; default: the number of CPUs).
    pub workers: usize,
    /// The Python to run; default: the venv's (found as for the embedded interpreter), else `python3`.
    pub python: Option<PathBuf>,
    /// How long a worker may take to start and answer its handshake (default 30 s).
    pub startup_timeout: Duration,
    /// How long a timed-out call may take to stop after its interrupt before the worker is
    /// killed and replaced (`SNAKEBRIDGE_WORKER_GRACE_MS`; default 2 s).
    pub grace: Duration,
    /// Refs per session and their TTL, held in each worker (default: `RegistryLimits::from_env()`).
    pub limits: RegistryLimits,
    /// Extra environment variables for the workers.
    pub env: Vec<(String, String)>,
    /// Replaces the shipped adapter (a custom adapter speaking the same protocol).
    pub adapter: Option<String>,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            python: None,
            startup_timeout: Duration::from_secs(30),
            grace: Duration::from_secs(2),
            limits: RegistryLimits::from_env(),
            env: Vec::new(),
            adapter: None,
        }
    }
}

impl WorkerConfig {
    /// `workers` processes, everything else by default.
    pub fn new(workers: usize) -> Self {
        WorkerConfig { workers: workers.max(1), ..Default::default() }
    }

    /// The defaults with `SNAKEBRIDGE_WORKERS` and `SNAKEBRIDGE_WORKER_GRACE_MS` applied.
    pub fn from_env() -> Result<Self> {
        let mut config = WorkerConfig::default();
        let number = |name: &str| -> Result<Option<u64>> {
            match std::env::var(name) {
                Ok(raw) => raw.trim().parse::<u64>().map(Some).map_err(|_| Error::InvalidOption {
                    option: name.into(),
                    message: format!("{raw:?} is not a whole number"),
                }),
                Err(_) => Ok(None),
            }
        };
        if let Some(n) = number("SNAKEBRIDGE_WORKERS")? {
            config.workers = (n as usize).max(1);
        }
        if let Some(ms) = number("SNAKEBRIDGE_WORKER_GRACE_MS")? {
            config.grace = Duration::from_millis(ms);
        }
        Ok(config)
    }

    /// Runs `python` instead of the venv's.
    #[must_use]
    pub fn python(mut self, python: impl Into<PathBuf>) -> Self {
        self.python = Some(python.into());
        self
    }

    /// The grace period after a timed-out call's interrupt.
    #[must_use]
    pub fn grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// Ref limits per session, held in each worker.
    #[must_use]
    pub fn limits(mut self, limits: RegistryLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets an environment variable in the workers.
    #[must_use]
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    /// Runs `source` as the adapter instead of [`ADAPTER_SOURCE`].
    #[must_use]
    pub fn adapter(mut self, source: impl Into<String>) -> Self {
        self.adapter = Some(source.into());
        self
    }
}

/// What every slot of a pool starts its worker with.
pub(crate) struct Settings {
    python: PathBuf,
    adapter: String,
    env: Vec<(String, String)>,
    limits: RegistryLimits,
    startup_timeout: Duration,
    grace: Duration,
}

struct Pool {
    slots: Vec<Arc<Slot>>,
    /// Which slot each session's calls run in.
    affinity: Mutex<HashMap<String, usize>>,
    next: AtomicUsize,
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.slots.iter().for_each(|s| s.shut_down());
        tracing::info!(name: "snakebridge.pool.stop", target: slot::TARGET, size = self.slots.len(), "snakebridge: worker pool stopped");
    }
}

/// `env` with the `python_path` directories of `config` (the program's) first on the worker's `PYTHONPATH`, so
/// that a worker imports the project's own modules as the embedded interpreter does.
fn with_python_path(config: &crate::RuntimeConfig, mut env: Vec<(String, String)>) -> Result<Vec<(String, String)>> {
    let dirs = crate::interpreter::python_path_dirs(config).map_err(|message| Error::Interpreter { message })?;
    if dirs.is_empty() {
        return Ok(env);
    }
    let given = match env.iter().rposition(|(k, _)| k == "PYTHONPATH") {
        Some(i) => Some(env.remove(i).1),
        None => std::env::var("PYTHONPATH").ok(),
    };
    let joined = crate::interpreter::pythonpath_with(&dirs, given.as_deref())
        .map_err(|message| Error::Interpreter { message })?;
    env.push(("PYTHONPATH".into(), joined));
    Ok(env)
}

/// A pool of Python worker processes; cheap to clone. Dropping the last handle stops the
/// workers (each gets end-of-file on its stdin, and is killed after the grace period).
#[derive(Clone)]
pub struct WorkerPool(Arc<Pool>);

impl WorkerPool {
    /// Starts `config.workers` workers and waits for each one's handshake.
    pub fn start(config: WorkerConfig) -> Result<WorkerPool> {
        let program = crate::interpreter::program_config();
        let python = match config.python.clone() {
            Some(p) => p,
            None => match program.find_venv()? {
                Some((venv, _)) => snakebridge_meta::venv::python_in(&venv),
                None => PathBuf::from("python3"),
            },
        };
        let settings = Arc::new(Settings {
            python,
            adapter: config.adapter.clone().unwrap_or_else(|| ADAPTER_SOURCE.to_owned()),
            env: with_python_path(&program, config.env.clone())?,
            limits: config.limits,
            startup_timeout: config.startup_timeout,
            grace: config.grace,
        });
        let slots: Vec<_> = (0..config.workers.max(1)).map(|i| Arc::new(Slot::new(i, settings.clone()))).collect();
        let pool =
            WorkerPool(Arc::new(Pool { slots, affinity: Mutex::new(HashMap::new()), next: AtomicUsize::new(0) }));
        for slot in &pool.0.slots {
            slot.warm()?;
        }
        super::note_remote();
        tracing::info!(name: "snakebridge.pool.start", target: slot::TARGET, size = pool.size(),
            python = %settings.python.display(), "snakebridge: worker pool started");
        Ok(pool)
    }

    /// How many workers the pool runs.
    pub fn size(&self) -> usize {
        self.0.slots.len()
    }

    /// The process id of each slot's worker (`None` for one that died and is not restarted yet).
    pub fn pids(&self) -> Vec<Option<u32>> {
        self.0.slots.iter().map(|s| s.pid()).collect()
    }

    /// The slot a session's calls run in: chosen round-robin on its first call, then kept.
    fn slot_for(&self, session: &str) -> &Arc<Slot> {
        let n = self.0.slots.len();
        let index = *self
            .0
            .affinity
            .lock()
            .entry(session.to_owned())
            .or_insert_with(|| self.0.next.fetch_add(1, Ordering::Relaxed) % n);
        &self.0.slots[index]
    }

    /// The worker slot of the session on this thread now (for tests and diagnostics).
    pub fn worker_of_current_session(&self) -> usize {
        self.slot_for(&effective_session_id()).index
    }

    pub(crate) fn run(&self, request: &Request<'_>, limit: Option<Duration>) -> Result<Value> {
        let session = effective_session_id();
        let slot = match request.target().and_then(|r| r.0.remote.as_ref()) {
            Some(slot) => slot,
            None => self.slot_for(&session),
        };
        slot.run(request, &session, limit)
    }

    /// Releases every object of `session` in its worker; returns how many there were.
    pub(crate) fn release_session(&self, session: &str) -> usize {
        let Some(index) = self.0.affinity.lock().get(session).copied() else { return 0 };
        match self.0.slots[index].admin("release_session", session) {
            Ok(Some(Value::Int(n))) => n.as_i64().unwrap_or(0) as usize,
            Ok(_) => 0,
            Err(e) => {
                tracing::warn!(target: slot::TARGET, session, error = %e, "snakebridge: releasing a session in its worker failed");
                0
            }
        }
    }

    /// A dropped session: its objects are released with its worker's next request.
    pub(crate) fn forget_session(&self, session: &str) {
        if let Some(index) = self.0.affinity.lock().remove(session) {
            self.0.slots[index].queue_session_release(session);
        }
    }

    /// How many objects `session` holds in its worker.
    pub(crate) fn session_len(&self, session: &str) -> usize {
        let Some(index) = self.0.affinity.lock().get(session).copied() else { return 0 };
        match self.0.slots[index].admin("ref_count", session) {
            Ok(Some(Value::Int(n))) => n.as_i64().unwrap_or(0) as usize,
            _ => 0,
        }
    }
}

impl std::fmt::Debug for WorkerPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerPool").field("size", &self.size()).finish()
    }
}

/// The host-side stand-in of a worker's object: what a worker ref converts to in this
/// process's interpreter, so that the one conversion table applies; it converts back to the ref.
#[pyclass(name = "WorkerRef", module = "snakebridge", frozen)]
pub(crate) struct Marker {
    r: Ref,
}

#[pymethods]
impl Marker {
    fn __repr__(&self) -> String {
        format!("{:?}", self.r)
    }
}

/// The stand-in object of the worker ref `r`.
pub(crate) fn marker<'py>(py: Python<'py>, r: &Ref) -> Result<Bound<'py, PyAny>> {
    Bound::new(py, Marker { r: r.clone() }).map(Bound::into_any).map_err(|e| py_err(py, e))
}

/// The worker ref behind a stand-in object.
#[inline]
pub(crate) fn unmark(obj: &Bound<'_, PyAny>) -> Option<Ref> {
    if !super::remote_possible() {
        return None;
    }
    obj.cast::<Marker>().ok().map(|m| m.get().r.clone())
}
