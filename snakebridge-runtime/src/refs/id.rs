//! Ref ids that cannot be guessed.

use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::LazyLock;

/// 128 bits: a counter run through SipHash keyed from the OS's randomness (std's
/// `RandomState`), so ids are unique in the process and unpredictable to anyone who sees
/// others. The two halves are the hashes of two different messages (the counter, then the
/// counter and one more byte) under the same key, which costs one hasher instead of two.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct RefId(pub(crate) u128);

static KEY: LazyLock<std::collections::hash_map::RandomState> = LazyLock::new(Default::default);
static COUNTER: AtomicU64 = AtomicU64::new(0);

impl RefId {
    pub(crate) fn new() -> RefId {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut h = KEY.build_hasher();
        h.write_u64(n);
        let high = h.finish();
        h.write_u8(0xa5);
        RefId(((high as u128) << 64) | h.finish() as u128)
    }

    /// Parses the text form, `ref_` and 32 lowercase hex digits.
    pub(crate) fn parse(s: &str) -> Option<RefId> {
        let hex = s.strip_prefix("ref_")?;
        // Lowercase only: one ref has one id (as text, in maps, in logs).
        if hex.len() != 32 || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        u128::from_str_radix(hex, 16).ok().map(RefId)
    }
}

impl fmt::Display for RefId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ref_{:032x}", self.0)
    }
}

impl fmt::Debug for RefId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_distinct_and_parse_back() {
        let a = RefId::new();
        let b = RefId::new();
        assert_ne!(a, b);
        assert_eq!(RefId::parse(&a.to_string()), Some(a));
        assert_eq!(RefId::parse("ref_xyz"), None);
        assert_eq!(RefId::parse("abc"), None);
        let upper = format!("ref_{:032X}", a.0 | (0xabc << 64));
        assert_eq!(RefId::parse(&upper), None, "uppercase hex is not the canonical id");
        assert_eq!(RefId::parse(&format!("ref_+{}", &a.to_string()[5..])), None, "no sign");
    }
}
