//! The runtime's locks, and the one rule they follow.
//!
//! **No Python code runs while a runtime lock is held.** No call, no attribute access, no
//! import, and no decref that could free an object (a `__del__`, a weakref callback, a
//! finaliser can run any Python). Objects that leave a table behind a lock are collected and
//! dropped after the guard is gone.
//!
//! Why: Python code can release the GIL (`time.sleep`, I/O, the eval loop's switch interval)
//! and needs it back to continue. A thread holding the GIL that waits for a runtime lock, and a
//! thread holding that lock that waits for the GIL, wait for each other forever. Keeping
//! Python out of every lock keeps the order one-way: a thread may take a runtime lock while
//! attached to Python, never the reverse. The locks among themselves are taken in this order:
//! the session map (`session::LIVE`), then the registry's session map, then one session's
//! table, then the tombstones; caches (callables, modules, helpers, the watchdog's waker) are
//! leaves that take no other lock.
//!
//! The rule is checked in debug builds. [`Mutex`] and [`RwLock`] count the guards each thread
//! holds; Python objects owned by a table live in [`Unlocked`], whose drop asserts that this
//! thread holds no guard; [`assert_unlocked`] guards the points where the runtime enters
//! Python. Release builds count nothing.

use std::ops::{Deref, DerefMut};

#[cfg(debug_assertions)]
thread_local! {
    static HELD: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// How many runtime lock guards this thread holds (always 0 in release builds).
#[inline]
pub(crate) fn held() -> u32 {
    #[cfg(debug_assertions)]
    {
        HELD.try_with(|h| h.get()).unwrap_or(0)
    }
    #[cfg(not(debug_assertions))]
    {
        0
    }
}

/// Panics in debug builds if this thread holds a runtime lock; call it where Python is entered.
#[inline]
#[track_caller]
pub(crate) fn assert_unlocked(what: &str) {
    // A second panic while unwinding would abort; the first one is what needs fixing.
    debug_assert!(
        held() == 0 || std::thread::panicking(),
        "snakebridge lock rule broken: {what} while holding {} runtime lock(s) (see src/locks.rs)",
        held()
    );
}

/// A guard that counts itself as held by this thread.
pub(crate) struct Counted<G>(G);

impl<G> Counted<G> {
    #[inline]
    fn new(guard: G) -> Self {
        #[cfg(debug_assertions)]
        let _ = HELD.try_with(|h| h.set(h.get() + 1));
        Counted(guard)
    }
}

impl<G> Drop for Counted<G> {
    #[inline]
    fn drop(&mut self) {
        #[cfg(debug_assertions)]
        let _ = HELD.try_with(|h| h.set(h.get().saturating_sub(1)));
    }
}

impl<G: Deref> Deref for Counted<G> {
    type Target = G::Target;
    #[inline]
    fn deref(&self) -> &G::Target {
        &self.0
    }
}

impl<G: DerefMut> DerefMut for Counted<G> {
    #[inline]
    fn deref_mut(&mut self) -> &mut G::Target {
        &mut self.0
    }
}

/// A mutex under the rule above (parking_lot's, with counted guards).
#[derive(Default)]
pub(crate) struct Mutex<T>(parking_lot::Mutex<T>);

impl<T> Mutex<T> {
    /// A new unlocked mutex.
    pub(crate) const fn new(value: T) -> Self {
        Mutex(parking_lot::const_mutex(value))
    }

    /// Locks it; run no Python while the guard lives.
    #[inline]
    pub(crate) fn lock(&self) -> Counted<parking_lot::MutexGuard<'_, T>> {
        Counted::new(self.0.lock())
    }

    /// The value, once no one else can lock it.
    pub(crate) fn into_inner(self) -> T {
        self.0.into_inner()
    }
}

/// A read-write lock under the rule above (parking_lot's, with counted guards).
#[derive(Default)]
pub(crate) struct RwLock<T>(parking_lot::RwLock<T>);

impl<T> RwLock<T> {
    /// A new unlocked lock.
    pub(crate) const fn new(value: T) -> Self {
        RwLock(parking_lot::const_rwlock(value))
    }

    /// Shared access; run no Python while the guard lives.
    #[inline]
    pub(crate) fn read(&self) -> Counted<parking_lot::RwLockReadGuard<'_, T>> {
        Counted::new(self.0.read())
    }

    /// Exclusive access; run no Python while the guard lives.
    #[inline]
    pub(crate) fn write(&self) -> Counted<parking_lot::RwLockWriteGuard<'_, T>> {
        Counted::new(self.0.write())
    }
}

/// A Python object (or anything whose drop may run Python) owned by a table behind a runtime
/// lock. Dropping it asserts, in debug builds, that this thread holds no runtime lock: take it
/// out under the guard, drop it after.
pub(crate) struct Unlocked<T>(T);

impl<T> Unlocked<T> {
    /// Wraps `value`.
    #[inline]
    pub(crate) fn new(value: T) -> Self {
        Unlocked(value)
    }
}

impl<T> Deref for Unlocked<T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Drop for Unlocked<T> {
    #[inline]
    #[track_caller]
    fn drop(&mut self) {
        assert_unlocked("a Python object was dropped");
    }
}

#[cfg(all(test, debug_assertions))]
mod tests {
    use super::*;

    #[test]
    fn guards_are_counted_and_dropping_under_one_is_caught() {
        let m = Mutex::new(Some(Unlocked::new(1)));
        assert_eq!(held(), 0);
        let mut g = m.lock();
        assert_eq!(held(), 1);
        let taken = g.take();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(Unlocked::new(2))));
        assert!(caught.is_err(), "dropping under a guard must trip the assertion");
        drop(g);
        assert_eq!(held(), 0);
        drop(taken);
        let rw = RwLock::new(());
        {
            let _a = rw.read();
            let _b = m.lock();
            assert_eq!(held(), 2);
        }
        assert_eq!(held(), 0);
    }
}
