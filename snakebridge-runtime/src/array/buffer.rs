//! [`Buffer`], a zero-copy view of any object with the buffer protocol: `bytes`, `bytearray`,
//! `memoryview`, `array.array`, `mmap`, numpy arrays.

use std::cell::Cell;
use std::fmt;
use std::sync::Arc;

use pyo3::buffer::{Element, PyBuffer, PyUntypedBuffer, ReadOnlyCell};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyMemoryView};

use super::ref_source;
use crate::error::{Error, Result};
use crate::interpreter::with_gil;
use crate::refs::Ref;
use crate::value::{FromPython, FromValue, ToPython, Value};

/// A view of the memory a Python object exports through the buffer protocol, items typed `T`
/// (`u8`–`u64`, `i8`–`i64`, `f32`, `f64`).
///
/// Taking a `Buffer` copies nothing: it holds the export (`PyObject_GetBuffer`) and with it the
/// object, so the memory stays valid and in place as long as the `Buffer` lives — a `bytearray`
/// cannot be resized meanwhile (Python raises `BufferError`). The export is released when the
/// last clone is dropped.
///
/// Access goes through closures that run with the interpreter attached. Memory that Python may
/// write to (a `bytearray`, an `array.array`) is lent as cells ([`Buffer::with_cells`],
/// [`Buffer::with_cells_mut`]), because Python code can change it at any time; the memory of an
/// immutable `bytes` object is lent as a plain slice ([`Buffer::with_slice`]).
///
/// `bytes` returned by a plain [`call`](crate::call) arrive as a copied [`Value::Bytes`] (the
/// lossless `Value`); use [`call_as`](crate::call_as)`::<Buffer<u8>>` to view them in place.
pub struct Buffer<T: Element> {
    buffer: Arc<PyBuffer<T>>,
}

impl<T: Element> Clone for Buffer<T> {
    fn clone(&self) -> Self {
        Buffer { buffer: Arc::clone(&self.buffer) }
    }
}

impl<T: Element> Buffer<T> {
    /// The buffer of the object behind a ref, without copying.
    pub fn from_ref(r: &Ref) -> Result<Self> {
        ref_source::from_ref(r, Self::from_bound)
    }

    fn from_bound(obj: &Bound<'_, PyAny>) -> Result<Self> {
        let untyped = PyUntypedBuffer::get(obj).map_err(|_| Error::Conversion {
            expected: "an object with the buffer protocol (bytes, bytearray, memoryview, array.array, a numpy array)".into(),
            found: super::describe::describe(obj),
            hint: Some("convert it on the Python side (`bytes(..)`, `array.array(..)`, `numpy.asarray(..)`), or extract a `Vec` (copies)".into()),
        })?;
        let format = untyped.format().to_string_lossy().into_owned();
        let item_size = untyped.item_size();
        let buffer = untyped.into_typed::<T>().map_err(|e| Error::Conversion {
            expected: format!("a buffer of {}", std::any::type_name::<T>()),
            found: format!("a buffer of format {format:?} with {item_size}-byte items"),
            hint: Some(format!(
                "extract the element type that matches format {format:?} (struct module codes: b/B i8/u8, h/H i16/u16, i/I/l/L i32/u32 or i64/u64, q/Q i64/u64, f f32, d f64); pyo3 says: {e}"
            )),
        })?;
        Ok(Buffer { buffer: Arc::new(buffer) })
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.buffer.item_count()
    }

    /// Whether the buffer has no items.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The shape (one entry per dimension; `[len]` for `bytes` and `array.array`).
    pub fn shape(&self) -> &[usize] {
        self.buffer.shape()
    }

    /// The strides in bytes.
    pub fn strides(&self) -> &[isize] {
        self.buffer.strides()
    }

    /// Whether the exporter forbids writing (`bytes`, a read-only `memoryview`).
    pub fn is_readonly(&self) -> bool {
        self.buffer.readonly()
    }

    /// Whether the items are one C-ordered block, which the slice accessors need.
    pub fn is_c_contiguous(&self) -> bool {
        self.buffer.is_c_contiguous()
    }

    /// The `struct` module format string (`"B"`, `"d"`, `"<i"`).
    pub fn format(&self) -> String {
        self.buffer.format().to_string_lossy().into_owned()
    }

    /// The address of the first item: equal addresses mean shared memory.
    pub fn data_address(&self) -> usize {
        self.buffer.buf_ptr() as usize
    }

    /// Runs `f` on the items as a slice of read-only cells, **without copying**.
    ///
    /// On a free-threaded Python (no GIL) another thread may write the memory while `f` reads
    /// it, so the cells are refused there with [`Error::ArrayAccess`]; use [`Buffer::to_vec`].
    pub fn with_cells<R>(&self, f: impl FnOnce(&[ReadOnlyCell<T>]) -> R) -> Result<R> {
        with_gil(|py| {
            let items = self.items(py, "read the buffer as a slice")?;
            // SAFETY: `items` is the exporter's C-contiguous memory of `len` items of `T`, kept
            // alive by `self.buffer` for the closure's duration. ReadOnlyCell<T> is
            // repr(transparent) over UnsafeCell<T>, the layout of T, and hands out copies only,
            // so writes by Python code that `f` may run are not data races on this thread; with
            // the GIL held (checked by `items`) no other thread runs Python meanwhile.
            let cells = unsafe { std::slice::from_raw_parts(items.as_ptr().cast::<ReadOnlyCell<T>>(), items.len()) };
            Ok(f(cells))
        })
    }

    /// The items' memory, when it is C-contiguous and the interpreter has a GIL: the sound
    /// replacement of pyo3's deprecated `as_slice` (pyo3 issue 6267).
    fn items(&self, py: Python<'_>, action: &str) -> Result<std::ptr::NonNull<[T]>> {
        if !gil_enabled(py) {
            return Err(Error::ArrayAccess {
                action: action.into(),
                reason: "this Python runs without a GIL, so another thread could write the memory while Rust reads it"
                    .into(),
                hint: "use `to_vec()` for a copy".into(),
            });
        }
        self.buffer.as_slice_ptr().ok_or_else(|| not_contiguous(action))
    }

    /// Runs `f` on the items as a slice of cells that write through to Python's memory,
    /// **without copying**. Fails for read-only and non-contiguous buffers.
    pub fn with_cells_mut<R>(&self, f: impl FnOnce(&[Cell<T>]) -> R) -> Result<R> {
        with_gil(|py| {
            if self.buffer.readonly() {
                return Err(Error::ArrayAccess {
                    action: "write to the buffer".into(),
                    reason: "its exporter made it read-only (`bytes`, or a read-only `memoryview`)".into(),
                    hint: "pass a `bytearray`, an `array.array` or a writeable numpy array instead".into(),
                });
            }
            let items = self.items(py, "write to the buffer as a slice")?;
            // SAFETY: as in `with_cells`; the exporter said the memory is writeable, and Cell<T>
            // is repr(transparent) over T, so writes through the cells are plain stores.
            let cells = unsafe { std::slice::from_raw_parts(items.as_ptr().cast::<Cell<T>>(), items.len()) };
            Ok(f(cells))
        })
    }

    /// Runs `f` on the items as a plain slice, **without copying**, when the memory is
    /// immutable: a `bytes` object, or a `memoryview` of one. Other buffers may change under
    /// the slice whenever Python runs, so they are refused; use [`Buffer::with_cells`].
    pub fn with_slice<R>(&self, f: impl FnOnce(&[T]) -> R) -> Result<R> {
        with_gil(|py| {
            if !self.is_immutable(py) {
                return Err(Error::ArrayAccess {
                    action: "lend the buffer as a plain slice".into(),
                    reason: "its memory is writeable from Python, so it could change while Rust reads it".into(),
                    hint: "use `with_cells` (same memory, no copy) or `to_vec` (a copy)".into(),
                });
            }
            let items = self.items(py, "read the buffer as a slice")?;
            // SAFETY: the exporter is an immutable bytes object, so nothing writes the memory,
            // which `self.buffer` keeps alive for the closure's duration.
            let slice = unsafe { std::slice::from_raw_parts(items.as_ptr().cast::<T>(), items.len()) };
            Ok(f(slice))
        })
    }

    fn is_immutable(&self, py: Python<'_>) -> bool {
        let Some(obj) = self.buffer.obj(py) else { return false };
        if obj.is_exact_instance_of::<PyBytes>() {
            return true;
        }
        // A memoryview re-exports its underlying object's buffer; look through one level.
        obj.cast::<PyMemoryView>().is_ok()
            && obj.getattr("obj").is_ok_and(|inner| inner.is_exact_instance_of::<PyBytes>())
    }

    /// A **copy** of the items in logical order, whatever the layout.
    pub fn to_vec(&self) -> Result<Vec<T>> {
        with_gil(|py| self.buffer.to_vec(py).map_err(|e| crate::error::py_err(py, e)))
    }
}

/// Whether the interpreter has a GIL: `sys._is_gil_enabled()` on 3.13+, always before.
fn gil_enabled(py: Python<'_>) -> bool {
    py.import("sys")
        .and_then(|sys| sys.getattr("_is_gil_enabled"))
        .and_then(|f| f.call0())
        .and_then(|v| v.is_truthy())
        .unwrap_or(true)
}

fn not_contiguous(action: &str) -> Error {
    Error::ArrayAccess {
        action: action.into(),
        reason: "the buffer is not C-contiguous (a strided memoryview or a transposed array)".into(),
        hint: "use `to_vec()` for a contiguous copy, or make it contiguous on the Python side (`bytes(view)`, `numpy.ascontiguousarray`)".into(),
    }
}

impl<T: Element> fmt::Debug for Buffer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Buffer")
            .field("format", &self.format())
            .field("shape", &self.shape())
            .field("readonly", &self.is_readonly())
            .finish()
    }
}

impl<T: Element> ToPython for Buffer<T> {
    /// The exporting object itself.
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        match self.buffer.obj(py) {
            Some(obj) => Ok(obj.clone()),
            None => Err(Error::ArrayAccess {
                action: "pass the buffer to Python".into(),
                reason: "its exporter did not name an owning object".into(),
                hint: "pass the original object (as a `Ref`) instead".into(),
            }),
        }
    }
}

impl<T: Element> FromPython for Buffer<T> {
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        Self::from_bound(obj)
    }
}

impl<T: Element> FromValue for Buffer<T> {
    fn from_value(value: Value) -> Result<Self> {
        ref_source::from_value(value, "an object with the buffer protocol", Self::from_bound)
    }
}
