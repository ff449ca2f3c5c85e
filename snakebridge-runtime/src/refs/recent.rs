//! The refs this thread used last, answered without the registry's locks.
//!
//! A use of a ref took the registry's map lock, its session's lock and two hash lookups: more
//! than the method call it was for. A thread keeps its last few uses here: the object's
//! address and the counters that record the use for the LRU order. A slot is good only while
//! the registry's [`epoch`](super::registry) has not moved, and the registry moves it before it
//! drops any object it held, and whenever a session's limits change.
//!
//! Why an address is enough: a slot is read with the interpreter attached, and an object the
//! registry let go is freed only by a decref that also needs the interpreter and comes after
//! the epoch moved. So either this thread sees the new epoch (and takes the slow path), or the
//! object is still alive and the use simply raced with its release, as any two threads may.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use pyo3::prelude::*;

use super::RefId;

const SLOTS: usize = 4;

/// What a use of one ref records: the session's use counter and the entry's last use.
pub(super) struct Ticks {
    pub(super) session: Arc<AtomicU64>,
    pub(super) entry: Arc<AtomicU64>,
}

impl Ticks {
    /// Records a use now (the LRU order reads `entry` under the session's lock).
    #[inline]
    pub(super) fn touch(&self) {
        let tick = self.session.fetch_add(1, Ordering::Relaxed) + 1;
        self.entry.store(tick, Ordering::Relaxed);
    }
}

struct Slot {
    id: RefId,
    epoch: u64,
    object: *mut pyo3::ffi::PyObject,
    ticks: Ticks,
}

struct Recent {
    slots: [Option<Slot>; SLOTS],
    next: usize,
}

thread_local! {
    static RECENT: RefCell<Recent> = const { RefCell::new(Recent { slots: [None, None, None, None], next: 0 }) };
}

/// The object of `id` if this thread used it since the registry last let an object go.
#[inline]
pub(super) fn get<'py>(py: Python<'py>, id: RefId, epoch: u64) -> Option<Bound<'py, PyAny>> {
    RECENT
        .try_with(|recent| {
            let recent = recent.try_borrow().ok()?;
            let slot = recent.slots.iter().flatten().find(|s| s.id == id && s.epoch == epoch)?;
            slot.ticks.touch();
            // SAFETY: the interpreter is attached and the epoch has not moved since the slot
            // was filled, so the registry still owns a reference to the object (module docs).
            Some(unsafe { Bound::from_borrowed_ptr(py, slot.object) })
        })
        .ok()
        .flatten()
}

/// Keeps `object` as this thread's most recent use of `id`, good while the epoch is `epoch`.
pub(super) fn remember(id: RefId, epoch: u64, object: &Bound<'_, PyAny>, ticks: Ticks) {
    let slot = Slot { id, epoch, object: object.as_ptr(), ticks };
    let _ = RECENT.try_with(|recent| {
        let Ok(mut recent) = recent.try_borrow_mut() else { return };
        let at = match recent.slots.iter().position(|s| s.as_ref().is_none_or(|s| s.epoch != epoch || s.id == id)) {
            Some(free) => free,
            None => {
                let at = recent.next;
                recent.next = (at + 1) % SLOTS;
                at
            }
        };
        recent.slots[at] = Some(slot);
    });
}
