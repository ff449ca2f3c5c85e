//! The ML error translator (the seed's `ErrorTranslator`): recognises PyTorch, NumPy, JAX and
//! TensorFlow failure messages — shape mismatches, out of memory, dtype mismatches, tensors on
//! two devices — and turns them into structured errors with the parsed figures and a
//! suggestion. Anything it does not recognise stays the original Python error.
//!
//! Translation is attached to [`PythonError`](crate::PythonError) rather than replacing it, so
//! matching by Python class keeps working on a translated error.

mod cursor;
mod device;
mod dtype;
mod memory;
mod shape;
mod shape_xla;

use std::fmt;

pub use self::device::DeviceMismatch;
pub use self::dtype::{Dtype, DtypeMismatch};
pub use self::memory::{Device, OutOfMemory};
pub use self::shape::{ShapeMismatch, ShapeOp};

/// A recognised ML failure.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum MlError {
    /// Tensor or array shapes that do not fit the operation (the seed's `ShapeMismatchError`).
    ShapeMismatch(ShapeMismatch),
    /// A device ran out of memory (the seed's `OutOfMemoryError`).
    OutOfMemory(OutOfMemory),
    /// Incompatible element types (the seed's `DtypeMismatchError`).
    DtypeMismatch(DtypeMismatch),
    /// Tensors an operation needs on one device are on two (PyTorch).
    DeviceMismatch(DeviceMismatch),
}

impl MlError {
    /// Recognises `message`; `None` when it is not a known ML failure (the seed's `translate_message`).
    pub fn from_message(message: &str) -> Option<MlError> {
        // Bound the work on pathological input: the phrasings all fit well within this.
        let message = match message.char_indices().nth(4096) {
            Some((at, _)) => &message[..at],
            None => message,
        };
        if let Some(m) = memory::parse(message) {
            return Some(MlError::OutOfMemory(m));
        }
        // Before dtypes: a layer's "Input type (…) and weight type (…)" is one or the other.
        match device::parse(message) {
            Some(device::Found::Device(d)) => return Some(MlError::DeviceMismatch(d)),
            Some(device::Found::Dtype(d)) => return Some(MlError::DtypeMismatch(d)),
            None => {}
        }
        if let Some(d) = dtype::parse(message) {
            return Some(MlError::DtypeMismatch(d));
        }
        shape::parse(message).map(MlError::ShapeMismatch)
    }

    /// What to do next, in one line (several steps joined with `; ` for out of memory).
    pub fn suggestion(&self) -> String {
        match self {
            MlError::ShapeMismatch(s) => s.suggestion(),
            MlError::OutOfMemory(o) => o.suggestions().join("; "),
            MlError::DtypeMismatch(d) => d.suggestion(),
            MlError::DeviceMismatch(d) => d.suggestion(),
        }
    }
}

impl fmt::Display for MlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MlError::ShapeMismatch(s) => write!(f, "shape mismatch in {}", s.operation.name())?,
            MlError::OutOfMemory(o) => {
                write!(f, "out of memory on {}", o.device)?;
                let figures: Vec<String> =
                    [("requested", o.requested_mb), ("total", o.total_mb), ("free", o.available_mb)]
                        .into_iter()
                        .filter_map(|(k, v)| v.map(|v| format!("{k} {v} MiB")))
                        .collect();
                if !figures.is_empty() {
                    write!(f, " ({})", figures.join(", "))?;
                }
            }
            MlError::DtypeMismatch(d) => {
                write!(f, "dtype mismatch")?;
                if let Some(op) = &d.operation {
                    write!(f, " in {op}")?;
                }
                write!(f, ": expected {} but got {}", d.expected, d.got)?;
            }
            MlError::DeviceMismatch(d) => write!(f, "device mismatch: expected {} but got {}", d.expected, d.got)?,
        }
        write!(f, "; {}", self.suggestion())
    }
}

impl crate::PythonError {
    /// The ML failure this exception reports, when the translator recognises its message.
    pub fn ml(&self) -> Option<MlError> {
        MlError::from_message(&self.message)
    }
}

impl crate::Error {
    /// The ML failure behind this error (a shape mismatch, out of memory, a dtype or device mismatch),
    /// when it is a Python exception the translator recognises.
    ///
    /// ```no_run
    /// use snakebridge_runtime::{call, MlError};
    /// # fn main() {
    /// # let (a, b) = (snakebridge_runtime::Value::None, snakebridge_runtime::Value::None);
    /// if let Err(e) = call("numpy", "dot", (a, b)) {
    ///     if let Some(MlError::ShapeMismatch(s)) = e.ml() {
    ///         eprintln!("{:?} vs {:?}: {}", s.shape_a, s.shape_b, s.suggestion());
    ///     }
    /// }
    /// # }
    /// ```
    pub fn ml(&self) -> Option<MlError> {
        self.as_python().and_then(crate::PythonError::ml)
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_more;
