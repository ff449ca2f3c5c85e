//! Arrays and buffers that cross between Rust and Python without copying.
//!
//! | Rust | Python | copies? |
//! |---|---|---|
//! | [`NdArray::from_vec`], [`NdArray::from_shape_vec`], [`NdArray::from_array`] | `numpy.ndarray` whose `base` owns the Rust allocation | no |
//! | [`NdArray`] extracted from a result ([`call_as`](crate::call_as), [`Value::extract`](crate::Value::extract), [`NdArray::from_ref`]) | the same `ndarray` | no (dtype and dimensions are checked) |
//! | [`NdArray::view`] / [`NdArray::view_mut`] / [`NdArray::with_slice`] | the array's memory, under numpy's borrow flags | no |
//! | [`AnyArray`] → [`AnyArray::typed`] | any `ndarray`, typed later | no |
//! | [`Buffer`] from `bytes`, `bytearray`, `memoryview`, `array.array` | the exported memory | no |
//! | `&ndarray::Array` / `ArrayView` passed as an argument | a new `ndarray` | **yes** (borrowed data cannot be handed over) |
//! | [`NdArray::from_slice`], [`NdArray::from_view`], [`NdArray::to_vec`], [`NdArray::to_owned_array`], [`Buffer::to_vec`] | — | **yes**, by name |
//! | [`NdArray::asarray`] | `numpy.asarray(x, dtype=T)` | only when the dtype or type differs |
//! | `Vec<f64>` passed as an argument | a `list` | **yes**, element by element (wrap it with `NdArray::from_vec`) |
//!
//! The element types are those numpy and Rust lay out the same way ([`ArrayElement`]): `bool`,
//! `i8`–`i64`, `u8`–`u64`, `f32`, `f64`, [`Complex32`] (`complex64`) and [`Complex64`]
//! (`complex128`). A dtype or dimension mismatch is an [`Error::Conversion`](crate::Error::Conversion)
//! that names what was found and how to convert; a refused borrow is
//! [`Error::ArrayAccess`](crate::Error::ArrayAccess).
//!
//! numpy (the Python package) is needed only at run time, and only when an array is used: a
//! missing numpy is [`Error::ModuleNotFound`](crate::Error::ModuleNotFound) with the `pip install`
//! command. The typed arrays need the `numpy` cargo feature (on by default); [`Buffer`] does not.
//!
//! `ndarray` is re-exported as [`array::ndarray`](ndarray) so the version always matches.

mod buffer;
mod describe;
mod ref_source;

#[cfg(feature = "numpy")]
mod any_array;
#[cfg(feature = "numpy")]
mod element;
#[cfg(feature = "numpy")]
mod mismatch;
#[cfg(feature = "numpy")]
mod nd_array;
#[cfg(feature = "numpy")]
mod numpy_check;

pub use self::buffer::Buffer;
pub use pyo3::buffer::{Element as BufferElement, ReadOnlyCell};

#[cfg(feature = "numpy")]
pub use self::any_array::AnyArray;
#[cfg(feature = "numpy")]
pub use self::element::{rust_element_for_dtype, ArrayElement};
#[cfg(feature = "numpy")]
pub use self::nd_array::{ArrayArg, NdArray, NdArray1, NdArray2, NdArrayD};
/// The rust-numpy crate, for direct use of its API on [`NdArray::bind`].
#[cfg(feature = "numpy")]
pub use numpy;
/// The `ndarray` crate, in the version rust-numpy uses.
#[cfg(feature = "numpy")]
pub use numpy::ndarray;
#[cfg(feature = "numpy")]
pub use numpy::ndarray::{Ix1, Ix2, Ix3, IxDyn};
#[cfg(feature = "numpy")]
pub use numpy::{Complex32, Complex64};
