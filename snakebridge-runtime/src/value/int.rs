//! Python `int`: any size, never silently truncated.

use std::fmt;
use std::str::FromStr;

/// A Python `int` of any size.
///
/// Values that fit `i64` are stored as one; larger ones keep their exact decimal digits, so
/// they survive every round trip (Rust → Python → wire → Rust) unchanged.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Int(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    Small(i64),
    /// Canonical decimal digits with an optional leading `-`; never fits `i64`.
    Big(Box<str>),
}

impl Int {
    /// The value as `i64`, if it fits.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.0 {
            Repr::Small(v) => Some(*v),
            Repr::Big(_) => None,
        }
    }

    /// The value as `i128`, if it fits.
    pub fn as_i128(&self) -> Option<i128> {
        match &self.0 {
            Repr::Small(v) => Some(*v as i128),
            Repr::Big(s) => s.parse().ok(),
        }
    }

    /// The value as `u128`, if it fits.
    pub fn as_u128(&self) -> Option<u128> {
        match &self.0 {
            Repr::Small(v) => u128::try_from(*v).ok(),
            Repr::Big(s) => s.parse().ok(),
        }
    }

    /// Whether the value does not fit `i64`.
    pub fn is_big(&self) -> bool {
        matches!(self.0, Repr::Big(_))
    }
}

macro_rules! from_small {
    ($($t:ty),*) => {$(
        impl From<$t> for Int {
            #[inline]
            fn from(v: $t) -> Self { Int(Repr::Small(v as i64)) }
        }
    )*};
}
from_small!(i8, i16, i32, i64, u8, u16, u32);

macro_rules! from_wide {
    ($($t:ty),*) => {$(
        impl From<$t> for Int {
            fn from(v: $t) -> Self {
                match i64::try_from(v) {
                    Ok(small) => Int(Repr::Small(small)),
                    Err(_) => Int(Repr::Big(v.to_string().into_boxed_str())),
                }
            }
        }
    )*};
}
from_wide!(u64, i128, u128, usize, isize);

/// The error of parsing an [`Int`] from text that is not a decimal integer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseIntError(String);

impl fmt::Display for ParseIntError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a decimal integer", self.0)
    }
}

impl std::error::Error for ParseIntError {}

impl FromStr for Int {
    type Err = ParseIntError;

    /// Parses decimal digits with an optional sign, of any length.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (neg, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseIntError(s.to_owned()));
        }
        if let Ok(v) = s.parse::<i64>() {
            return Ok(Int(Repr::Small(v)));
        }
        let trimmed = digits.trim_start_matches('0');
        // Only reached when the value does not fit i64, so it is never zero.
        let canonical = if neg { format!("-{trimmed}") } else { trimmed.to_owned() };
        Ok(Int(Repr::Big(canonical.into_boxed_str())))
    }
}

impl fmt::Display for Int {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Small(v) => write!(f, "{v}"),
            Repr::Big(s) => f.write_str(s),
        }
    }
}

impl fmt::Debug for Int {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_values_keep_every_digit() {
        let text = "-123456789012345678901234567890";
        let i: Int = text.parse().unwrap();
        assert!(i.is_big());
        assert_eq!(i.to_string(), text);
        assert_eq!("+007".parse::<Int>().unwrap(), Int::from(7));
        assert_eq!(Int::from(u64::MAX).to_string(), u64::MAX.to_string());
        assert_eq!(Int::from(u64::MAX).as_u128(), Some(u64::MAX as u128));
        assert!("12a".parse::<Int>().is_err());
        assert!("-".parse::<Int>().is_err());
    }
}
