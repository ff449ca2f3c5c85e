//! How a Python object is named in conversion errors: arrays with their dtype and shape.

use pyo3::prelude::*;

/// `"a numpy array of int64 with 2 dimensions (shape [2, 3])"`, or the Python type of a non-array.
pub(crate) fn describe(obj: &Bound<'_, PyAny>) -> String {
    let ty = obj.get_type();
    let module = ty.module().map(|m| m.to_string()).unwrap_or_default();
    // An ndarray exists only once numpy is loaded; asking only then avoids both importing numpy
    // for an error message and rust-numpy's panic when numpy is missing.
    #[cfg(feature = "numpy")]
    if numpy_loaded(obj.py()) {
        if let Ok(arr) = obj.cast::<numpy::PyUntypedArray>() {
            use numpy::PyUntypedArrayMethods;
            let dtype = arr.dtype().str().map(|s| s.to_string()).unwrap_or_else(|_| "?".into());
            let dims = super::element::dims_text(Some(arr.ndim()));
            return format!("a numpy array of {dtype} with {dims} (shape {:?})", arr.shape());
        }
    }
    let name = ty.qualname().map(|s| s.to_string()).unwrap_or_else(|_| "object".into());
    match module.as_str() {
        "builtins" | "" => format!("Python {name}"),
        _ => format!("Python {module}.{name}"),
    }
}

#[cfg(feature = "numpy")]
fn numpy_loaded(py: Python<'_>) -> bool {
    super::numpy_check::is_loaded() || {
        let modules = py.import("sys").and_then(|sys| sys.getattr("modules"));
        modules.is_ok_and(|m| m.contains("numpy").unwrap_or(false)) && super::numpy_check::ensure_numpy(py).is_ok()
    }
}
