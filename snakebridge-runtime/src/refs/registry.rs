//! The registry that owns every Python object a [`Ref`](super::Ref) points at.
//!
//! Lock order: the GIL (if held) before any registry lock; no registry lock is held while
//! Python code can run, so objects removed here are dropped only after the locks are gone.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

// foldhash rather than std's SipHash: hashing was a third of a ref's create + release. Ref ids
// are keyed random numbers and session ids come from the program, so flooding is not a concern.
use foldhash::{HashMap, HashMapExt};
use parking_lot::{Mutex, RwLock};
use pyo3::prelude::*;

use super::tombstones::Tombstones;
use super::RefId;
use crate::error::{Error, RefGone, Result};
use crate::session::SessionId;

/// How many refs a session may hold and how long an unused one lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistryLimits {
    /// Refs per session before the least recently used is evicted (`SNAKEBRIDGE_REF_MAX`,
    /// default 10,000).
    pub max_refs: usize,
    /// How long a ref may go unused before it expires (`SNAKEBRIDGE_REF_TTL_SECONDS`; off by
    /// default, `0` also means off).
    pub ttl: Option<Duration>,
}

impl Default for RegistryLimits {
    fn default() -> Self {
        RegistryLimits { max_refs: 10_000, ttl: None }
    }
}

impl RegistryLimits {
    /// The limits the environment asks for, defaults otherwise.
    pub fn from_env() -> Self {
        let mut limits = RegistryLimits::default();
        if let Some(max) = env_u64("SNAKEBRIDGE_REF_MAX").filter(|&m| m > 0) {
            limits.max_refs = max as usize;
        }
        limits.ttl = env_u64("SNAKEBRIDGE_REF_TTL_SECONDS").filter(|&s| s > 0).map(Duration::from_secs);
        limits
    }
}

fn env_u64(name: &str) -> Option<u64> {
    let raw = std::env::var(name).ok()?;
    match raw.trim().parse() {
        Ok(v) => Some(v),
        Err(_) => {
            tracing::warn!("{name}={raw:?} is not a whole number; using the default");
            None
        }
    }
}

/// `last_used` of entries made while their session had no TTL.
static UNTIMED: LazyLock<Instant> = LazyLock::new(Instant::now);

struct Entry {
    obj: Py<PyAny>,
    tick: u64,
    last_used: Instant,
}

struct SessionRefs {
    entries: HashMap<RefId, Entry>,
    /// Use order: the first key is the least recently used ref.
    order: BTreeMap<u64, RefId>,
    tick: u64,
    limits: RegistryLimits,
}

impl SessionRefs {
    fn new(limits: RegistryLimits) -> Self {
        SessionRefs { entries: HashMap::new(), order: BTreeMap::new(), tick: 0, limits }
    }

    /// The time now when the session has a TTL. Without one nothing reads `last_used`, so the
    /// clock (a tenth of a ref's create + release) is skipped and entries carry [`UNTIMED`].
    fn now(&self) -> Instant {
        if self.limits.ttl.is_some() {
            Instant::now()
        } else {
            *UNTIMED
        }
    }

    fn set_limits(&mut self, limits: RegistryLimits) {
        if self.limits.ttl.is_none() && limits.ttl.is_some() {
            // Entries made without a TTL carry no real time: their TTL starts now.
            let now = Instant::now();
            self.entries.values_mut().for_each(|e| e.last_used = now);
        }
        self.limits = limits;
    }

    fn next_tick(&mut self) -> u64 {
        self.tick += 1;
        self.tick
    }

    fn remove(&mut self, id: RefId) -> Option<Py<PyAny>> {
        let entry = self.entries.remove(&id)?;
        self.order.remove(&entry.tick);
        Some(entry.obj)
    }

    /// Removes the least recently used refs while over the cap or past the TTL.
    fn prune(&mut self, now: Instant, removed: &mut Vec<(RefId, Py<PyAny>, RefGone)>) {
        while let Some((_, &id)) = self.order.first_key_value() {
            let reason = if self.entries.len() > self.limits.max_refs {
                RefGone::Evicted
            } else if self.limits.ttl.is_some_and(|ttl| now.duration_since(self.entries[&id].last_used) > ttl) {
                RefGone::Expired
            } else {
                break;
            };
            let obj = self.remove(id).expect("order and entries agree");
            removed.push((id, obj, reason));
        }
    }
}

/// The process-wide registry of Python objects behind refs.
pub(crate) struct Registry {
    sessions: RwLock<HashMap<SessionId, Arc<Mutex<SessionRefs>>>>,
    tombstones: Mutex<Tombstones>,
    limits: RwLock<RegistryLimits>,
}

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| Registry {
    sessions: RwLock::new(HashMap::new()),
    tombstones: Mutex::new(Tombstones::new()),
    limits: RwLock::new(RegistryLimits::from_env()),
});

pub(crate) fn registry() -> &'static Registry {
    &REGISTRY
}

/// How many Python objects the registry holds, over all sessions.
pub fn live_ref_count() -> usize {
    registry().sessions.read().values().map(|s| s.lock().entries.len()).sum()
}

impl Registry {
    fn session(&self, session: &SessionId) -> Option<Arc<Mutex<SessionRefs>>> {
        self.sessions.read().get(session).cloned()
    }

    /// Runs `f` on the refs of `session`, if it has any.
    ///
    /// The session's lock is taken under the map's read lock rather than after cloning its
    /// `Arc`: two fewer atomic operations on every ref's create, use and release. Nothing
    /// that takes the map's lock runs inside `f`, and objects leave `f` to be dropped after.
    #[inline]
    fn in_session<R>(&self, session: &SessionId, f: impl FnOnce(&mut SessionRefs) -> R) -> Option<R> {
        let sessions = self.sessions.read();
        let refs = sessions.get(session)?;
        let mut refs = refs.lock();
        Some(f(&mut refs))
    }

    fn session_or_create(&self, session: &SessionId) -> Arc<Mutex<SessionRefs>> {
        if let Some(s) = self.session(session) {
            return s;
        }
        let limits = *self.limits.read();
        self.sessions
            .write()
            .entry(session.clone())
            .or_insert_with(|| Arc::new(Mutex::new(SessionRefs::new(limits))))
            .clone()
    }

    /// Sets the limits of a session (creating its entry), for explicit sessions with their own.
    pub(crate) fn set_session_limits(&self, session: &SessionId, limits: RegistryLimits) {
        self.session_or_create(session).lock().set_limits(limits);
    }

    /// The default limits for new sessions.
    pub(crate) fn default_limits(&self) -> RegistryLimits {
        *self.limits.read()
    }

    pub(crate) fn insert(&self, session: &SessionId, obj: Py<PyAny>) -> RefId {
        let id = RefId::new();
        let mut removed = Vec::new();
        let add = |refs: &mut SessionRefs, obj: Py<PyAny>, removed: &mut Vec<_>| {
            let now = refs.now();
            let tick = refs.next_tick();
            refs.entries.insert(id, Entry { obj, tick, last_used: now });
            refs.order.insert(tick, id);
            refs.prune(now, removed);
        };
        // `in_session` written out, so that `obj` is still ours when the session has no table yet.
        let sessions = self.sessions.read();
        match sessions.get(session) {
            Some(refs) => add(&mut refs.lock(), obj, &mut removed),
            None => {
                drop(sessions);
                add(&mut self.session_or_create(session).lock(), obj, &mut removed);
            }
        }
        self.bury(removed);
        id
    }

    pub(crate) fn get<'py>(&self, py: Python<'py>, session: &SessionId, id: RefId) -> Result<Bound<'py, PyAny>> {
        let mut removed = Vec::new();
        let found = self
            .in_session(session, |refs| {
                let now = refs.now();
                refs.prune(now, &mut removed);
                let tick = refs.next_tick();
                let entry = refs.entries.get_mut(&id)?;
                let old = std::mem::replace(&mut entry.tick, tick);
                entry.last_used = now;
                let obj = entry.obj.clone_ref(py);
                refs.order.remove(&old);
                refs.order.insert(tick, id);
                Some(obj)
            })
            .flatten();
        self.bury(removed);
        match found {
            Some(obj) => Ok(obj.into_bound(py)),
            None => Err(self.not_found(session, id)),
        }
    }

    /// The object without counting it as a use (for `Debug`).
    pub(crate) fn peek<'py>(&self, py: Python<'py>, session: &SessionId, id: RefId) -> Option<Bound<'py, PyAny>> {
        let refs = self.session(session)?;
        let obj = refs.lock().entries.get(&id).map(|e| e.obj.clone_ref(py));
        obj.map(|o| o.into_bound(py))
    }

    pub(crate) fn contains(&self, session: &SessionId, id: RefId) -> bool {
        self.in_session(session, |refs| refs.entries.contains_key(&id)).unwrap_or(false)
    }

    pub(crate) fn not_found(&self, session: &SessionId, id: RefId) -> Error {
        let reason = self.tombstones.lock().reason(id).unwrap_or(RefGone::Unknown);
        Error::RefNotFound { ref_id: id.to_string(), session_id: session.to_string(), reason }
    }

    /// Releases one ref; `false` if it was not there (releasing twice is not an error).
    pub(crate) fn release(&self, session: &SessionId, id: RefId, reason: RefGone) -> bool {
        let obj = self.in_session(session, |refs| refs.remove(id)).flatten();
        let found = obj.is_some();
        if found {
            self.tombstones.lock().record(id, reason);
        }
        drop(obj);
        found
    }

    /// Releases every ref of a session; returns how many there were.
    pub(crate) fn release_session(&self, session: &SessionId) -> usize {
        let Some(refs) = self.sessions.write().remove(session) else { return 0 };
        let entries = std::mem::take(&mut refs.lock().entries);
        let count = entries.len();
        {
            let mut tombstones = self.tombstones.lock();
            for id in entries.keys() {
                tombstones.record(*id, RefGone::SessionReleased);
            }
        }
        drop(entries);
        count
    }

    /// How many refs a session holds.
    pub(crate) fn session_len(&self, session: &SessionId) -> usize {
        self.in_session(session, |refs| refs.entries.len()).unwrap_or(0)
    }

    fn bury(&self, removed: Vec<(RefId, Py<PyAny>, RefGone)>) {
        if removed.is_empty() {
            return;
        }
        {
            let mut tombstones = self.tombstones.lock();
            for (id, _, reason) in &removed {
                tracing::debug!(ref_id = %id, ?reason, "snakebridge: ref removed by registry limits");
                tombstones.record(*id, *reason);
            }
        }
        drop(removed);
    }
}
