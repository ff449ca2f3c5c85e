//! The registry's tables, tested on their own (no session, no call pipeline).

use super::*;

/// The lazily re-queued order evicts exactly what a plain LRU list evicts, over a long
/// pseudo-random mix of adds and uses.
#[test]
fn lazy_queue_evicts_as_a_plain_lru_list_does() {
    // The interpreter through pyo3 directly: these are the registry's own tables.
    pyo3::Python::initialize();
    pyo3::Python::attach(|py| {
        let mut refs = SessionRefs::new(RegistryLimits { max_refs: 5, ttl: None });
        let mut model: Vec<RefId> = Vec::new(); // least recently used first
        let mut removed = Vec::new();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..2_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            if seed % 3 == 0 || model.is_empty() {
                let id = RefId::new();
                refs.add(id, Unlocked::new(py.None()), &mut removed);
                model.push(id);
                if model.len() > 5 {
                    let evicted = model.remove(0);
                    let (gone, _, reason) = removed.pop().expect("one ref evicted");
                    assert_eq!((gone, reason), (evicted, RefGone::Evicted));
                }
                assert!(removed.is_empty());
            } else {
                let id = model.remove((seed as usize / 3) % model.len());
                assert!(refs.touch(py, id, *UNTIMED).is_some());
                model.push(id);
            }
            assert_eq!(refs.entries.len(), model.len());
            assert_eq!(refs.order.len(), model.len(), "one queue key per entry");
        }
    });
}
