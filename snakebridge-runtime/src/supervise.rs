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
    pub(crate) fn library(&self) -> &'a str {
        self.module.split('.').next().unwrap_or(self.module)
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
pub(crate) fn supervise<R>(py: Python<'_>, target: Target<'_>, options: Option<&CallOptions>, f: impl FnOnce() -> Result<R>) -> Result<R> {
    let span = telemetry::call_span(target.library(), target.module, target.function);
    if span.is_disabled() {
        return guarded(py, target, options, f);
    }
    telemetry::observe(span, target.library(), target.function, || guarded(py, target, options, f))
}

#[inline]
fn guarded<R>(py: Python<'_>, target: Target<'_>, options: Option<&CallOptions>, f: impl FnOnce() -> Result<R>) -> Result<R> {
    let limit = timeout::call_limit(target.library(), options)?;
    let ms = match limit.timeout {
        // At least 1 ms: a sub-millisecond limit still gets interrupted, not ignored.
        Some(t) => u64::try_from(t.as_millis()).unwrap_or(watchdog::NO_LIMIT - 1).clamp(1, watchdog::NO_LIMIT - 1),
        None if watchdog::in_job() => watchdog::NO_LIMIT,
        None => return f(),
    };
    let armed = watchdog::arm(ms).map_err(|_| Error::Cancelled { target: target.name() })?;
    let result = f();
    match armed.and_then(|a| a.disarm(py)) {
        None => result,
        Some(watchdog::Stopped::TimedOut) => Err(Error::Timeout {
            target: target.name(),
            timeout: limit.timeout.unwrap_or_default(),
            profile: limit.profile.into_owned(),
        }),
        Some(watchdog::Stopped::Cancelled) => Err(Error::Cancelled { target: target.name() }),
    }
}
