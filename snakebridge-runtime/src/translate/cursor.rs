//! A tiny forward-only reader over an error message: the translator's patterns are fixed
//! phrasings with numbers in them, and a cursor keeps each one readable without a regex engine.

/// Reads through `text` from left to right.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Cursor { rest: text }
    }

    /// Moves past the first occurrence of `needle`; `None` when it is not there.
    pub(super) fn skip_past(self, needle: &str) -> Option<Self> {
        let at = self.rest.find(needle)?;
        Some(Cursor { rest: &self.rest[at + needle.len()..] })
    }

    /// Consumes `prefix` exactly; `None` when the text does not start with it.
    pub(super) fn expect(self, prefix: &str) -> Option<Self> {
        self.rest.strip_prefix(prefix).map(|rest| Cursor { rest })
    }

    pub(super) fn skip_spaces(self) -> Self {
        Cursor { rest: self.rest.trim_start() }
    }

    /// A run of ASCII digits as a `u64`; `None` when there is none or it overflows (a message
    /// with an absurd number is left untranslated rather than misread).
    pub(super) fn integer(self) -> Option<(u64, Self)> {
        let end = self.rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(self.rest.len());
        if end == 0 {
            return None;
        }
        let n = self.rest[..end].parse().ok()?;
        Some((n, Cursor { rest: &self.rest[end..] }))
    }

    /// A possibly negative integer.
    pub(super) fn signed(self) -> Option<(i64, Self)> {
        let (neg, c) = match self.expect("-") {
            Some(c) => (true, c),
            None => (false, self),
        };
        let (n, c) = c.integer()?;
        let n = i64::try_from(n).ok()?;
        Some((if neg { -n } else { n }, c))
    }

    /// A decimal number such as `2.00` or `20`.
    pub(super) fn decimal(self) -> Option<(f64, Self)> {
        let end = self.rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(self.rest.len());
        let text = &self.rest[..end];
        if text.is_empty() || !text.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let n: f64 = text.parse().ok()?;
        n.is_finite().then_some((n, Cursor { rest: &self.rest[end..] }))
    }

    /// A word made of letters, digits, `_` and `.` (a dtype name, a unit).
    pub(super) fn word(self) -> Option<(&'a str, Self)> {
        let end =
            self.rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')).unwrap_or(self.rest.len());
        let w = self.rest[..end].trim_end_matches('.');
        if w.is_empty() {
            return None;
        }
        Some((w, Cursor { rest: &self.rest[w.len()..] }))
    }

    /// Text up to (not including) `end`, and the cursor after `end`.
    pub(super) fn until(self, end: &str) -> Option<(&'a str, Self)> {
        let at = self.rest.find(end)?;
        Some((&self.rest[..at], Cursor { rest: &self.rest[at + end.len()..] }))
    }

    pub(super) fn rest(self) -> &'a str {
        self.rest
    }

    /// Consumes the first of `prefixes` the text starts with, if any.
    pub(super) fn skip_any(self, prefixes: &[&str]) -> Self {
        prefixes.iter().find_map(|p| self.expect(p)).unwrap_or(self)
    }

    /// One shape as the libraries print it: `(2, 3)`, `(4,)`, `[2,3]`, `[3 x 4]`, `()`, XLA's
    /// `f32[3,4]` (the element type is dropped) or PyTorch's `torch.Size([2, 3])`.
    pub(super) fn shape(self) -> Option<(Vec<u64>, Self)> {
        let c = self.skip_spaces();
        let (c, size_wrapper) = match c.expect("torch.Size(") {
            Some(c) => (c, true),
            None => (c, false),
        };
        // An element-type prefix is a short alphanumeric word glued to the bracket.
        let c = match c.rest.find(['[', '(']) {
            Some(at) if at <= 4 && c.rest[..at].chars().all(|ch| ch.is_ascii_alphanumeric()) => {
                Cursor { rest: &c.rest[at..] }
            }
            _ => c,
        };
        let close = match c.rest.as_bytes().first() {
            Some(b'(') => ')',
            Some(b'[') => ']',
            _ => return None,
        };
        let at = c.rest.find(close)?;
        let d = dims(&c.rest[..=at])?;
        let mut rest = Cursor { rest: &c.rest[at + 1..] };
        if size_wrapper {
            rest = rest.expect(")")?;
        }
        Some((d, rest))
    }

    /// Two shapes separated by `vs`, `vs.`, `and`, `,` or spaces.
    pub(super) fn two_shapes(self) -> Option<(Vec<u64>, Vec<u64>, Self)> {
        let (a, c) = self.shape()?;
        let c = c.skip_spaces().skip_any(&["vs.", "vs", "and", ","]);
        let (b, c) = c.shape()?;
        Some((a, b, c))
    }
}

/// `2x3` for a shape, `scalar` for `()`.
pub(super) fn join(s: &[u64]) -> String {
    if s.is_empty() {
        return "scalar".into();
    }
    s.iter().map(u64::to_string).collect::<Vec<_>>().join("x")
}

/// Dimensions written `3x4`, `3 x 4`, `(2,3)`, `(2, 3)`, `[2, 3]` or `(1000000000,)`.
pub(super) fn dims(text: &str) -> Option<Vec<u64>> {
    let inner = text.trim().trim_start_matches(['(', '[']).trim_end_matches([')', ']']);
    if inner.trim().is_empty() {
        return Some(Vec::new());
    }
    let sep = if inner.contains(',') { ',' } else { 'x' };
    let parts: Vec<&str> = inner.split(sep).map(str::trim).filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        return None;
    }
    parts.iter().map(|p| p.parse::<u64>().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dims_in_all_spellings() {
        assert_eq!(dims("3x4"), Some(vec![3, 4]));
        assert_eq!(dims("[3 x 4]"), Some(vec![3, 4]));
        assert_eq!(dims("(2,3)"), Some(vec![2, 3]));
        assert_eq!(dims("(1000000000,)"), Some(vec![1_000_000_000]));
        assert_eq!(dims("()"), Some(vec![]));
        assert_eq!(dims("(2,newaxis)"), None);
        assert_eq!(dims("(99999999999999999999999,2)"), None);
    }

    #[test]
    fn integers_do_not_overflow() {
        assert!(Cursor::new("184467440737095516160").integer().is_none());
        assert_eq!(Cursor::new("12 x").integer().map(|(n, _)| n), Some(12));
    }

    #[test]
    fn shapes_in_all_spellings() {
        let s = |t: &str| Cursor::new(t).shape().map(|(d, c)| (d, c.rest().to_owned()));
        assert_eq!(s("(2, 3) x"), Some((vec![2, 3], " x".into())));
        assert_eq!(s("[2,3]"), Some((vec![2, 3], String::new())));
        assert_eq!(s("f32[3,4] and"), Some((vec![3, 4], " and".into())));
        assert_eq!(s("torch.Size([10, 512]) from"), Some((vec![10, 512], " from".into())));
        assert_eq!(s("()"), Some((vec![], String::new())));
        assert_eq!(s("(v, 4)"), None);
        assert_eq!(s("[3, 4"), None);
        assert_eq!(s("torch.Size([1, 2]"), None);
        let two = |t: &str| Cursor::new(t).two_shapes().map(|(a, b, _)| (a, b));
        assert_eq!(two("[3, 4] vs [5, 6]"), Some((vec![3, 4], vec![5, 6])));
        assert_eq!(two("[2,3] vs. [4,5]"), Some((vec![2, 3], vec![4, 5])));
        assert_eq!(two("(3,), (4,)."), Some((vec![3], vec![4])));
        assert_eq!(two("[3, 4] vs"), None);
    }
}
