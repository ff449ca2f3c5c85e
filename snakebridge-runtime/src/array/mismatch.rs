//! The errors of a dtype or dimension mismatch and of a refused borrow, worded to say what to do.

use numpy::{BorrowError, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::prelude::*;

use super::describe::describe;
use super::element::dims_text;
use crate::error::Error;

/// The error for `obj` not being an ndarray of `dtype` with `ndim` dimensions.
pub(crate) fn array_mismatch(dtype: &str, ndim: Option<usize>, obj: &Bound<'_, PyAny>) -> Error {
    let expected = format!("a numpy array of {dtype} with {}", dims_text(ndim));
    let found = describe(obj);
    let hint = match obj.cast::<PyUntypedArray>() {
        Err(_) => format!(
            "pass a numpy array, or convert with `NdArray::<_, _>::asarray(..)` (copies into a new {dtype} array)"
        ),
        Ok(arr) => {
            let dtype_differs = !arr.dtype().str().is_ok_and(|s| s == dtype);
            let dims_differ = ndim.is_some_and(|n| n != arr.ndim());
            match (dtype_differs, dims_differ) {
                (true, _) => format!(
                    "convert with `.astype(numpy.{dtype})` in Python or `NdArray::asarray(..)` from Rust (both copy), or extract the dtype it has (`AnyArray` tells it at run time)"
                ),
                (false, true) => "reshape it first, or extract `NdArray<T, IxDyn>` to accept any number of dimensions".into(),
                // Same name but not equivalent: a non-native byte order such as `>f8`.
                (false, false) => format!(
                    "its byte order or layout differs from the native {dtype}; convert with `.astype(numpy.{dtype})` (copies)"
                ),
            }
        }
    };
    Error::Conversion { expected, found, hint: Some(hint) }
}

/// The error for a numpy borrow that its borrow flags refuse.
pub(crate) fn borrow_refused(err: BorrowError, writing: bool) -> Error {
    let action = if writing { "borrow the numpy array for writing" } else { "borrow the numpy array for reading" };
    match err {
        BorrowError::NotWriteable => Error::ArrayAccess {
            action: action.into(),
            reason: "the array is read-only (its `flags.writeable` is False, or it views read-only memory)".into(),
            hint: "copy it first (`.copy()` in Python, `to_owned_array()` in Rust) and change the copy".into(),
        },
        _ => Error::ArrayAccess {
            action: action.into(),
            reason: if writing {
                "the array (or another view of the same memory) is already borrowed".into()
            } else {
                "the array (or another view of the same memory) is borrowed for writing".into()
            },
            hint: "end the other view first (a view lives until its closure returns or its guard is dropped), or copy with `to_owned_array()`".into(),
        },
    }
}
