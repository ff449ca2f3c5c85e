//! Per-call runtime options (the seed's `__runtime__`).

use crate::session::{with_session, Session};

/// Options for one call.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CallOptions {
    /// Run the call in this session instead of the current one: refs passed in must belong
    /// to it, and refs returned are created in it.
    pub session: Option<Session>,
    /// A time limit for this call that replaces its profile's (see [`TimeoutConfig`](crate::TimeoutConfig)).
    pub timeout: Option<crate::CallTimeout>,
    /// Run the call under this timeout profile (`"ml_inference"`, `"batch_job"`, …).
    pub timeout_profile: Option<String>,
}

impl CallOptions {
    /// Runs `f` under these options.
    pub(crate) fn scope<R>(options: Option<&CallOptions>, f: impl FnOnce() -> R) -> R {
        match options.and_then(|o| o.session.as_ref()) {
            Some(session) => with_session(session, f),
            None => f(),
        }
    }
}
