//! Arrays and buffers taken out of a [`Value`] or a [`Ref`]: the object a plain `call` returned.

use pyo3::prelude::*;

use crate::error::{Error, Result};
use crate::interpreter::with_gil;
use crate::refs::Ref;
use crate::value::Value;

/// Runs `convert` on the Python object behind `value`, which must be a [`Value::Ref`]: arrays
/// and buffers are not lossless `Value`s, so a call returns them as refs.
pub(crate) fn from_value<R>(
    value: Value,
    expected: &str,
    convert: impl for<'py> FnOnce(&Bound<'py, PyAny>) -> Result<R>,
) -> Result<R> {
    match value {
        Value::Ref(r) => from_ref(&r, convert),
        // bytes are the one buffer that Value holds by value; give it back to Python to view.
        Value::Bytes(b) => with_gil(|py| convert(&pyo3::types::PyBytes::new(py, &b.0).into_any())),
        other => Err(Error::Conversion {
            expected: expected.into(),
            found: format!("Python {}", other.type_name()),
            hint: Some(
                "a list or scalar is not an array; convert it with `NdArray::asarray(..)` (copies), or have Python return a numpy array".into(),
            ),
        }),
    }
}

/// Runs `convert` on the object behind `r`, checked against the current session.
pub(crate) fn from_ref<R>(r: &Ref, convert: impl for<'py> FnOnce(&Bound<'py, PyAny>) -> Result<R>) -> Result<R> {
    with_gil(|py| convert(&r.bind(py)?))
}
