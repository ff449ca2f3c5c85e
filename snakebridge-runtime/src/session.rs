//! Sessions: who owns which refs, and for how long.
//!
//! Each thread gets an auto-session (`auto_` and 32 random hex digits), released when the
//! thread ends or on [`release_auto_session`]. It belongs to its thread alone: no other thread
//! can join it, use its refs or release it, even knowing its id (an explicit session with the
//! same text is another session). To share refs between threads on purpose, use an explicit
//! [`Session`], which other threads [`join`](Session::join) by id; its refs live until its
//! last handle is dropped or [`release_session`] is called. Calls run in the innermost
//! [`with_session`] scope of the thread, else in the thread's auto-session.
//!
//! Lifecycle: creating, joining and dropping an explicit session all happen under the `LIVE`
//! lock, and so do creating and removing its registry table. A session whose last handle
//! is being dropped cannot lose the table of a session created with the same id meanwhile:
//! whichever of the two takes `LIVE` first detaches the old table, and the refs detached are
//! dropped after the lock is released (the rule of [`crate::locks`]).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, LazyLock, Weak};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::locks::Mutex;
use crate::refs::{registry, RefId, RegistryLimits};

/// A session id: the text, and whether it names a thread's auto-session, so that an explicit
/// session given an auto-session's text stays a session of its own.
#[derive(Clone, Eq)]
pub(crate) struct SessionId {
    name: Arc<str>,
    auto: bool,
    /// The hash of `(name, auto)`, worked out once: the registry hashes the id of every ref it
    /// is asked for, and a long text costs more to hash than the call it serves.
    hash: u64,
}

impl PartialEq for SessionId {
    #[inline]
    fn eq(&self, other: &SessionId) -> bool {
        // A ref and the session it is used in share one `Arc` almost always: no text compare.
        self.auto == other.auto && (Arc::ptr_eq(&self.name, &other.name) || self.name == other.name)
    }
}

impl std::hash::Hash for SessionId {
    #[inline]
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl SessionId {
    fn new(name: Arc<str>, auto: bool) -> SessionId {
        use std::hash::{Hash, Hasher};
        // A fixed-key hasher: equal ids must hash alike in every table, whatever its seed.
        let mut h = std::hash::DefaultHasher::new();
        name.hash(&mut h);
        auto.hash(&mut h);
        SessionId { name, auto, hash: h.finish() }
    }

    fn explicit(name: &str) -> SessionId {
        SessionId::new(name.into(), false)
    }
}

impl std::ops::Deref for SessionId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.name, f)
    }
}

/// The session an id read from text names: this thread's auto-session if it is that one's
/// id, else the explicit session with that id. Another thread's auto-session is unreachable.
impl From<&str> for SessionId {
    fn from(name: &str) -> SessionId {
        let own = AUTO
            .try_with(|auto| {
                auto.try_borrow().ok().and_then(|a| a.as_ref().filter(|a| *a.0.name == *name).map(|a| a.0.clone()))
            })
            .ok()
            .flatten();
        own.unwrap_or_else(|| SessionId::explicit(name))
    }
}

impl From<String> for SessionId {
    fn from(name: String) -> SessionId {
        SessionId::from(name.as_str())
    }
}

struct AutoSession(SessionId);

impl Drop for AutoSession {
    fn drop(&mut self) {
        AUTO_NAME.set(std::ptr::null());
        let removed = registry().detach_session(&self.0);
        registry().bury(removed);
        crate::backend::session_dropped(&self.0, None);
    }
}

thread_local! {
    static AUTO: RefCell<Option<AutoSession>> = const { RefCell::new(None) };
    static SCOPE: RefCell<Vec<Session>> = const { RefCell::new(Vec::new()) };
    /// How many sessions [`SCOPE`] holds, and the text of [`AUTO`]'s id (null when none), in
    /// cells with no destructor: every use of a ref checks its session, and the common answer,
    /// "this thread's auto-session", then costs two loads and no borrow.
    static SCOPE_DEPTH: Cell<usize> = const { Cell::new(0) };
    static AUTO_NAME: Cell<*const u8> = const { Cell::new(std::ptr::null()) };
}

/// As unguessable as a ref id: knowing one auto-session's id says nothing about another's.
fn new_auto_id() -> SessionId {
    SessionId::new(format!("auto_{:032x}", RefId::new().0).into(), true)
}

/// The session a call on this thread runs in right now.
pub(crate) fn effective_session_id() -> SessionId {
    if let Some(id) = SCOPE.with(|s| s.borrow().last().map(|s| s.0.id.clone())) {
        return id;
    }
    AUTO.with(|auto| auto.borrow_mut().get_or_insert_with(|| AutoSession(new_auto_id())).0.clone())
}

/// `Ok` when calls on this thread run in `expected` right now, else the session they run in;
/// [`effective_session_id`] compared, without cloning it on the per-call path.
#[inline]
pub(crate) fn check_effective(expected: &SessionId) -> std::result::Result<(), SessionId> {
    // The auto-session's text is unique to it (a fresh random id), so its address identifies it.
    if SCOPE_DEPTH.get() == 0 && expected.auto && std::ptr::eq(AUTO_NAME.get(), expected.name.as_ptr()) {
        return Ok(());
    }
    check_effective_slow(expected)
}

#[inline(never)]
fn check_effective_slow(expected: &SessionId) -> std::result::Result<(), SessionId> {
    match SCOPE.with(|s| s.borrow().last().map(|s| s.0.id == *expected)) {
        Some(true) => Ok(()),
        Some(false) => Err(effective_session_id()),
        None => AUTO.with(|auto| {
            let mut auto = auto.borrow_mut();
            let current = &auto.get_or_insert_with(|| AutoSession(new_auto_id())).0;
            AUTO_NAME.set(current.name.as_ptr());
            if current == expected {
                Ok(())
            } else {
                Err(current.clone())
            }
        }),
    }
}

/// The id of the session calls on this thread run in (explicit scope, else auto-session).
pub fn current_session() -> String {
    effective_session_id().to_string()
}

/// Releases the thread's auto-session and every ref in it; the next call starts a new one.
///
/// Returns how many refs were released.
pub fn release_auto_session() -> usize {
    AUTO.with(|auto| auto.borrow_mut().take())
        .map_or(0, |auto| registry().session_len(&auto.0) + crate::backend::session_released(&auto.0, None))
}

/// Releases every ref of the session `session_id`; the session itself can be used again.
///
/// `session_id` names this thread's auto-session or an explicit session; another thread's
/// auto-session is not reachable by id, so releasing it here releases nothing. Returns how
/// many refs were released (0 for an unknown session: releasing twice is fine).
pub fn release_session(session_id: &str) -> usize {
    let id = SessionId::from(session_id);
    let own = live_backend(&id);
    registry().clear_session(&id) + crate::backend::session_released(&id, own.as_ref())
}

/// The backend a live explicit session chose, if it chose one.
fn live_backend(id: &SessionId) -> Option<crate::backend::Backend> {
    if !crate::backend::remote_possible() {
        return None;
    }
    LIVE.lock().get(id).and_then(Weak::upgrade).and_then(|s| s.backend.clone())
}

/// The backend of the innermost [`with_session`] scope's session, if it chose one.
pub(crate) fn scoped_backend() -> Option<crate::backend::Backend> {
    SCOPE.with(|s| s.borrow().last().and_then(|s| s.0.backend.clone()))
}

/// Releases one ref now instead of when its last handle is dropped. Releasing twice is a no-op.
///
/// Like every use of a ref, this is checked against the current session: a ref of another
/// session is left alone (and a warning logged), the way a call with it would fail with
/// [`Error::SessionMismatch`]. Run it inside [`with_session`] of the ref's session instead.
pub fn release_ref(r: &crate::Ref) {
    let current = effective_session_id();
    if current != r.0.session {
        tracing::warn!(
            target: "snakebridge::runtime",
            ref_id = %r.0.id,
            ref_session = %r.0.session,
            current_session = %current,
            "snakebridge: release_ref of a ref from another session ignored; release it inside with_session of its own session"
        );
        return;
    }
    registry().release(&r.0.session, r.0.id, crate::error::RefGone::Released);
}

/// How many refs the session `session_id` holds (this thread's auto-session or an explicit one).
pub fn session_ref_count(session_id: &str) -> usize {
    let id = SessionId::from(session_id);
    let own = live_backend(&id);
    registry().session_len(&id) + crate::backend::session_len(&id, own.as_ref())
}

/// An explicit session: refs created inside [`with_session`] belong to it, and other threads
/// may [`join`](Session::join) it by id to use them.
///
/// Cloning is cheap; the session's refs are released when the last clone is dropped.
#[derive(Clone)]
pub struct Session(Arc<SessionInner>);

struct SessionInner {
    id: SessionId,
    /// The backend its calls run on, when it chose one (else the program's).
    backend: Option<crate::backend::Backend>,
}

impl Drop for SessionInner {
    fn drop(&mut self) {
        let me: *const SessionInner = self;
        let removed = {
            let mut live = LIVE.lock();
            if live.get(&self.id).is_some_and(|w| !std::ptr::eq(w.as_ptr(), me)) {
                // A session made with this id after our last handle went has already taken
                // the table over (and released our refs): it is not ours to remove.
                return;
            }
            live.remove(&self.id);
            registry().detach_session(&self.id)
        };
        registry().bury(removed);
        crate::backend::session_dropped(&self.id, self.backend.as_ref());
    }
}

/// The live explicit sessions. Creating, joining and dropping one, and creating and removing
/// its registry table, all happen under this lock (the first in the lock order of
/// [`crate::locks`]).
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
    ///
    /// Only explicit sessions can be joined: an auto-session belongs to its thread.
    pub fn join(id: &str) -> Result<Session> {
        let found = LIVE.lock().get(&SessionId::explicit(id)).and_then(Weak::upgrade);
        found.map(Session).ok_or_else(|| Error::SessionNotFound { session_id: id.to_owned() })
    }

    /// Options for a new session.
    pub fn builder() -> SessionBuilder {
        SessionBuilder { id: None, limits: registry().default_limits(), backend: None }
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
        registry().session_len(&self.0.id) + crate::backend::session_len(&self.0.id, self.0.backend.as_ref())
    }

    /// The backend this session chose, if any (`None`: the program's).
    pub fn backend(&self) -> Option<crate::backend::Backend> {
        self.0.backend.clone()
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
    backend: Option<crate::backend::Backend>,
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

    /// Runs the session's calls on `backend` instead of the program's: in-process, a
    /// [`WorkerPool`](crate::backend::WorkerPool), or a [`TestDouble`](crate::backend::TestDouble).
    /// Joining a live session by id keeps the backend it was made with.
    pub fn backend(mut self, backend: crate::backend::Backend) -> Self {
        if !matches!(backend, crate::backend::Backend::InProcess) {
            crate::backend::note_remote();
        }
        self.backend = Some(backend);
        self
    }

    /// Creates the session, or joins the live one with the same id.
    ///
    /// The id always names an explicit session: given the id of an auto-session, this makes
    /// a separate session, which cannot see that thread's refs.
    pub fn build(self) -> Session {
        let id = match self.id {
            Some(id) => SessionId::explicit(&id),
            None => SessionId::explicit(&format!("session_{:032x}", RefId::new().0)),
        };
        let (session, removed) = {
            let mut live = LIVE.lock();
            if let Some(existing) = live.get(&id).and_then(Weak::upgrade) {
                return Session(existing);
            }
            // A predecessor with this id whose last handle is going (its drop waits for
            // `LIVE`) still has its table: take it now, so that this session starts empty and
            // the predecessor's drop, seeing a successor, leaves the new table alone.
            let removed = registry().detach_session(&id);
            let inner = Arc::new(SessionInner { id: id.clone(), backend: self.backend });
            live.insert(id.clone(), Arc::downgrade(&inner));
            registry().open_session(&id, self.limits);
            (Session(inner), removed)
        };
        registry().bury(removed);
        session
    }
}

/// Runs `f` with `session` as the current session of this thread: calls inside create their
/// refs in it and may use its refs.
pub fn with_session<R>(session: &Session, f: impl FnOnce() -> R) -> R {
    struct Pop;
    impl Drop for Pop {
        fn drop(&mut self) {
            SCOPE.with(|s| s.borrow_mut().pop());
            SCOPE_DEPTH.set(SCOPE_DEPTH.get() - 1);
        }
    }
    SCOPE.with(|s| s.borrow_mut().push(session.clone()));
    SCOPE_DEPTH.set(SCOPE_DEPTH.get() + 1);
    let _pop = Pop;
    f()
}
