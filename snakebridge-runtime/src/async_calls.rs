//! The async API on tokio.
//!
//! Every call runs on tokio's blocking pool (`spawn_blocking`), never on the async executor's
//! threads, so a long Python call or a wait for the GIL does not stall other tasks. A Python
//! coroutine returned by the call is awaited (on an asyncio loop in that worker thread). The
//! call keeps its time limit (see [`TimeoutConfig`](crate::TimeoutConfig)); on top of that,
//! dropping the future — `tokio::time::timeout`, `select!`, an aborted task — interrupts the
//! Python work the same way a timeout does, and the worker thread is free again shortly after.
//!
//! ```no_run
//! # async fn f() -> snakebridge_runtime::Result<()> {
//! use snakebridge_runtime::{args, r#async};
//! let root: f64 = r#async::call("math", "sqrt", (16.0,)).await?.extract()?;
//! // Anything else, with keyword arguments or several calls: a closure on the blocking pool.
//! let rounded = r#async::run(|| snakebridge_runtime::call("builtins", "round", args!(1.23456, ndigits = 2))).await?;
//! # Ok(()) }
//! ```

use std::future::Future;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::{Arc, LazyLock, Mutex};

use crate::call::IntoArgs;
use crate::error::{Error, Result};
use crate::refs::Ref;
use crate::session::{with_session, Session};
use crate::timeout::watchdog::{self, Slot};
use crate::value::{FromPython, Value};

/// Runs `f` — any snakebridge calls — on tokio's blocking pool. Dropping the returned future
/// interrupts the Python call in progress and makes later calls in `f` return
/// [`Error::Cancelled`].
///
/// Sessions: the job runs in the explicit [`Session`] that is current where `run` is called
/// (inside [`with_session`]), else in the shared session
/// [`ASYNC_SESSION_ID`]. Async tasks hop between threads, so per-thread auto-sessions do not
/// apply; to pass refs between sync and async code, use an explicit session.
///
/// Returns [`Error::NoAsyncRuntime`] outside a tokio runtime. A panic in `f` resumes in the
/// awaiting task.
pub fn run<R, F>(f: F) -> impl Future<Output = Result<R>> + Send + 'static
where
    F: FnOnce() -> Result<R> + Send + 'static,
    R: Send + 'static,
{
    let session = Session::join(&crate::current_session()).unwrap_or_else(|_| ASYNC_SESSION.clone());
    // The options of an enclosing `CallOptions::run` follow the job to the blocking pool.
    let scoped = crate::call::CallOptions::current().unwrap_or_default();
    async move {
        let handle = tokio::runtime::Handle::try_current().map_err(|_| Error::NoAsyncRuntime)?;
        let job = Arc::new(Job::default());
        let worker = job.clone();
        let task = handle.spawn_blocking(move || with_session(&session, || scoped.run(|| worker.run(f))));
        let mut guard = CancelOnDrop(Some(job));
        let out = task.await;
        guard.0 = None;
        match out {
            Ok(r) => r,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Err(Error::Cancelled { target: "async job".into() }),
        }
    }
}

/// The id of the session async jobs run in when no explicit session is current.
pub const ASYNC_SESSION_ID: &str = "snakebridge_async";

static ASYNC_SESSION: LazyLock<Session> = LazyLock::new(|| Session::with_id(ASYNC_SESSION_ID));

/// Calls `module.function(*args)` off the executor and awaits a returned coroutine.
pub fn call<A>(
    module: impl Into<String>,
    function: impl Into<String>,
    args: A,
) -> impl Future<Output = Result<Value>> + Send + 'static
where
    A: IntoArgs + Send + 'static,
{
    call_as(module, function, args)
}

/// [`call`], converting the result to `R`.
pub fn call_as<R, A>(
    module: impl Into<String>,
    function: impl Into<String>,
    args: A,
) -> impl Future<Output = Result<R>> + Send + 'static
where
    R: FromPython + Send + 'static,
    A: IntoArgs + Send + 'static,
{
    let (module, function) = (module.into(), function.into());
    run(move || crate::coroutine::call_awaiting_as(&module, &function, args))
}

/// Calls `target.name(*args)` off the executor and awaits a returned coroutine.
pub fn method<A>(target: &Ref, name: impl Into<String>, args: A) -> impl Future<Output = Result<Value>> + Send + 'static
where
    A: IntoArgs + Send + 'static,
{
    let (target, name) = (target.clone(), name.into());
    run(move || {
        let v = crate::call::method(&target, &name, args)?;
        match &v {
            Value::Ref(r) if is_awaitable(r)? => crate::coroutine::await_coroutine(r),
            _ => Ok(v),
        }
    })
}

/// Awaits a Python coroutine held as a ref (for example what a sync `call` of an `async def`
/// function returned).
pub fn await_coroutine(coroutine: &Ref) -> impl Future<Output = Result<Value>> + Send + 'static {
    let coroutine = coroutine.clone();
    run(move || crate::coroutine::await_coroutine(&coroutine))
}

fn is_awaitable(r: &Ref) -> Result<bool> {
    r.protocol_is_awaitable()
}

/// One `run`: links the future to the worker thread that runs it, for cancellation.
#[derive(Default)]
struct Job {
    /// `(cancelled, slot of the worker while it runs the job)`, under one lock so a cancel
    /// either reaches the worker's slot or is seen by the worker when it starts.
    state: Mutex<(bool, Option<Arc<Slot>>)>,
}

impl Job {
    fn run<R>(&self, f: impl FnOnce() -> Result<R>) -> Result<R> {
        let slot = watchdog::current_slot();
        {
            let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if s.0 {
                return Err(Error::Cancelled { target: "async job".into() });
            }
            slot.in_job.store(true, SeqCst);
            s.1 = Some(slot.clone());
        }
        // Reset the worker's slot even if `f` panics: the thread goes back to tokio's pool.
        struct Reset<'a>(&'a Job, Arc<Slot>);
        impl Drop for Reset<'_> {
            fn drop(&mut self) {
                let mut s = self.0.state.lock().unwrap_or_else(|e| e.into_inner());
                s.1 = None;
                self.1.in_job.store(false, SeqCst);
                self.1.cancelled.store(false, SeqCst);
            }
        }
        let _reset = Reset(self, slot);
        f()
    }

    fn cancel(&self) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.0 = true;
        if let Some(slot) = &s.1 {
            slot.cancelled.store(true, SeqCst);
            watchdog::notify();
        }
    }
}

struct CancelOnDrop(Option<Arc<Job>>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(job) = self.0.take() {
            job.cancel();
        }
    }
}
