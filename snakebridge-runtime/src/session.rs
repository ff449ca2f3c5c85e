//! Sessions: who owns which refs, and for how long.
//!
//! Each thread gets an auto-session (`auto_…`), released when the thread ends or on
//! [`release_auto_session`]. An explicit [`Session`] has an id other threads can
//! [`join`](Session::join); its refs live until its last handle is dropped or
//! [`release_session`] is called. Calls run in the innermost [`with_session`] scope of the
//! thread, else in the thread's auto-session.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Weak};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use parking_lot::Mutex;

use crate::error::{Error, Result};
use crate::refs::{registry, RefId, RegistryLimits};

/// A session id, shared cheaply between refs.
pub(crate) type SessionId = Arc<str>;

struct AutoSession(SessionId);

impl Drop for AutoSession {
    fn drop(&mut self) {
        registry().release_session(&self.0);
    }
}

thread_local! {
    static AUTO: RefCell<Option<AutoSession>> = const { RefCell::new(None) };
    static SCOPE: RefCell<Vec<Session>> = const { RefCell::new(Vec::new()) };
}

static THREADS: AtomicU64 = AtomicU64::new(0);

fn new_auto_id() -> SessionId {
    let n = THREADS.fetch_add(1, Ordering::Relaxed);
    let millis = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    format!("auto_{n}_{millis}").into()
}

/// The session a call on this thread runs in right now.
pub(crate) fn effective_session_id() -> SessionId {
    if let Some(id) = SCOPE.with(|s| s.borrow().last().map(|s| s.0.id.clone())) {
        return id;
    }
    AUTO.with(|auto| auto.borrow_mut().get_or_insert_with(|| AutoSession(new_auto_id())).0.clone())
}

/// The id of the session calls on this thread run in (explicit scope, else auto-session).
pub fn current_session() -> String {
    effective_session_id().to_string()
}

/// Releases the thread's auto-session and every ref in it; the next call starts a new one.
///
/// Returns how many refs were released.
pub fn release_auto_session() -> usize {
    AUTO.with(|auto| auto.borrow_mut().take()).map_or(0, |auto| registry().session_len(&auto.0))
}

/// Releases every ref of the session `session_id`; the session itself can be used again.
///
/// Returns how many refs were released (0 for an unknown session: releasing twice is fine).
pub fn release_session(session_id: &str) -> usize {
    registry().release_session(&SessionId::from(session_id))
}

/// Releases one ref now instead of when its last handle is dropped. Releasing twice is a no-op.
pub fn release_ref(r: &crate::Ref) {
    registry().release(&r.0.session, r.0.id, crate::error::RefGone::Released);
}

/// How many refs the session `session_id` holds.
pub fn session_ref_count(session_id: &str) -> usize {
    registry().session_len(&SessionId::from(session_id))
}

/// An explicit session: refs created inside [`with_session`] belong to it, and other threads
/// may [`join`](Session::join) it by id to use them.
///
/// Cloning is cheap; the session's refs are released when the last clone is dropped.
#[derive(Clone)]
pub struct Session(Arc<SessionInner>);

struct SessionInner {
    id: SessionId,
}

impl Drop for SessionInner {
    fn drop(&mut self) {
        let mut live = LIVE.lock();
        if live.get(&self.id).is_some_and(|w| w.strong_count() == 0) {
            live.remove(&self.id);
        }
        drop(live);
        registry().release_session(&self.id);
    }
}

static LIVE: LazyLock<Mutex<HashMap<SessionId, Weak<SessionInner>>>> = LazyLock::new(Default::default);

impl Session {
    /// A new session with a random id and the default limits.
    pub fn new() -> Session {
        Session::builder().build()
    }

    /// The live session `id`, or a new one with that id.
    pub fn with_id(id: impl Into<String>) -> Session {
        Session::builder().id(id).build()
    }

    /// The live session `id`, for another thread to use its refs.
    pub fn join(id: &str) -> Result<Session> {
        LIVE.lock()
            .get(id)
            .and_then(Weak::upgrade)
            .map(Session)
            .ok_or_else(|| Error::SessionNotFound { session_id: id.to_owned() })
    }

    /// Options for a new session.
    pub fn builder() -> SessionBuilder {
        SessionBuilder { id: None, limits: registry().default_limits() }
    }

    /// The session id.
    pub fn id(&self) -> &str {
        &self.0.id
    }

    /// Runs `f` with this session as the current one (same as [`with_session`]).
    pub fn run<R>(&self, f: impl FnOnce() -> R) -> R {
        with_session(self, f)
    }

    /// How many refs the session holds.
    pub fn ref_count(&self) -> usize {
        registry().session_len(&self.0.id)
    }
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Session").field(&self.0.id).finish()
    }
}

/// Builds a [`Session`] with its own id or limits.
#[derive(Debug, Clone)]
#[must_use]
pub struct SessionBuilder {
    id: Option<String>,
    limits: RegistryLimits,
}

impl SessionBuilder {
    /// Uses `id`; joins the live session with that id if there is one.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// At most `max` refs; the least recently used is evicted beyond that.
    pub fn max_refs(mut self, max: usize) -> Self {
        self.limits.max_refs = max.max(1);
        self
    }

    /// Refs unused for longer than `ttl` expire.
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.limits.ttl = Some(ttl);
        self
    }

    /// Creates the session, or joins the live one with the same id.
    pub fn build(self) -> Session {
        let id: SessionId = self.id.unwrap_or_else(|| format!("session_{:032x}", RefId::new().0)).into();
        let mut live = LIVE.lock();
        if let Some(existing) = live.get(&id).and_then(Weak::upgrade) {
            return Session(existing);
        }
        let inner = Arc::new(SessionInner { id: id.clone() });
        live.insert(id.clone(), Arc::downgrade(&inner));
        drop(live);
        registry().set_session_limits(&id, self.limits);
        Session(inner)
    }
}

/// Runs `f` with `session` as the current session of this thread: calls inside create their
/// refs in it and may use its refs.
pub fn with_session<R>(session: &Session, f: impl FnOnce() -> R) -> R {
    struct Pop;
    impl Drop for Pop {
        fn drop(&mut self) {
            SCOPE.with(|s| s.borrow_mut().pop());
        }
    }
    SCOPE.with(|s| s.borrow_mut().push(session.clone()));
    let _pop = Pop;
    f()
}
