//! The one call pipeline: every way into Python goes through [`enter`], so that each runs
//! under the call's per-call options (session, timeout, profile), its time limit and its
//! telemetry span, whichever door a user comes in by.
//!
//! The doors are the variants of [`Door`]; `tests/call_pipeline.rs` runs every one of them
//! against a sleeping call, a telemetry subscriber and a per-call session, and fails when a
//! door is used here that its table does not cover.

use pyo3::Python;

use crate::backend::{self, Backend};
use crate::call::CallOptions;
use crate::error::{Error, Result};
use crate::interpreter::with_gil;
use crate::telemetry;
use crate::timeout::{self, watchdog};
use crate::value::Value;

/// Each public way into Python, for the table test that holds them all to one pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Door {
    /// `call`, `call_as`, cached and generated functions, constructors.
    Call,
    /// `get`: a module attribute.
    Get,
    /// `method`, `method_as`, generated methods.
    Method,
    /// `attr`: an attribute of a ref (properties run Python code).
    Attr,
    /// `set_attr`.
    SetAttr,
    /// `call_ref` and `Ref::call`.
    CallRef,
    /// A protocol method of a ref (`str`, `repr`, `len`, `get_item`, …).
    Protocol,
    /// A stream's creation, refill and `len`.
    Stream,
    /// `with_python`'s `__enter__` and `__exit__`.
    Context,
    /// `python!` expressions and blocks.
    Inline,
    /// `call_helper`.
    Helper,
    /// `call_awaiting`, `await_coroutine` and the async API.
    Await,
}

/// What is being called, for limits, messages and telemetry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    /// Which door the call came in by.
    pub(crate) door: Door,
    /// The module (or the type's module for a method).
    pub(crate) module: &'a str,
    /// The function, method or type name.
    pub(crate) function: &'a str,
}

impl<'a> Target<'a> {
    pub(crate) const fn new(door: Door, module: &'a str, function: &'a str) -> Self {
        Target { door, module, function }
    }

    /// The top-level package, which profiles are mapped by.
    #[inline]
    pub(crate) fn library(&self) -> &'a str {
        library_of(self.module)
    }

    fn name(&self) -> String {
        if self.module.is_empty() {
            self.function.to_owned()
        } else {
            format!("{}.{}", self.module, self.function)
        }
    }
}

/// The top-level package of `module` (`"numpy"` for `"numpy.linalg"`).
#[inline]
pub(crate) fn library_of(module: &str) -> &str {
    // A byte scan: `split('.')` showed up in profiles of the per-call path.
    match module.bytes().position(|b| b == b'.') {
        Some(i) => &module[..i],
        None => module,
    }
}

/// Runs `f` with the interpreter attached, under the call's options — `options` given with
/// the call's arguments, laid over those of an enclosing [`CallOptions::run`] — its time limit
/// and its telemetry span: the one way into Python for every public path.
#[inline(always)]
pub(crate) fn enter<R>(
    target: Target<'_>,
    options: Option<&CallOptions>,
    f: impl for<'py> FnOnce(Python<'py>) -> Result<R>,
) -> Result<R> {
    enter_at(&target, options, f)
}

/// [`enter`] for a target kept in a `static` (generated functions): nothing of it is copied
/// or loaded unless a slow path needs it.
#[inline(always)]
pub(crate) fn enter_at<R>(
    target: &Target<'_>,
    options: Option<&CallOptions>,
    f: impl for<'py> FnOnce(Python<'py>) -> Result<R>,
) -> Result<R> {
    // The common case — no enclosing scope, no per-call session — without the closures that
    // merging options and entering a session take.
    if !CallOptions::any_scoped() && options.is_none_or(|o| o.session.is_none()) {
        return with_gil(
            #[inline(always)]
            |py| {
                supervise(
                    py,
                    target,
                    options,
                    #[inline(always)]
                    || f(py),
                )
            },
        );
    }
    enter_scoped(target, options, f)
}

#[inline(never)]
fn enter_scoped<R>(
    target: &Target<'_>,
    options: Option<&CallOptions>,
    f: impl for<'py> FnOnce(Python<'py>) -> Result<R>,
) -> Result<R> {
    CallOptions::with_effective(options, |options| {
        CallOptions::scope(options, || with_gil(|py| supervise(py, target, options, || f(py))))
    })
}

/// The door to an out-of-process backend (workers, a test double): `None` when the call runs
/// in-process — the default, decided with one atomic load — else the value the session's
/// backend returned for `request()`, under the same options, limit and telemetry as [`enter`].
#[inline]
pub(crate) fn remote<'r>(
    target: Target<'_>,
    options: Option<&CallOptions>,
    request: impl FnOnce() -> Result<backend::Request<'r>>,
) -> Option<Result<Value>> {
    if !backend::remote_possible() {
        return None;
    }
    remote_cold(target, options, request)
}

#[cold]
fn remote_cold<'r>(
    target: Target<'_>,
    options: Option<&CallOptions>,
    request: impl FnOnce() -> Result<backend::Request<'r>>,
) -> Option<Result<Value>> {
    CallOptions::with_effective(options, |options| {
        let backend = match backend::effective(options) {
            Ok(Backend::InProcess) => return None,
            Ok(b) => b,
            Err(e) => return Some(Err(e)),
        };
        Some(CallOptions::scope(options, || {
            let run = || {
                let limit = timeout::limit_of(target.module, options)?;
                let request = request()?;
                match backend.run(&request, limit) {
                    Some(Err(Error::Timeout { .. })) => Err(timed_out(&target, options)),
                    Some(result) => result,
                    None => unreachable!("an out-of-process backend"),
                }
            };
            match telemetry::call_span(&target) {
                None => run(),
                Some(span) => telemetry::observe(span, target.library(), target.function, run),
            }
        }))
    })
}

/// The error of a door that only the in-process backend has, when the call's session is on
/// another: `None` when the call runs in-process.
#[inline]
pub(crate) fn local_only(door: Door, options: Option<&CallOptions>) -> Option<Error> {
    if !backend::remote_possible() {
        return None;
    }
    CallOptions::with_effective(options, |options| match backend::effective(options) {
        Ok(Backend::InProcess) => None,
        Ok(b) => Some(Error::Unsupported { what: door.name().to_owned(), backend: b.name() }),
        Err(e) => Some(e),
    })
}

/// Runs `f` (which calls into Python with the GIL held) under the call's time limit.
#[inline]
fn supervise<R>(
    py: Python<'_>,
    target: &Target<'_>,
    options: Option<&CallOptions>,
    f: impl FnOnce() -> Result<R>,
) -> Result<R> {
    match telemetry::call_span(target) {
        None => guarded(py, target, options, f),
        Some(span) => telemetry::observe(span, target.library(), target.function, || guarded(py, target, options, f)),
    }
}

#[inline(always)]
fn guarded<R>(
    py: Python<'_>,
    target: &Target<'_>,
    options: Option<&CallOptions>,
    f: impl FnOnce() -> Result<R>,
) -> Result<R> {
    // The common case is read as the milliseconds to arm, without building a `Result` (whose
    // error is large) or converting a `Duration` first.
    let ms = match timeout::uniform_watchdog_ms(options) {
        Some(ms) => ms,
        None => timeout::limit_of(target.module, options)?.map_or(0, watchdog::limit_ms),
    };
    let ms = match ms {
        0 if watchdog::in_job() => watchdog::NO_LIMIT,
        0 => return f(),
        ms => ms,
    };
    let armed = match watchdog::arm(ms) {
        Ok(armed) => armed,
        Err(refused) => return Err(refused.error(target.name())),
    };
    // A stopped call's error replaces the result in place rather than through a match.
    let mut result = f();
    if let Some(stopped) = armed.and_then(|a| a.disarm(py)) {
        result = Err(stopped_error(stopped, target, options));
    }
    result
}

#[cold]
fn stopped_error(stopped: watchdog::Stopped, target: &Target<'_>, options: Option<&CallOptions>) -> Error {
    match stopped {
        watchdog::Stopped::TimedOut => timed_out(target, options),
        watchdog::Stopped::Cancelled => Error::Cancelled { target: target.name() },
    }
}

impl Door {
    /// The door's name in telemetry (the span's `path` field).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Door::Call => "call",
            Door::Get => "get",
            Door::Method => "method",
            Door::Attr => "attr",
            Door::SetAttr => "set_attr",
            Door::CallRef => "call_ref",
            Door::Protocol => "protocol",
            Door::Stream => "stream",
            Door::Context => "context",
            Door::Inline => "python!",
            Door::Helper => "helper",
            Door::Await => "await",
        }
    }
}

/// The `Timeout` error, with the profile the limit came from (worked out only now: the
/// per-call path does not carry the name).
#[cold]
fn timed_out(target: &Target<'_>, options: Option<&CallOptions>) -> Error {
    let (timeout, profile) = match timeout::call_limit(target.library(), options) {
        Ok(l) => (l.timeout.unwrap_or_default(), l.profile.into_owned()),
        Err(_) => (std::time::Duration::ZERO, "unknown".to_owned()),
    };
    Error::Timeout { target: target.name(), timeout, profile }
}
