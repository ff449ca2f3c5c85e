//! Per-call runtime options (the seed's `__runtime__`), given the same way to every path.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use crate::session::{with_session, Session};
use crate::timeout::CallTimeout;

/// Options for one call, or for every call inside [`CallOptions::run`].
///
/// Calls that take arguments carry them in [`Args`](crate::Args) (`Args::new().session(&s)`);
/// every path — including [`get`](crate::get), [`attr`](crate::attr),
/// [`set_attr`](crate::set_attr), the protocol methods of a ref, streams, context managers and
/// `python!` — honours the options of an enclosing [`CallOptions::run`]. Options given with
/// the arguments are laid over the enclosing ones, field by field.
///
/// ```no_run
/// use std::time::Duration;
/// use snakebridge_runtime::{attr, call, CallOptions};
/// # fn main() -> snakebridge_runtime::Result<()> {
/// let obj = call("types", "SimpleNamespace", ())?;
/// let limited = CallOptions::new().timeout(Duration::from_millis(100));
/// limited.run(|| attr(obj.as_ref().unwrap(), "__dict__"))?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CallOptions {
    /// Run the call in this session instead of the current one: refs passed in must belong
    /// to it, and refs returned are created in it.
    pub session: Option<Session>,
    /// A time limit for this call that replaces its profile's (see [`TimeoutConfig`](crate::TimeoutConfig)).
    pub timeout: Option<CallTimeout>,
    /// Run the call under this timeout profile (`"ml_inference"`, `"batch_job"`, …).
    pub timeout_profile: Option<String>,
    /// The call is idempotent: its result may be served from the cache of earlier calls with
    /// the same arguments (module functions only; see [`IdempotentCache`](crate::IdempotentCache)).
    pub idempotent: bool,
}

thread_local! {
    /// The options of the enclosing [`CallOptions::run`] scopes, innermost last.
    static SCOPED: RefCell<Vec<CallOptions>> = const { RefCell::new(Vec::new()) };
    /// How many scopes [`SCOPED`] holds, in a cell with no destructor: every call reads it, and
    /// the common answer, none, then costs one load instead of a borrow of the stack.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

impl CallOptions {
    /// No options: the call runs in the current session under its profile's limit.
    pub fn new() -> Self {
        CallOptions::default()
    }

    /// Runs in `session`.
    #[must_use]
    pub fn session(mut self, session: &Session) -> Self {
        self.session = Some(session.clone());
        self
    }

    /// Interrupts the call after `timeout`.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(CallTimeout::After(timeout));
        self
    }

    /// No time limit.
    #[must_use]
    pub fn no_timeout(mut self) -> Self {
        self.timeout = Some(CallTimeout::Never);
        self
    }

    /// Runs under the timeout profile `name`.
    #[must_use]
    pub fn timeout_profile(mut self, name: impl Into<String>) -> Self {
        self.timeout_profile = Some(name.into());
        self
    }

    /// Marks the call idempotent: a result cached for the same arguments is returned without
    /// calling Python.
    #[must_use]
    pub fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    /// Runs `f` with these options applied to every call inside it, on this thread.
    pub fn run<R>(&self, f: impl FnOnce() -> R) -> R {
        struct Pop;
        impl Drop for Pop {
            fn drop(&mut self) {
                SCOPED.with(|s| s.borrow_mut().pop());
                DEPTH.set(DEPTH.get() - 1);
            }
        }
        let merged = match SCOPED.with(|s| s.borrow().last().cloned()) {
            Some(outer) => self.clone().over(&outer),
            None => self.clone(),
        };
        SCOPED.with(|s| s.borrow_mut().push(merged));
        DEPTH.set(DEPTH.get() + 1);
        let _pop = Pop;
        CallOptions::scope(Some(self), f)
    }

    /// These options, with the fields they leave unset taken from `outer`.
    fn over(mut self, outer: &CallOptions) -> CallOptions {
        if self.session.is_none() {
            self.session.clone_from(&outer.session);
        }
        if self.timeout.is_none() && self.timeout_profile.is_none() {
            self.timeout = outer.timeout;
            self.timeout_profile.clone_from(&outer.timeout_profile);
        }
        self
    }

    /// Runs `f` with the options that apply to a call given `explicit` options: those, over
    /// the enclosing [`CallOptions::run`]'s.
    #[inline(always)]
    pub(crate) fn with_effective<R>(explicit: Option<&CallOptions>, f: impl FnOnce(Option<&CallOptions>) -> R) -> R {
        // The common case, no enclosing scope, costs one thread-local load and no clone.
        if DEPTH.get() == 0 {
            return f(explicit);
        }
        let scoped = SCOPED.with(|s| s.borrow().last().cloned());
        match (explicit, scoped) {
            (explicit, None) => f(explicit),
            (None, Some(scoped)) => f(Some(&scoped)),
            (Some(explicit), Some(scoped)) => f(Some(&explicit.clone().over(&scoped))),
        }
    }

    /// Whether a [`CallOptions::run`] encloses the current call on this thread.
    #[inline(always)]
    pub(crate) fn any_scoped() -> bool {
        DEPTH.get() != 0
    }

    /// The options of the innermost enclosing [`CallOptions::run`] on this thread.
    #[cfg_attr(not(feature = "tokio"), allow(dead_code))]
    pub(crate) fn current() -> Option<CallOptions> {
        if DEPTH.get() == 0 {
            return None;
        }
        SCOPED.with(|s| s.borrow().last().cloned())
    }

    /// Runs `f` in the session these options name, if any.
    #[inline(always)]
    pub(crate) fn scope<R>(options: Option<&CallOptions>, f: impl FnOnce() -> R) -> R {
        match options.and_then(|o| o.session.as_ref()) {
            Some(session) => with_session(session, f),
            None => f(),
        }
    }
}
