//! The callables this thread resolved last, checked before the process-wide cache.
//!
//! A dynamic call names its callable by two strings. Hashing both and taking the cache's
//! lock was a fifth of a `call("math", "sqrt", ..)`; comparing against the few names a
//! thread used last costs a few nanoseconds and no shared cache line. The slots share their
//! names with the process-wide cache, so filling one allocates nothing.

use std::cell::RefCell;
use std::sync::Arc;

use pyo3::prelude::*;

const SLOTS: usize = 8;

struct Slot {
    module: Arc<str>,
    function: Arc<str>,
    callable: Py<PyAny>,
}

struct Recent {
    slots: Vec<Slot>,
    /// The slot to overwrite next once all are in use (oldest first).
    next: usize,
}

thread_local! {
    static RECENT: RefCell<Recent> = const { RefCell::new(Recent { slots: Vec::new(), next: 0 }) };
}

/// `module.function` if this thread resolved it recently.
#[inline]
pub(super) fn get<'py>(py: Python<'py>, module: &str, function: &str) -> Option<Bound<'py, PyAny>> {
    RECENT
        .try_with(|recent| {
            let recent = recent.try_borrow().ok()?;
            let slot = recent.slots.iter().find(|s| *s.function == *function && *s.module == *module)?;
            Some(slot.callable.bind(py).clone())
        })
        .ok()
        .flatten()
}

/// Keeps `callable` as this thread's most recent `module.function`.
pub(super) fn remember(module: &Arc<str>, function: &Arc<str>, callable: &Bound<'_, PyAny>) {
    let slot = Slot { module: module.clone(), function: function.clone(), callable: callable.clone().unbind() };
    let pushed_out = RECENT
        .try_with(|recent| {
            let mut recent = recent.try_borrow_mut().ok()?;
            if recent.slots.len() < SLOTS {
                recent.slots.push(slot);
                None
            } else {
                let at = recent.next;
                recent.next = (at + 1) % SLOTS;
                Some(std::mem::replace(&mut recent.slots[at], slot))
            }
        })
        .ok()
        .flatten();
    // Dropped outside the borrow: releasing a Python object may run Python code.
    drop(pushed_out);
}
