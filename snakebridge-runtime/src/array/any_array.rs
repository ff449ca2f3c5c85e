//! [`AnyArray`], a numpy array whose dtype and number of dimensions are known only at run time.

use std::fmt;

use numpy::ndarray::Dimension;
use numpy::{PyArrayDescrMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::prelude::*;

use super::describe::describe;
use super::element::ArrayElement;
use super::numpy_check::ensure_numpy;
use super::ref_source;
use super::NdArray;
use crate::error::{Error, Result};
use crate::refs::Ref;
use crate::value::{FromPython, FromValue, ToPython, Value};

/// Any numpy array, of any dtype (object and string arrays included) and any number of
/// dimensions: what generated bindings return for a bare `ndarray` annotation.
///
/// Ask it its [`dtype`](AnyArray::dtype), then turn it into a typed [`NdArray`] with
/// [`AnyArray::typed`], which checks and shares the memory without copying.
#[derive(Clone)]
pub struct AnyArray {
    array: std::sync::Arc<Py<PyUntypedArray>>,
}

impl AnyArray {
    /// The numpy array behind a ref, without copying.
    pub fn from_ref(r: &Ref) -> Result<Self> {
        ref_source::from_ref(r, Self::from_bound)
    }

    fn from_bound(obj: &Bound<'_, PyAny>) -> Result<Self> {
        ensure_numpy(obj.py())?;
        match obj.cast::<PyUntypedArray>() {
            Ok(a) => Ok(AnyArray { array: std::sync::Arc::new(a.clone().unbind()) }),
            Err(_) => Err(Error::Conversion {
                expected: "a numpy array".into(),
                found: describe(obj),
                hint: Some(
                    "convert with `numpy.asarray(..)` in Python, or `NdArray::asarray(..)` from Rust (copies)".into(),
                ),
            }),
        }
    }

    /// The dtype's name (`"float64"`, `"int32"`, `"<U5"`, `"object"`).
    pub fn dtype(&self) -> String {
        Python::attach(|py| {
            let dtype = self.array.bind(py).dtype();
            let name = dtype.getattr("name").and_then(|n| n.extract::<String>());
            name.unwrap_or_else(|_| dtype.to_string())
        })
    }

    /// Whether the elements are `T` (so [`AnyArray::typed`] with `T` succeeds for a matching `D`).
    pub fn is<T: ArrayElement>(&self) -> bool {
        Python::attach(|py| self.array.bind(py).dtype().is_equiv_to(&T::get_dtype(py)))
    }

    /// The shape.
    pub fn shape(&self) -> Vec<usize> {
        Python::attach(|py| self.array.bind(py).shape().to_vec())
    }

    /// The strides in bytes.
    pub fn strides(&self) -> Vec<isize> {
        Python::attach(|py| self.array.bind(py).strides().to_vec())
    }

    /// The number of dimensions.
    pub fn ndim(&self) -> usize {
        Python::attach(|py| self.array.bind(py).ndim())
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        Python::attach(|py| self.array.bind(py).len())
    }

    /// Whether the array has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The same array as a typed [`NdArray`], **without copying**; a clear
    /// [`Error::Conversion`] when the dtype or the number of dimensions differ.
    pub fn typed<T: ArrayElement, D: Dimension>(&self) -> Result<NdArray<T, D>> {
        crate::interpreter::with_gil(|py| NdArray::from_bound(self.array.bind(py).as_any()))
    }
}

impl fmt::Debug for AnyArray {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AnyArray{{ dtype: {}, shape: {:?} }}", self.dtype(), self.shape())
    }
}

impl ToPython for AnyArray {
    #[inline]
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        Ok(self.array.bind(py).clone().into_any())
    }
}

impl FromPython for AnyArray {
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        Self::from_bound(obj)
    }
}

impl FromValue for AnyArray {
    fn from_value(value: Value) -> Result<Self> {
        ref_source::from_value(value, "a numpy array", Self::from_bound)
    }
}
