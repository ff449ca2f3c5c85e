//! The fast path of generated calls with only positional arguments: the values are converted
//! one by one and passed with pyo3's tuple calling convention (vectorcall where Python has
//! it), without building an argument tuple or touching per-call options.

use pyo3::prelude::*;

use crate::error::{py_err, Result};
use crate::value::ToPython;

/// Positional arguments of a generated call: a tuple of up to eight [`ToPython`] values.
pub trait Positional {
    /// Calls `f` with these arguments.
    fn call_on<'py>(&self, f: &Bound<'py, PyAny>) -> Result<Bound<'py, PyAny>>;
}

impl Positional for () {
    #[inline]
    fn call_on<'py>(&self, f: &Bound<'py, PyAny>) -> Result<Bound<'py, PyAny>> {
        f.call0().map_err(|e| py_err(f.py(), e))
    }
}

macro_rules! positional {
    ($($T:ident $i:tt),+) => {
        impl<$($T: ToPython),+> Positional for ($($T,)+) {
            #[inline]
            fn call_on<'py>(&self, f: &Bound<'py, PyAny>) -> Result<Bound<'py, PyAny>> {
                let py = f.py();
                f.call1(($(self.$i.to_python(py)?,)+)).map_err(|e| py_err(py, e))
            }
        }
    };
}
positional!(A 0);
positional!(A 0, B 1);
positional!(A 0, B 1, C 2);
positional!(A 0, B 1, C 2, D 3);
positional!(A 0, B 1, C 2, D 3, E 4);
positional!(A 0, B 1, C 2, D 3, E 4, F 5);
positional!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
positional!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
