//! [`NdArray`], a typed handle to a numpy array that Rust and Python share without copying.

use std::fmt;

use numpy::ndarray::{Array, ArrayBase, ArrayView, ArrayViewMut, Data, Dimension, Ix1, Ix2, IxDyn, StrideShape};
use numpy::{PyArray, PyArrayMethods, PyReadonlyArray, PyReadwriteArray, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use super::element::{dims_text, ArrayElement};
use super::mismatch::{array_mismatch, borrow_refused};
use super::numpy_check::ensure_numpy;
use super::ref_source;
use crate::error::{py_err, Error, Result};
use crate::interpreter::with_gil;
use crate::refs::Ref;
use crate::session::effective_session_id;
use crate::value::{FromPython, FromValue, ToPython, Value};

/// A numpy array of `T` with dimensionality `D`, owned jointly by Rust and Python.
///
/// The handle holds a strong reference to the Python `ndarray`; the memory is shared, never
/// copied, in both directions:
///
/// - [`NdArray::from_vec`] and [`NdArray::from_array`] move a Rust allocation into numpy: the
///   array's `base` keeps the `Vec` alive, and numpy frees it through Rust when the last Python
///   reference goes.
/// - Extracting an `NdArray` from a call result ([`FromPython`], [`FromValue`], [`NdArray::from_ref`])
///   only checks the dtype and the number of dimensions; the handle keeps the Python buffer
///   alive for as long as Rust holds it, whatever Python does with its own names.
/// - [`NdArray::view`] and [`NdArray::view_mut`] lend the memory as `ndarray` views, strides
///   included (non-contiguous and negative-stride arrays work), under numpy's borrow flags:
///   one writer or any number of readers per memory region, checked at run time, shared with
///   every other rust-numpy extension in the process.
///
/// Copies happen only in the methods that say so: [`NdArray::from_slice`], [`NdArray::from_view`],
/// [`NdArray::asarray`] (when the dtype or layout differs), [`NdArray::to_vec`] and
/// [`NdArray::to_owned_array`].
///
/// `NdArray` is `Send + Sync` and not tied to a session: it is a value, like a `Vec`, and goes
/// away with its last clone. [`NdArray::to_ref`] registers it as a session [`Ref`] when it is to be
/// used with [`method`](crate::method) or [`attr`](crate::attr).
pub struct NdArray<T: ArrayElement, D: Dimension = IxDyn> {
    array: Py<PyArray<T, D>>,
}

/// A one-dimensional [`NdArray`].
pub type NdArray1<T> = NdArray<T, Ix1>;
/// A two-dimensional [`NdArray`].
pub type NdArray2<T> = NdArray<T, Ix2>;
/// An [`NdArray`] with any number of dimensions.
pub type NdArrayD<T> = NdArray<T, IxDyn>;

impl<T: ArrayElement> NdArray<T, Ix1> {
    /// Hands `vec` to numpy **without copying**: the numpy array points into the `Vec`'s
    /// allocation, which Python then owns.
    ///
    /// ```no_run
    /// use snakebridge_runtime::array::NdArray;
    /// # fn main() -> snakebridge_runtime::Result<()> {
    /// let samples = NdArray::from_vec(vec![1.0_f64, 2.0, 3.0])?;
    /// let mean: f64 = snakebridge_runtime::call_as("numpy", "mean", (&samples,))?;
    /// # Ok(()) }
    /// ```
    pub fn from_vec(vec: Vec<T>) -> Result<Self> {
        with_gil(|py| {
            ensure_numpy(py)?;
            Ok(Self::wrap(PyArray::from_vec(py, vec)))
        })
    }

    /// A new numpy array holding a **copy** of `items`.
    pub fn from_slice(items: &[T]) -> Result<Self> {
        with_gil(|py| {
            ensure_numpy(py)?;
            Ok(Self::wrap(PyArray::from_slice(py, items)))
        })
    }
}

impl<T: ArrayElement, D: Dimension> NdArray<T, D> {
    fn wrap(bound: Bound<'_, PyArray<T, D>>) -> Self {
        NdArray { array: bound.unbind() }
    }

    /// Hands an owned `ndarray::Array` to numpy **without copying**, in whatever memory order
    /// and strides it has.
    pub fn from_array(array: Array<T, D>) -> Result<Self> {
        with_gil(|py| {
            ensure_numpy(py)?;
            Ok(Self::wrap(PyArray::from_owned_array(py, array)))
        })
    }

    /// Hands `vec` to numpy as an array of `shape` **without copying**: `(2, 3)` for C order,
    /// `(2, 3).f()` (`ndarray::ShapeBuilder`) for Fortran order.
    ///
    /// Fails with [`Error::Conversion`] when the shape does not hold exactly `vec.len()` elements.
    pub fn from_shape_vec<Sh: Into<StrideShape<D>>>(shape: Sh, vec: Vec<T>) -> Result<Self> {
        let len = vec.len();
        let array = Array::from_shape_vec(shape, vec).map_err(|e| Error::Conversion {
            expected: format!("a shape holding the Vec's {len} elements"),
            found: e.to_string(),
            hint: Some("give a shape whose dimensions multiply to the Vec's length".into()),
        })?;
        Self::from_array(array)
    }

    /// A new numpy array holding a **copy** of `view` (any `ndarray` storage: views, slices, `Arc` arrays).
    pub fn from_view<S: Data<Elem = T>>(view: &ArrayBase<S, D>) -> Result<Self> {
        with_gil(|py| {
            ensure_numpy(py)?;
            Ok(Self::wrap(PyArray::from_array(py, view)))
        })
    }

    /// The numpy array behind a ref (the result of a plain [`call`](crate::call)), without copying.
    ///
    /// Fails with [`Error::Conversion`] when it is not an ndarray of `T` with `D`'s number of
    /// dimensions; the message gives the dtype and shape found and how to convert.
    pub fn from_ref(r: &Ref) -> Result<Self> {
        ref_source::from_ref(r, Self::from_bound)
    }

    /// `numpy.asarray(value, dtype=T)`: **no copy** when `value` already is such an array,
    /// a converted copy otherwise (another dtype, a list, anything array-like).
    ///
    /// The way to ask for a conversion where [`FromPython`] would report a dtype mismatch.
    pub fn asarray(value: &(impl ToPython + ?Sized)) -> Result<Self> {
        static ASARRAY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        with_gil(|py| {
            ensure_numpy(py)?;
            let obj = value.to_python(py)?;
            let asarray = ASARRAY.import(py, "numpy", "asarray").map_err(|e| py_err(py, e))?;
            let kwargs = pyo3::types::PyDict::new(py);
            kwargs.set_item("dtype", T::DTYPE).map_err(|e| py_err(py, e))?;
            let converted = asarray.call((obj,), Some(&kwargs)).map_err(|e| py_err(py, e))?;
            Self::from_bound(&converted)
        })
    }

    /// Checks and keeps `obj`, which must be an ndarray of `T` with `D`'s number of dimensions.
    pub(crate) fn from_bound(obj: &Bound<'_, PyAny>) -> Result<Self> {
        ensure_numpy(obj.py())?;
        match obj.cast::<PyArray<T, D>>() {
            Ok(array) => Ok(Self::wrap(array.clone())),
            Err(_) => Err(array_mismatch(T::DTYPE, D::NDIM, obj)),
        }
    }

    /// The array bound to the interpreter, for direct use of the rust-numpy API.
    pub fn bind<'py>(&self, py: Python<'py>) -> &Bound<'py, PyArray<T, D>> {
        self.array.bind(py)
    }

    /// Registers the array as a [`Ref`] in the current session, for [`method`](crate::method),
    /// [`attr`](crate::attr) and [`Value`]s. The ref and this handle share the array.
    pub fn to_ref(&self) -> Result<Ref> {
        with_gil(|py| Ok(Ref::register(self.array.bind(py).as_any(), effective_session_id())))
    }

    /// The same array with its number of dimensions checked at run time, without copying.
    pub fn into_dimensionality<D2: Dimension>(self) -> Result<NdArray<T, D2>> {
        with_gil(|py| {
            let obj = self.array.bind(py).as_any();
            match obj.cast::<PyArray<T, D2>>() {
                Ok(a) => Ok(NdArray::wrap(a.clone())),
                Err(_) => Err(Error::Conversion {
                    expected: format!("an array with {}", dims_text(D2::NDIM)),
                    found: super::describe::describe(obj),
                    hint: Some("reshape it first, or keep `NdArray<T, IxDyn>`".into()),
                }),
            }
        })
    }

    /// The same array with a dynamic number of dimensions.
    pub fn into_dyn(self) -> NdArray<T, IxDyn> {
        Python::attach(|py| NdArray::wrap(self.array.bind(py).to_dyn().clone()))
    }

    /// The shape, one length per dimension (read each time: Python may reshape the array in place).
    pub fn shape(&self) -> Vec<usize> {
        Python::attach(|py| self.array.bind(py).shape().to_vec())
    }

    /// The strides in **bytes**, as numpy reports them (`ndarray` views count in elements).
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

    /// Whether the elements are in one C-ordered block (so [`NdArray::with_slice`] works).
    pub fn is_c_contiguous(&self) -> bool {
        Python::attach(|py| self.array.bind(py).is_c_contiguous())
    }

    /// Whether numpy allows writing (`flags.writeable`).
    pub fn is_writeable(&self) -> bool {
        Python::attach(|py| {
            let flags = self.array.bind(py).getattr("flags");
            flags.and_then(|f| f.getattr("writeable")).and_then(|w| w.extract()).unwrap_or(false)
        })
    }

    /// The address of the first element: two handles with the same address share memory.
    pub fn data_address(&self) -> usize {
        Python::attach(|py| self.array.bind(py).data() as usize)
    }

    /// A read-only borrow for code that already holds the interpreter (inside
    /// [`with_gil`](crate::with_gil)); [`NdArray::view`] is the closure form.
    pub fn readonly<'py>(&self, py: Python<'py>) -> Result<PyReadonlyArray<'py, T, D>> {
        self.array.bind(py).try_readonly().map_err(|e| borrow_refused(e, false))
    }

    /// A read-write borrow for code that already holds the interpreter; [`NdArray::view_mut`]
    /// is the closure form.
    pub fn readwrite<'py>(&self, py: Python<'py>) -> Result<PyReadwriteArray<'py, T, D>> {
        self.array.bind(py).try_readwrite().map_err(|e| borrow_refused(e, true))
    }

    /// Runs `f` on a read-only view of the array's memory, **without copying**.
    ///
    /// Fails with [`Error::ArrayAccess`] while the array is borrowed for writing. The
    /// interpreter stays attached while `f` runs, so keep `f` to the work on the data.
    pub fn view<R>(&self, f: impl FnOnce(ArrayView<'_, T, D>) -> R) -> Result<R> {
        with_gil(|py| Ok(f(self.readonly(py)?.as_array())))
    }

    /// Runs `f` on a mutable view of the array's memory, **without copying**: Python sees the
    /// changes.
    ///
    /// Fails with [`Error::ArrayAccess`] when the array is read-only or already borrowed.
    pub fn view_mut<R>(&self, f: impl FnOnce(ArrayViewMut<'_, T, D>) -> R) -> Result<R> {
        with_gil(|py| Ok(f(self.readwrite(py)?.as_array_mut())))
    }

    /// Runs `f` on the elements as one slice, **without copying**; the array must be
    /// C-contiguous (see [`NdArray::view`] for any layout).
    pub fn with_slice<R>(&self, f: impl FnOnce(&[T]) -> R) -> Result<R> {
        with_gil(|py| {
            let borrow = self.readonly(py)?;
            let slice = borrow.as_slice().map_err(|_| not_contiguous("borrow the numpy array as a slice"))?;
            Ok(f(slice))
        })
    }

    /// Runs `f` on the elements as one mutable slice, **without copying**; the array must be
    /// C-contiguous and writeable.
    pub fn with_slice_mut<R>(&self, f: impl FnOnce(&mut [T]) -> R) -> Result<R> {
        with_gil(|py| {
            let mut borrow = self.readwrite(py)?;
            let slice =
                borrow.as_slice_mut().map_err(|_| not_contiguous("borrow the numpy array as a mutable slice"))?;
            Ok(f(slice))
        })
    }

    /// A **copy** of the elements in logical (C) order, whatever the layout.
    pub fn to_vec(&self) -> Result<Vec<T>> {
        self.view(|v| match v.as_slice() {
            Some(s) => s.to_vec(),
            None => v.iter().copied().collect(),
        })
    }

    /// A **copy** as an owned `ndarray::Array`.
    pub fn to_owned_array(&self) -> Result<Array<T, D>> {
        self.view(|v| v.to_owned())
    }
}

fn not_contiguous(action: &str) -> Error {
    Error::ArrayAccess {
        action: action.into(),
        reason: "the array is not C-contiguous (a strided slice, a transpose or Fortran order)".into(),
        hint: "use `view()`, which follows the strides without copying, or `to_vec()` / `numpy.ascontiguousarray` for a contiguous copy".into(),
    }
}

impl<T: ArrayElement, D: Dimension> Clone for NdArray<T, D> {
    fn clone(&self) -> Self {
        Python::attach(|py| NdArray { array: self.array.clone_ref(py) })
    }
}

impl<T: ArrayElement, D: Dimension> fmt::Debug for NdArray<T, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (shape, address) = Python::attach(|py| {
            let a = self.array.bind(py);
            (a.shape().to_vec(), a.data() as usize)
        });
        write!(f, "NdArray<{}>{{ shape: {shape:?}, data: {address:#x} }}", T::DTYPE)
    }
}

impl<T: ArrayElement, D: Dimension> ToPython for NdArray<T, D> {
    #[inline]
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        Ok(self.array.bind(py).clone().into_any())
    }
}

impl<T: ArrayElement, D: Dimension> FromPython for NdArray<T, D> {
    #[inline]
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        Self::from_bound(obj)
    }
}

impl<T: ArrayElement, D: Dimension> FromValue for NdArray<T, D> {
    fn from_value(value: Value) -> Result<Self> {
        let expected = format!("a numpy array of {} with {}", T::DTYPE, dims_text(D::NDIM));
        ref_source::from_value(value, &expected, Self::from_bound)
    }
}

/// Copies an `ndarray` array or view into a new numpy array: the value is borrowed, so it
/// cannot be handed over; move it into [`NdArray::from_array`] to cross without copying.
impl<T: ArrayElement, S: Data<Elem = T>, D: Dimension> ToPython for ArrayBase<S, D> {
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        ensure_numpy(py)?;
        Ok(PyArray::from_array(py, self).into_any())
    }
}

/// An argument that is an array of `T`: what generated bindings take for a parameter annotated
/// `NDArray[T]`, so the element type is checked at compile time and the array is passed
/// without copying.
pub trait ArrayArg<T: ArrayElement>: ToPython {}

impl<T: ArrayElement, D: Dimension> ArrayArg<T> for NdArray<T, D> {}
impl<T: ArrayElement, S: Data<Elem = T>, D: Dimension> ArrayArg<T> for ArrayBase<S, D> {}
impl<T: ArrayElement, A: ArrayArg<T> + ?Sized> ArrayArg<T> for &A {}
