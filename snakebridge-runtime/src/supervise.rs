//! One Python call under its time limit, observed by telemetry: every call path (`call`,
//! `method`, `call_ref`, cached functions, the async API) goes through [`supervise`].

use pyo3::Python;

use crate::call::CallOptions;
use crate::error::{Error, Result};
use crate::telemetry;
use crate::timeout::{self, watchdog};

/// What is being called, for limits, messages and telemetry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    /// The module (or the type's module for a method).
    pub(crate) module: &'a str,
    /// The function, method or type name.
    pub(crate) function: &'a str,
}

impl<'a> Target<'a> {
    pub(crate) fn new(module: &'a str, function: &'a str) -> Self {
        Target { module, function }
    }

    /// The top-level package, which profiles are mapped by.
    #[inline]
    pub(crate) fn library(&self) -> &'a str {
        // A byte scan: `split('.')` showed up in profiles of the per-call path.
        match self.module.bytes().position(|b| b == b'.') {
            Some(i) => &self.module[..i],
            None => self.module,
        }
    }

    fn name(&self) -> String {
        if self.module.is_empty() {
            self.function.to_owned()
        } else {
            format!("{}.{}", self.module, self.function)
        }
    }
}

/// Runs `f` (which calls into Python with the GIL held) under the call's time limit.
#[inline]
pub(crate) fn supervise<R>(
    py: Python<'_>,
    target: Target<'_>,
    options: Option<&CallOptions>,
    f: impl FnOnce() -> Result<R>,
) -> Result<R> {
    let library = target.library();
    let span = telemetry::call_span(library, target.module, target.function);
    if span.is_disabled() {
        return guarded(py, target, library, options, f);
    }
    telemetry::observe(span, library, target.function, || guarded(py, target, library, options, f))
}

#[inline]
fn guarded<R>(
    py: Python<'_>,
    target: Target<'_>,
    library: &str,
    options: Option<&CallOptions>,
    f: impl FnOnce() -> Result<R>,
) -> Result<R> {
    let limit = timeout::limit_of(library, options)?;
    let ms = match limit {
        // At least 1 ms: a sub-millisecond limit still gets interrupted, not ignored.
        Some(t) => u64::try_from(t.as_millis()).unwrap_or(watchdog::NO_LIMIT - 1).clamp(1, watchdog::NO_LIMIT - 1),
        None if watchdog::in_job() => watchdog::NO_LIMIT,
        None => return f(),
    };
    let armed = watchdog::arm(ms).map_err(|r| r.error(target.name()))?;
    let result = f();
    match armed.and_then(|a| a.disarm(py)) {
        None => result,
        Some(watchdog::Stopped::TimedOut) => Err(timed_out(target, options)),
        Some(watchdog::Stopped::Cancelled) => Err(Error::Cancelled { target: target.name() }),
    }
}

/// The `Timeout` error, with the profile the limit came from (worked out only now: the
/// per-call path does not carry the name).
#[cold]
fn timed_out(target: Target<'_>, options: Option<&CallOptions>) -> Error {
    let (timeout, profile) = match timeout::call_limit(target.library(), options) {
        Ok(l) => (l.timeout.unwrap_or_default(), l.profile.into_owned()),
        Err(_) => (std::time::Duration::ZERO, "unknown".to_owned()),
    };
    Error::Timeout { target: target.name(), timeout, profile }
}
