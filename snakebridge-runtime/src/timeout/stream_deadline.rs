//! The whole-stream limit (a profile's `stream_timeout`): a stream's batches are pulled under
//! whatever is left of it, so a generator that runs past it is interrupted like a call.

use std::time::{Duration, Instant};

use pyo3::Python;

use super::watchdog;
use crate::call::CallOptions;
use crate::error::{Error, Result};

/// When a stream must have finished.
#[derive(Debug, Clone)]
pub(crate) struct StreamDeadline {
    until: Instant,
    limit: Duration,
    profile: String,
    target: String,
}

impl StreamDeadline {
    /// The deadline of a stream over `module.function` starting now; `None` without a limit.
    pub(crate) fn start(module: &str, function: &str, options: Option<&CallOptions>) -> Result<Option<Self>> {
        let library = module.split('.').next().unwrap_or(module);
        let (limit, profile) = super::stream_timeout(library, options)?;
        Ok(limit.map(|limit| StreamDeadline {
            until: Instant::now()
                .checked_add(limit)
                .unwrap_or_else(|| Instant::now() + Duration::from_secs(100 * 365 * 86_400)),
            limit,
            profile,
            target: format!("{module}.{function} (stream)"),
        }))
    }

    /// Runs `f` (which pulls items with the GIL held) under what is left of the deadline.
    pub(crate) fn run<R>(&self, py: Python<'_>, f: impl FnOnce() -> Result<R>) -> Result<R> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(self.timed_out());
        }
        let ms = u64::try_from(left.as_millis()).unwrap_or(watchdog::NO_LIMIT - 1).clamp(1, watchdog::NO_LIMIT - 1);
        let armed = watchdog::arm(ms).map_err(|r| r.error(self.target.clone()))?;
        let result = f();
        match armed.and_then(|a| a.disarm(py)) {
            None => result,
            Some(watchdog::Stopped::TimedOut) => Err(self.timed_out()),
            Some(watchdog::Stopped::Cancelled) => Err(Error::Cancelled { target: self.target.clone() }),
        }
    }

    fn timed_out(&self) -> Error {
        Error::Timeout { target: self.target.clone(), timeout: self.limit, profile: self.profile.clone() }
    }
}
