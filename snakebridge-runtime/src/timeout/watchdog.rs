//! One watchdog thread that interrupts Python calls past their deadline.
//!
//! Each thread that makes calls owns a [`Slot`]. Arming a call stores a generation number and
//! a limit in the slot — a few atomic stores, no clock read, no lock, no syscall — and the
//! watchdog notices it on its next scan. To bound how late it notices, the watchdog publishes
//! a threshold: a call whose limit is shorter than `K` times the watchdog's current sleep wakes
//! it up; any longer call is seen within `limit / K`. The watchdog sets the arrival time at the
//! scan that first sees a generation, so a deadline can fire late by that bound, never early.
//!
//! Firing and disarming both happen with the GIL held, which orders them: the watchdog sets the
//! async exception only if the slot still holds the same generation, and a call that finishes
//! after being fired clears any exception that did not land yet, so nothing leaks into the
//! thread's next call.

use std::cell::{Cell, OnceCell};
use std::collections::HashMap;
use std::os::raw::{c_long, c_ulong};
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release, SeqCst};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use pyo3::prelude::*;

use super::interrupt;

/// A limit meaning "no deadline": the call is armed only so that it can be cancelled.
pub(crate) const NO_LIMIT: u64 = u64::MAX;

/// `limit` as the milliseconds a call is armed with: at least 1 (a sub-millisecond limit
/// still gets interrupted, not ignored), below [`NO_LIMIT`], in u64 arithmetic (`as_millis`
/// is a u128 division).
pub(crate) fn limit_ms(limit: Duration) -> u64 {
    limit.as_secs().saturating_mul(1000).saturating_add(u64::from(limit.subsec_millis())).clamp(1, NO_LIMIT - 1)
}
/// How much shorter than a call's limit the watchdog's sleep is kept (bounds lateness to 1/K).
const K: u64 = 20;
/// How often an interrupt is repeated while the call keeps running (code that swallowed it).
const REFIRE: Duration = Duration::from_millis(250);
/// How long the watchdog polls after the last armed call before it sleeps until woken.
const LINGER_ROUNDS: u32 = 40;
const LINGER: Duration = Duration::from_millis(250);

const FIRED_TIMEOUT: u8 = 1;
const FIRED_CANCEL: u8 = 2;

extern "C" {
    // Exported by libpython; the id `PyThreadState_SetAsyncExc` matches threads by.
    fn PyThread_get_thread_ident() -> c_ulong;
}

/// The watchdog's view of one calling thread.
pub(crate) struct Slot {
    ident: c_ulong,
    next_gen: AtomicU64,
    /// Generation of the call in flight; 0 when none is armed.
    armed: AtomicU64,
    limit_ms: AtomicU64,
    /// Generation that was interrupted, and why.
    fired: AtomicU64,
    reason: AtomicU8,
    /// The async job running on this thread was cancelled (its future was dropped).
    pub(crate) cancelled: AtomicBool,
    /// An async job is running on this thread: arm even calls without a limit.
    pub(crate) in_job: AtomicBool,
    /// How to stop the call other than by an async exception (an asyncio task's `cancel`).
    pub(crate) waker: crate::locks::Mutex<Option<crate::locks::Unlocked<Py<PyAny>>>>,
}

struct Shared {
    slots: Mutex<Vec<Arc<Slot>>>,
    dirty: Mutex<bool>,
    wake: Condvar,
}

/// The watchdog thread is running. Starting it can fail (the process is out of threads or
/// memory): then calls with a limit are refused with a typed error, and the next armed call
/// tries again. A plain static, not in [`Shared`]: every armed call reads it.
static RUNNING: AtomicBool = AtomicBool::new(false);
static STARTING: Mutex<()> = Mutex::new(());

static SHARED: OnceLock<Shared> = OnceLock::new();
/// Arms with a limit (ms) below this wake the watchdog; `u64::MAX` while it scans.
static THRESHOLD: AtomicU64 = AtomicU64::new(u64::MAX);

/// A thread's slot; unregistered when the thread ends, so thread pools that come and go do
/// not leave slots behind.
struct Owned(Arc<Slot>);

impl Drop for Owned {
    fn drop(&mut self) {
        FAST.set(std::ptr::null());
        if let Some(s) = SHARED.get() {
            s.slots.lock().unwrap_or_else(|e| e.into_inner()).retain(|x| !Arc::ptr_eq(x, &self.0));
        }
    }
}

thread_local! {
    static SLOT: OnceCell<Owned> = const { OnceCell::new() };
    /// The slot [`SLOT`] holds, as a pointer in a cell with no destructor: arming a call reads
    /// it with one load, without the lazy-init check and the reference count of [`SLOT`].
    /// Null until the slot is registered and again once it is dropped at thread exit.
    static FAST: Cell<*const Slot> = const { Cell::new(std::ptr::null()) };
}

fn shared() -> &'static Shared {
    SHARED.get_or_init(|| Shared { slots: Mutex::new(Vec::new()), dirty: Mutex::new(false), wake: Condvar::new() })
}

/// Starts the watchdog thread unless it runs; `false` when it cannot be started.
#[inline]
fn ensure_running() -> bool {
    RUNNING.load(Acquire) || start_watchdog()
}

#[cold]
fn start_watchdog() -> bool {
    start_once(&RUNNING, &STARTING, || {
        std::thread::Builder::new().name("snakebridge-watchdog".into()).spawn(run).map(drop)
    })
}

fn start_once(running: &AtomicBool, starting: &Mutex<()>, spawn: impl FnOnce() -> std::io::Result<()>) -> bool {
    if running.load(Acquire) {
        return true;
    }
    let _one_at_a_time = starting.lock().unwrap_or_else(|e| e.into_inner());
    if running.load(Acquire) {
        return true;
    }
    match spawn() {
        Ok(()) => {
            running.store(true, Release);
            true
        }
        Err(e) => {
            tracing::warn!(target: "snakebridge::runtime", error = %e, "snakebridge: cannot start the timeout watchdog thread");
            false
        }
    }
}

/// This thread's slot, registered with the watchdog on first use.
pub(crate) fn current_slot() -> Arc<Slot> {
    SLOT.with(|s| {
        s.get_or_init(|| {
            let slot = Arc::new(Slot {
                // SAFETY: a plain pthread_self wrapper, callable with or without the GIL.
                ident: unsafe { PyThread_get_thread_ident() },
                next_gen: AtomicU64::new(0),
                armed: AtomicU64::new(0),
                limit_ms: AtomicU64::new(0),
                fired: AtomicU64::new(0),
                reason: AtomicU8::new(0),
                cancelled: AtomicBool::new(false),
                in_job: AtomicBool::new(false),
                waker: crate::locks::Mutex::new(None),
            });
            shared().slots.lock().unwrap_or_else(|e| e.into_inner()).push(slot.clone());
            FAST.set(Arc::as_ptr(&slot));
            Owned(slot)
        })
        .0
        .clone()
    })
}

/// Runs `f` on this thread's slot, registering it on first use.
#[inline(always)]
fn with_slot<R>(f: impl FnOnce(&Slot) -> R) -> R {
    let fast = FAST.get();
    if fast.is_null() {
        return f(&current_slot());
    }
    // SAFETY: `FAST` points into the `Arc` that this thread's `SLOT` keeps alive, and is reset
    // before that is dropped; `f` runs on this thread, within this call.
    f(unsafe { &*fast })
}

/// Whether this thread is running an async job (so calls without a limit must be armed too).
#[inline]
pub(crate) fn in_job() -> bool {
    let fast = FAST.get();
    // SAFETY: as in `with_slot`. No slot yet means no job ever ran on this thread.
    !fast.is_null() && unsafe { (*fast).in_job.load(SeqCst) }
}

/// Why an armed call stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stopped {
    TimedOut,
    Cancelled,
}

/// An armed call; [`Armed::disarm`] it with the GIL held when the call returns.
///
/// It points at this thread's slot rather than holding a reference count: it lives within one
/// call on the thread that armed it (the raw pointer keeps it `!Send`), and a thread's slot
/// outlives every call the thread makes.
pub(crate) struct Armed {
    slot: *const Slot,
    gen: u64,
}

impl Drop for Armed {
    // Reached without `disarm` only when the call panicked (still inside `with_gil`, so the
    // GIL is held): the slot must not stay armed for a call that is over.
    fn drop(&mut self) {
        if self.slot().armed.load(Relaxed) == self.gen {
            self.finish();
        }
    }
}

/// Why a call could not be armed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// This thread's async job was already cancelled.
    Cancelled,
    /// The watchdog thread cannot be started, so no deadline could be enforced.
    NoWatchdog,
}

impl Refused {
    /// The error for a call to `target` that was refused.
    pub(crate) fn error(self, target: String) -> crate::Error {
        match self {
            Refused::Cancelled => crate::Error::Cancelled { target },
            Refused::NoWatchdog => crate::Error::Interpreter {
                message: format!(
                    "`{target}` has a time limit but the timeout watchdog thread cannot be started (the process is out of threads or memory), so it was not run; free resources, or run it without a limit (`Args::no_timeout()`)"
                ),
            },
        }
    }
}

/// Arms a call on this thread. `Ok(None)` for a call nested in an armed call (it runs under
/// the outer deadline); an error when this thread's async job was already cancelled or the
/// watchdog cannot run.
#[inline(always)]
pub(crate) fn arm(limit_ms: u64) -> Result<Option<Armed>, Refused> {
    if !ensure_running() {
        return Err(Refused::NoWatchdog);
    }
    with_slot(|slot| arm_slot(slot, limit_ms))
}

#[inline(always)]
fn arm_slot(slot: &Slot, limit_ms: u64) -> Result<Option<Armed>, Refused> {
    if slot.cancelled.load(SeqCst) {
        return Err(Refused::Cancelled);
    }
    if slot.armed.load(SeqCst) != 0 {
        return Ok(None);
    }
    // Only this thread writes `next_gen`; `limit_ms` is published by the SeqCst store of
    // `armed`, which pairs with the watchdog's THRESHOLD store-then-scan (a Dekker handshake:
    // either the watchdog's scan sees this arm, or this load sees its "wake me" threshold).
    let gen = slot.next_gen.load(Relaxed) + 1;
    slot.next_gen.store(gen, Relaxed);
    slot.limit_ms.store(limit_ms, Relaxed);
    slot.armed.store(gen, SeqCst);
    if limit_ms < THRESHOLD.load(SeqCst) {
        notify();
    }
    Ok(Some(Armed { slot: std::ptr::from_ref(slot), gen }))
}

impl Armed {
    fn slot(&self) -> &Slot {
        // SAFETY: see the type's documentation; `arm` took the pointer from a live reference.
        unsafe { &*self.slot }
    }

    /// Ends the call; says whether it was interrupted. Must run with the GIL held.
    #[inline]
    pub(crate) fn disarm(self, _py: Python<'_>) -> Option<Stopped> {
        let this = std::mem::ManuallyDrop::new(self);
        this.finish()
    }

    #[inline]
    fn finish(&self) -> Option<Stopped> {
        // The GIL orders this with `fire_one`, which checks `armed` under it too.
        let slot = self.slot();
        slot.armed.store(0, Release);
        if slot.fired.load(Acquire) != self.gen {
            return None;
        }
        self.fired()
    }

    #[cold]
    fn fired(&self) -> Option<Stopped> {
        let slot = self.slot();
        // The interrupt may not have landed (the call returned first): clear it so that it
        // cannot surface in this thread's next call.
        // SAFETY: the GIL is held; a null exception clears the thread's pending one.
        unsafe { pyo3::ffi::PyThreadState_SetAsyncExc(slot.ident as c_long, std::ptr::null_mut()) };
        Some(if slot.reason.load(SeqCst) == FIRED_CANCEL { Stopped::Cancelled } else { Stopped::TimedOut })
    }
}

/// Wakes the watchdog for a rescan (a short deadline, a cancellation).
pub(crate) fn notify() {
    let s = shared();
    *s.dirty.lock().unwrap_or_else(|e| e.into_inner()) = true;
    s.wake.notify_one();
}

struct Track {
    gen: u64,
    since: Instant,
    fired_at: Option<Instant>,
}

fn run() {
    let s = shared();
    let mut seen: HashMap<usize, Track> = HashMap::new();
    // The last generation seen per slot: a change means calls happened since the last scan,
    // even if none was in flight at the moment of the scan.
    let mut last_gen: HashMap<usize, u64> = HashMap::new();
    let mut idle_rounds = 0u32;
    loop {
        THRESHOLD.store(u64::MAX, SeqCst);
        let slots: Vec<Arc<Slot>> = s.slots.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let now = Instant::now();
        let mut sleep: Option<Duration> = None;
        let mut fire = Vec::new();
        let mut any_armed = false;
        let mut active = false;
        for slot in &slots {
            let key = Arc::as_ptr(slot) as usize;
            let latest = slot.next_gen.load(Relaxed);
            if last_gen.insert(key, latest) != Some(latest) {
                active = true;
            }
            let gen = slot.armed.load(SeqCst);
            if gen == 0 {
                seen.remove(&key);
                continue;
            }
            any_armed = true;
            let t = seen.entry(key).or_insert(Track { gen, since: now, fired_at: None });
            if t.gen != gen {
                *t = Track { gen, since: now, fired_at: None };
            }
            let limit = slot.limit_ms.load(SeqCst);
            let cancelled = slot.cancelled.load(SeqCst);
            let due = if cancelled {
                Some(t.since.min(now))
            } else if limit == NO_LIMIT {
                None
            } else {
                // A limit of centuries does not fit an Instant: it is no deadline at all.
                t.since.checked_add(Duration::from_millis(limit))
            };
            if let Some(due) = due {
                let due = t.fired_at.map_or(due, |f| due.max(f + REFIRE));
                let wait = if due <= now {
                    fire.push((slot.clone(), gen, if cancelled { FIRED_CANCEL } else { FIRED_TIMEOUT }));
                    t.fired_at = Some(now);
                    REFIRE
                } else {
                    due - now
                };
                sleep = Some(sleep.map_or(wait, |s| s.min(wait)));
            }
            if limit != NO_LIMIT {
                let cap = Duration::from_millis(limit / K).max(Duration::from_millis(1));
                sleep = Some(sleep.map_or(cap, |s| s.min(cap)));
            }
        }
        if seen.len() + last_gen.len() > 2 * slots.len() {
            // Threads ended: forget their slots (an address may be reused by a new slot).
            let live: std::collections::HashSet<usize> = slots.iter().map(|s| Arc::as_ptr(s) as usize).collect();
            seen.retain(|k, _| live.contains(k));
            last_gen.retain(|k, _| live.contains(k));
        }
        if !fire.is_empty() {
            Python::attach(|py| {
                for (slot, gen, reason) in fire {
                    fire_one(py, &slot, gen, reason);
                }
            });
        }
        if any_armed || active {
            idle_rounds = 0;
        }
        if !any_armed && idle_rounds < LINGER_ROUNDS {
            idle_rounds += 1;
            sleep = Some(LINGER);
        }
        let mut dirty = s.dirty.lock().unwrap_or_else(|e| e.into_inner());
        if *dirty {
            *dirty = false;
            continue;
        }
        THRESHOLD.store(sleep.map_or(u64::MAX, |d| (d.as_millis() as u64).saturating_mul(K)), SeqCst);
        dirty = match sleep {
            Some(d) => s.wake.wait_timeout(dirty, d).unwrap_or_else(|e| e.into_inner()).0,
            None => s.wake.wait(dirty).unwrap_or_else(|e| e.into_inner()),
        };
        *dirty = false;
    }
}

fn fire_one(py: Python<'_>, slot: &Slot, gen: u64, reason: u8) {
    if slot.armed.load(SeqCst) != gen {
        return; // finished while we waited for the GIL
    }
    let first = slot.fired.swap(gen, SeqCst) != gen;
    slot.reason.store(reason, SeqCst);
    let waker = slot.waker.lock().as_ref().map(|w| w.clone_ref(py));
    if let Some(w) = waker {
        // An asyncio task is cancelled cleanly at its await point; only if it keeps running
        // does it get the async exception as well.
        if let Err(e) = w.call0(py) {
            tracing::debug!(target: "snakebridge::runtime", error = %e, "snakebridge: could not cancel a coroutine");
        }
        if first {
            return;
        }
    }
    let Ok(exc) = interrupt::exception_type(py) else { return };
    // SAFETY: the GIL is held; `exc` is an exception class that lives for the process.
    unsafe { pyo3::ffi::PyThreadState_SetAsyncExc(slot.ident as c_long, exc.as_ptr()) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_watchdog_that_cannot_start_is_refused_and_retried() {
        let running = AtomicBool::new(false);
        let starting = Mutex::new(());
        let failed = start_once(&running, &starting, || Err(std::io::Error::other("no threads left")));
        assert!(!failed && !running.load(SeqCst));
        assert!(start_once(&running, &starting, || Ok(())), "the next try starts it");
        assert!(start_once(&running, &starting, || panic!("not started twice")));
        let message = Refused::NoWatchdog.error("m.f".into()).to_string();
        assert!(message.contains("no_timeout") && message.contains("m.f"), "{message}");
    }
}
