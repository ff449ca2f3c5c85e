//! Python `int`: any size, never silently truncated.

use std::fmt;
use std::str::FromStr;

/// A Python `int` of any size.
///
/// Values that fit `i64` are stored as one; larger ones as a sign and their magnitude in
/// binary, so they cross to and from Python through `int.to_bytes`/`int.from_bytes` — exactly,
/// at any size, without CPython's 4,300-digit limit on `int` ↔ `str` — and survive every round
/// trip (Rust → Python → wire → Rust) unchanged.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Int(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    Small(i64),
    /// Never fits `i64`; `magnitude` is little-endian base 2³² with no high zero limbs.
    Big {
        negative: bool,
        magnitude: Box<[u32]>,
    },
}

/// 10⁹, the largest power of ten in a `u32` limb: decimal text is converted nine digits at a time.
const CHUNK: u32 = 1_000_000_000;

impl Int {
    /// The value as `i64`, if it fits.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.0 {
            Repr::Small(v) => Some(*v),
            Repr::Big { .. } => None,
        }
    }

    /// The value as `i128`, if it fits.
    pub fn as_i128(&self) -> Option<i128> {
        match &self.0 {
            Repr::Small(v) => Some(*v as i128),
            Repr::Big { negative, magnitude } => {
                let m = small_magnitude(magnitude)?;
                if *negative {
                    0i128.checked_sub_unsigned(m)
                } else {
                    i128::try_from(m).ok()
                }
            }
        }
    }

    /// The value as `u128`, if it fits.
    pub fn as_u128(&self) -> Option<u128> {
        match &self.0 {
            Repr::Small(v) => u128::try_from(*v).ok(),
            Repr::Big { negative: false, magnitude } => small_magnitude(magnitude),
            Repr::Big { negative: true, .. } => None,
        }
    }

    /// Whether the value does not fit `i64`.
    pub fn is_big(&self) -> bool {
        matches!(self.0, Repr::Big { .. })
    }

    /// Whether the value is below zero.
    pub fn is_negative(&self) -> bool {
        match &self.0 {
            Repr::Small(v) => *v < 0,
            Repr::Big { negative, .. } => *negative,
        }
    }

    /// The absolute value as little-endian bytes, without high zero bytes (empty for zero).
    pub fn magnitude_le_bytes(&self) -> Vec<u8> {
        let mut bytes: Vec<u8> = match &self.0 {
            Repr::Small(v) => v.unsigned_abs().to_le_bytes().to_vec(),
            Repr::Big { magnitude, .. } => magnitude.iter().flat_map(|l| l.to_le_bytes()).collect(),
        };
        while bytes.last() == Some(&0) {
            bytes.pop();
        }
        bytes
    }

    /// The int with sign `negative` and absolute value `magnitude` (little-endian bytes).
    pub fn from_magnitude_le_bytes(negative: bool, magnitude: &[u8]) -> Int {
        let limbs: Vec<u32> = magnitude
            .chunks(4)
            .map(|c| {
                let mut b = [0u8; 4];
                b[..c.len()].copy_from_slice(c);
                u32::from_le_bytes(b)
            })
            .collect();
        Int::from_limbs(negative, limbs)
    }

    fn from_u128_magnitude(negative: bool, m: u128) -> Int {
        Int::from_limbs(negative, (0..4).map(|i| (m >> (32 * i)) as u32).collect())
    }

    fn from_limbs(negative: bool, mut limbs: Vec<u32>) -> Int {
        while limbs.last() == Some(&0) {
            limbs.pop();
        }
        let small = small_magnitude(&limbs).and_then(|m| match negative {
            true => 0i128.checked_sub_unsigned(m).and_then(|v| i64::try_from(v).ok()),
            false => i64::try_from(m).ok(),
        });
        match small {
            Some(v) => Int(Repr::Small(v)),
            None => Int(Repr::Big { negative, magnitude: limbs.into_boxed_slice() }),
        }
    }
}

/// The magnitude as `u128`, if it has at most four limbs.
fn small_magnitude(limbs: &[u32]) -> Option<u128> {
    (limbs.len() <= 4).then(|| limbs.iter().rev().fold(0u128, |acc, &l| (acc << 32) | l as u128))
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
    ($($t:ty => |$v:ident| $negative:expr, $magnitude:expr);*) => {$(
        impl From<$t> for Int {
            fn from($v: $t) -> Self {
                match i64::try_from($v) {
                    Ok(small) => Int(Repr::Small(small)),
                    Err(_) => Int::from_u128_magnitude($negative, $magnitude),
                }
            }
        }
    )*};
}
from_wide!(
    u64 => |v| false, v as u128;
    u128 => |v| false, v;
    usize => |v| false, v as u128;
    i128 => |v| v < 0, v.unsigned_abs();
    isize => |v| v < 0, v.unsigned_abs() as u128
);

/// The error of parsing an [`Int`] from text that is not a decimal integer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseIntError(String);

impl fmt::Display for ParseIntError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: String = self.0.chars().take(40).collect();
        write!(f, "`{shown}` is not a decimal integer")
    }
}

impl std::error::Error for ParseIntError {}

impl FromStr for Int {
    type Err = ParseIntError;

    /// Parses decimal digits with an optional sign, of any length.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (negative, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseIntError(s.to_owned()));
        }
        if let Ok(v) = s.parse::<i64>() {
            return Ok(Int(Repr::Small(v)));
        }
        // Schoolbook: magnitude = magnitude·10⁹ + next nine digits.
        let mut limbs: Vec<u32> = Vec::with_capacity(digits.len() / 9 + 1);
        let head = digits.len() % 9;
        let chunks = std::iter::once(&digits[..head]).chain(digits.as_bytes()[head..].chunks(9).map(|c| {
            std::str::from_utf8(c).expect("ASCII digits") // checked above
        }));
        for chunk in chunks.filter(|c| !c.is_empty()) {
            let scale = 10u64.pow(chunk.len() as u32);
            let mut carry: u64 = chunk.parse().expect("ASCII digits");
            for limb in limbs.iter_mut() {
                let v = *limb as u64 * scale + carry;
                *limb = v as u32;
                carry = v >> 32;
            }
            if carry > 0 {
                limbs.push(carry as u32);
            }
        }
        Ok(Int::from_limbs(negative, limbs))
    }
}

impl fmt::Display for Int {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Small(v) => write!(f, "{v}"),
            Repr::Big { negative, magnitude } => {
                // Repeated division by 10⁹ gives the decimal digits nine at a time, lowest first.
                let mut limbs = magnitude.to_vec();
                let mut chunks = Vec::with_capacity(limbs.len() * 32 / 29 + 1);
                while !limbs.is_empty() {
                    let mut rem: u64 = 0;
                    for limb in limbs.iter_mut().rev() {
                        let v = (rem << 32) | *limb as u64;
                        *limb = (v / CHUNK as u64) as u32;
                        rem = v % CHUNK as u64;
                    }
                    chunks.push(rem as u32);
                    while limbs.last() == Some(&0) {
                        limbs.pop();
                    }
                }
                let mut text = String::with_capacity(chunks.len() * 9 + 1);
                if *negative {
                    text.push('-');
                }
                let mut rev = chunks.iter().rev();
                if let Some(first) = rev.next() {
                    text.push_str(&first.to_string());
                }
                for chunk in rev {
                    text.push_str(&format!("{chunk:09}"));
                }
                f.write_str(&text)
            }
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
        assert_eq!(Int::from(u128::MAX).to_string(), u128::MAX.to_string());
        assert_eq!(Int::from(i128::MIN).to_string(), i128::MIN.to_string());
        assert_eq!(Int::from(i128::MIN).as_i128(), Some(i128::MIN));
        assert_eq!(Int::from(u128::MAX).as_i128(), None);
        assert_eq!(i64::MIN.to_string().parse::<Int>().unwrap().as_i64(), Some(i64::MIN));
        assert_eq!("0000000000000000000000000000000000000".parse::<Int>().unwrap(), Int::from(0));
        assert_eq!("-9223372036854775809".parse::<Int>().unwrap().as_i128(), Some(i64::MIN as i128 - 1));
        assert!("12a".parse::<Int>().is_err());
        assert!("-".parse::<Int>().is_err());
    }

    #[test]
    fn decimal_and_binary_forms_agree_at_any_size() {
        let digits: String = "9876543210".repeat(700);
        let i: Int = digits.parse().unwrap();
        assert_eq!(i.to_string(), digits);
        let back = Int::from_magnitude_le_bytes(false, &i.magnitude_le_bytes());
        assert_eq!(back, i);
        let neg = Int::from_magnitude_le_bytes(true, &Int::from(i64::MIN).magnitude_le_bytes());
        assert_eq!(neg.as_i64(), Some(i64::MIN));
        assert_eq!(Int::from_magnitude_le_bytes(true, &[]), Int::from(0));
    }
}
