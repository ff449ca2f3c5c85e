//! Why recent refs went away, so that `RefNotFound` can say it.

use super::RefId;
use crate::error::RefGone;

/// How many removals are remembered.
const CAPACITY: usize = 1 << 16;

/// The reasons of the last [`CAPACITY`] removed refs, in a ring.
///
/// Recording runs on every release, so it is a store at the ring's head: no hashing, and
/// no probing of a large table that misses the cache. Looking a reason up scans the ring
/// from the newest entry back (a few tens of microseconds when the id is not there at all);
/// that happens only while building a `RefNotFound` error.
pub(super) struct Tombstones {
    ids: Vec<RefId>,
    reasons: Vec<RefGone>,
    /// Where the next record goes once the ring is full.
    head: usize,
}

impl Tombstones {
    pub(super) const fn new() -> Self {
        Tombstones { ids: Vec::new(), reasons: Vec::new(), head: 0 }
    }

    pub(super) fn record(&mut self, id: RefId, reason: RefGone) {
        if self.ids.len() < CAPACITY {
            self.ids.push(id);
            self.reasons.push(reason);
        } else {
            self.ids[self.head] = id;
            self.reasons[self.head] = reason;
            self.head = (self.head + 1) % CAPACITY;
        }
    }

    /// The newest reason recorded for `id`.
    pub(super) fn reason(&self, id: RefId) -> Option<RefGone> {
        // Newest first: once the ring has wrapped, the entries before `head` are the newest
        // (the most recent just before it), those from `head` on are older.
        let (newer, older) = self.ids.split_at(self.head);
        newer
            .iter()
            .rposition(|&i| i == id)
            .or_else(|| older.iter().rposition(|&i| i == id).map(|at| self.head + at))
            .map(|at| self.reasons[at])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_the_newest_reason_and_forgets_the_oldest() {
        let mut t = Tombstones::new();
        let first = RefId::new();
        t.record(first, RefGone::Evicted);
        let ids: Vec<RefId> = (0..CAPACITY - 1).map(|_| RefId::new()).collect();
        for &id in &ids {
            t.record(id, RefGone::Released);
        }
        assert_eq!(t.reason(first), Some(RefGone::Evicted), "the ring is exactly full");
        assert_eq!(t.reason(ids[0]), Some(RefGone::Released));

        let late = RefId::new();
        t.record(late, RefGone::SessionReleased);
        assert_eq!(t.reason(first), None, "the oldest entry made room");
        assert_eq!(t.reason(late), Some(RefGone::SessionReleased));
        assert_eq!(t.reason(ids[CAPACITY - 2]), Some(RefGone::Released));

        // `ids[5]` is in the older part of the wrapped ring; its new record lands before `head`.
        t.record(ids[5], RefGone::Expired);
        assert_eq!(t.reason(ids[5]), Some(RefGone::Expired), "a newer record wins");
        // Both records in the part before `head`: the later one wins there too.
        t.record(late, RefGone::Evicted);
        assert_eq!(t.reason(late), Some(RefGone::Evicted));
        assert_eq!(t.reason(RefId::new()), None);
    }
}
