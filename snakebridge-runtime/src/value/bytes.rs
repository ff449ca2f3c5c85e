//! Explicit Python `bytes`.

use std::fmt;
use std::ops::Deref;

/// Binary data that crosses as Python `bytes`, never as `str`.
///
/// Rust `String`/`&str` become Python `str`; wrap binary data in `Bytes` (or call
/// [`bytes`]) for hashing, packing and binary protocols.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bytes(pub Vec<u8>);

impl Bytes {
    /// Wraps `data`.
    pub fn new(data: impl Into<Vec<u8>>) -> Self {
        Bytes(data.into())
    }

    /// The raw data.
    pub fn data(&self) -> &[u8] {
        &self.0
    }

    /// Unwraps the data.
    pub fn into_vec(self) -> Vec<u8> {
        self.0
    }
}

/// Wraps `data` as Python `bytes` (the seed's `SnakeBridge.bytes/1`).
pub fn bytes(data: impl Into<Vec<u8>>) -> Bytes {
    Bytes(data.into())
}

impl Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(v: Vec<u8>) -> Self {
        Bytes(v)
    }
}

impl From<&[u8]> for Bytes {
    fn from(v: &[u8]) -> Self {
        Bytes(v.to_vec())
    }
}

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("b'")?;
        for &b in &self.0 {
            match b {
                b'\\' => f.write_str("\\\\")?,
                b'\'' => f.write_str("\\'")?,
                0x20..=0x7e => write!(f, "{}", b as char)?,
                _ => write!(f, "\\x{b:02x}")?,
            }
        }
        f.write_str("'")
    }
}
