//! The registry that owns every Python object a [`Ref`](super::Ref) points at.
//!
//! The locks follow [`crate::locks`]: objects leave the tables under a guard and are dropped
//! after it (in [`Registry::bury`]). A session's table is created and removed only by the
//! session's owner (`session.rs`, under its `LIVE` lock for explicit sessions), so a live
//! session's table is never removed behind its back.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

// foldhash rather than std's SipHash: hashing was a third of a ref's create + release. Ref ids
// are keyed random numbers and session ids come from the program, so flooding is not a concern.
use foldhash::{HashMap, HashMapExt};
use pyo3::prelude::*;

use super::recent::{self, Ticks};
use super::strict;
use super::tombstones::Tombstones;
use super::RefId;
use crate::error::{Error, RefGone, Result};
use crate::locks::{Mutex, RwLock, Unlocked};
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

/// An object the registry owns: dropped only with no registry lock held.
type Owned = Unlocked<Py<PyAny>>;

/// Refs taken out of the tables, with why; recorded and dropped by [`Registry::bury`] once
/// the guards are gone.
type Removed = Vec<(RefId, Owned, RefGone)>;

/// Moves before the registry drops any object it held and when a session's limits change:
/// a thread's [`recent`] uses are good only while it has not.
static EPOCH: AtomicU64 = AtomicU64::new(0);

struct Entry {
    obj: Owned,
    /// When the ref was last used (the session's use counter); shared with the [`recent`]
    /// slots of the threads that used it, which record their uses in it.
    tick: Arc<AtomicU64>,
    /// Its key in [`SessionRefs::order`]: the tick it was queued at, at most `tick`. A use
    /// only bumps `tick`; [`SessionRefs::prune`] re-queues an entry whose key has gone stale
    /// when it reaches the front, so a use costs no reordering.
    queued: u64,
    last_used: Instant,
}

struct SessionRefs {
    entries: HashMap<RefId, Entry>,
    /// Queue order, one key per entry ([`Entry::queued`]): the first key whose entry was not
    /// used since it was queued is the least recently used ref.
    order: BTreeMap<u64, RefId>,
    /// The use counter, shared with the [`recent`] slots as [`Entry::tick`] is.
    tick: Arc<AtomicU64>,
    limits: RegistryLimits,
}

impl SessionRefs {
    fn new(limits: RegistryLimits) -> Self {
        SessionRefs { entries: HashMap::new(), order: BTreeMap::new(), tick: Arc::new(AtomicU64::new(0)), limits }
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
        // A TTL makes every use a clock read and a prune, which the recent slots skip.
        EPOCH.fetch_add(1, Ordering::SeqCst);
        if self.limits.ttl.is_none() && limits.ttl.is_some() {
            // Entries made without a TTL carry no real time: their TTL starts now.
            let now = Instant::now();
            self.entries.values_mut().for_each(|e| e.last_used = now);
        }
        self.limits = limits;
    }

    fn next_tick(&mut self) -> u64 {
        self.tick.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Adds a ref; `true` when the session has just crossed strict mode's threshold.
    fn add(&mut self, id: RefId, obj: Owned, removed: &mut Removed) -> bool {
        let now = self.now();
        let tick = self.next_tick();
        self.entries.insert(id, Entry { obj, tick: Arc::new(AtomicU64::new(tick)), queued: tick, last_used: now });
        self.order.insert(tick, id);
        self.prune(now, removed);
        strict::crossed(self.entries.len())
    }

    fn remove(&mut self, id: RefId) -> Option<Owned> {
        let entry = self.entries.remove(&id)?;
        self.order.remove(&entry.queued);
        Some(entry.obj)
    }

    /// Takes every entry out, for [`Registry::bury`].
    fn drain(&mut self, reason: RefGone, removed: &mut Removed) {
        self.order.clear();
        removed.extend(self.entries.drain().map(|(id, e)| (id, e.obj, reason)));
    }

    /// Removes the least recently used refs while over the cap or past the TTL.
    fn prune(&mut self, now: Instant, removed: &mut Removed) {
        while let Some((&queued, &id)) = self.order.first_key_value() {
            let over_cap = self.entries.len() > self.limits.max_refs;
            if !over_cap && self.limits.ttl.is_none() {
                break;
            }
            let Some(entry) = self.entries.get_mut(&id) else {
                self.order.remove(&queued);
                continue;
            };
            let tick = entry.tick.load(Ordering::Relaxed);
            if tick != queued {
                // Used since it was queued: not the least recently used; queue it at its use.
                self.order.remove(&queued);
                entry.queued = tick;
                self.order.insert(tick, id);
                continue;
            }
            let reason = if over_cap {
                RefGone::Evicted
            } else if self.limits.ttl.is_some_and(|ttl| now.duration_since(entry.last_used) > ttl) {
                RefGone::Expired
            } else {
                break;
            };
            let Some(obj) = self.remove(id) else { break };
            removed.push((id, obj, reason));
        }
    }

    /// Marks `id` used now and returns its object (an incref only: it cannot run Python).
    #[inline]
    fn touch<'py>(&mut self, py: Python<'py>, id: RefId, now: Instant) -> Option<Py<PyAny>> {
        let tick = self.next_tick();
        let entry = self.entries.get_mut(&id)?;
        entry.tick.store(tick, Ordering::Relaxed);
        entry.last_used = now;
        Some(entry.obj.clone_ref(py))
    }

    /// The counters a use of `id` updates, for a [`recent`] slot; `None` under a TTL, where a
    /// use must go through [`SessionRefs::touch`].
    fn ticks(&self, id: RefId) -> Option<Ticks> {
        if self.limits.ttl.is_some() {
            return None;
        }
        let entry = self.entries.get(&id)?;
        Some(Ticks { session: self.tick.clone(), entry: entry.tick.clone() })
    }
}

/// The process-wide registry of Python objects behind refs.
///
/// Tables are reached only under the map's lock (no `Arc` of a table escapes it), so once a
/// table is removed from the map nothing can add to it.
pub(crate) struct Registry {
    sessions: RwLock<HashMap<SessionId, Mutex<SessionRefs>>>,
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
    /// Runs `f` on the refs of `session`, if it has any.
    ///
    /// The session's lock is taken under the map's read lock. Nothing that takes the map's
    /// lock runs inside `f`, and objects leave `f` to be dropped after.
    #[inline]
    fn in_session<R>(&self, session: &SessionId, f: impl FnOnce(&mut SessionRefs) -> R) -> Option<R> {
        let sessions = self.sessions.read();
        let refs = sessions.get(session)?;
        let mut refs = refs.lock();
        Some(f(&mut refs))
    }

    /// Creates the table of `session` with `limits`, or sets the limits of the existing one.
    pub(crate) fn open_session(&self, session: &SessionId, limits: RegistryLimits) {
        let mut sessions = self.sessions.write();
        match sessions.get(session) {
            Some(refs) => refs.lock().set_limits(limits),
            None => {
                sessions.insert(session.clone(), Mutex::new(SessionRefs::new(limits)));
            }
        }
    }

    /// The default limits for new sessions.
    pub(crate) fn default_limits(&self) -> RegistryLimits {
        *self.limits.read()
    }

    pub(crate) fn insert(&self, session: &SessionId, obj: Py<PyAny>) -> RefId {
        let id = RefId::new();
        let obj = Unlocked::new(obj);
        let mut removed = Vec::new();
        let crossed = {
            let sessions = self.sessions.read();
            if let Some(refs) = sessions.get(session) {
                refs.lock().add(id, obj, &mut removed)
            } else {
                // The first ref of an auto-session: its table is made on first use.
                drop(sessions);
                let limits = self.default_limits();
                let mut sessions = self.sessions.write();
                let refs = sessions.entry(session.clone()).or_insert_with(|| Mutex::new(SessionRefs::new(limits)));
                let crossed = refs.lock().add(id, obj, &mut removed);
                crossed
            }
        };
        self.bury(removed);
        if crossed {
            self.warn_strict(session);
        }
        id
    }

    /// Strict mode's warning for `session`; its objects are read under the lock (increfs
    /// only) and looked at, and dropped, after it.
    #[cold]
    fn warn_strict(&self, session: &SessionId) {
        Python::attach(|py| {
            let objects = self
                .in_session(session, |refs| refs.entries.values().map(|e| e.obj.clone_ref(py)).collect::<Vec<_>>())
                .unwrap_or_default();
            strict::warn(py, session, &objects);
        });
    }

    /// The object of `id` in `session` (whose use the caller checked), marked used.
    #[inline]
    pub(crate) fn get<'py>(&self, py: Python<'py>, session: &SessionId, id: RefId) -> Result<Bound<'py, PyAny>> {
        let epoch = EPOCH.load(Ordering::SeqCst);
        if let Some(obj) = recent::get(py, id, epoch) {
            return Ok(obj);
        }
        self.get_locked(py, session, id, epoch)
    }

    #[inline(never)]
    fn get_locked<'py>(
        &self,
        py: Python<'py>,
        session: &SessionId,
        id: RefId,
        epoch: u64,
    ) -> Result<Bound<'py, PyAny>> {
        let mut removed = Vec::new();
        let found = self
            .in_session(session, |refs| {
                let now = refs.now();
                // Only a TTL can retire a ref on a use: the cap is enforced where refs are added.
                if refs.limits.ttl.is_some() {
                    refs.prune(now, &mut removed);
                }
                refs.touch(py, id, now).map(|obj| (obj, refs.ticks(id)))
            })
            .flatten();
        self.bury(removed);
        match found {
            Some((obj, ticks)) => {
                let obj = obj.into_bound(py);
                if let Some(ticks) = ticks {
                    recent::remember(id, epoch, &obj, ticks);
                }
                Ok(obj)
            }
            None => Err(self.not_found(session, id)),
        }
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
        let Some(obj) = self.in_session(session, |refs| refs.remove(id)).flatten() else { return false };
        self.bury(vec![(id, obj, reason)]);
        true
    }

    /// Releases every ref of a session but keeps its table (and limits); returns how many.
    pub(crate) fn clear_session(&self, session: &SessionId) -> usize {
        let mut removed = Vec::new();
        self.in_session(session, |refs| refs.drain(RefGone::SessionReleased, &mut removed));
        let count = removed.len();
        self.bury(removed);
        count
    }

    /// Removes a session's table. Its refs are returned, to be buried by the caller once its
    /// own locks are released.
    #[must_use = "the refs must be passed to `bury` once no lock is held"]
    pub(crate) fn detach_session(&self, session: &SessionId) -> Removed {
        let mut removed = Vec::new();
        if let Some(refs) = self.sessions.write().remove(session) {
            refs.into_inner().drain(RefGone::SessionReleased, &mut removed);
        }
        removed
    }

    /// How many refs a session holds.
    pub(crate) fn session_len(&self, session: &SessionId) -> usize {
        self.in_session(session, |refs| refs.entries.len()).unwrap_or(0)
    }

    /// Records why `removed` went and drops the objects; call it holding no runtime lock.
    #[inline]
    pub(crate) fn bury(&self, removed: Removed) {
        if !removed.is_empty() {
            self.bury_some(removed);
        }
    }

    #[inline(never)]
    fn bury_some(&self, removed: Removed) {
        // Before any object is dropped: threads must stop using their recent slots first.
        EPOCH.fetch_add(1, Ordering::SeqCst);
        {
            let mut tombstones = self.tombstones.lock();
            for (id, _, reason) in &removed {
                tombstones.record(*id, *reason);
            }
        }
        for (id, _, reason) in &removed {
            if matches!(reason, RefGone::Evicted | RefGone::Expired) {
                tracing::debug!(ref_id = %id, ?reason, "snakebridge: ref removed by registry limits");
            }
        }
        drop(removed);
    }
}

#[cfg(test)]
#[path = "registry_tests.rs"]
mod tests;
