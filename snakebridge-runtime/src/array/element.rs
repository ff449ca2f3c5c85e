//! The element types that numpy and Rust share.

use numpy::{Complex32, Complex64, Element};

mod sealed {
    pub trait Sealed {}
}

/// A Rust type with an exact numpy dtype: `bool`, `i8`–`i64`, `u8`–`u64`, `f32`, `f64`,
/// [`Complex32`] (`complex64`) and [`Complex64`] (`complex128`).
///
/// Sealed: these are the types whose memory layout numpy and Rust agree on, so an array of
/// them crosses without copying. `isize`/`usize` are left out on purpose: their numpy dtype
/// (`intp`) changes size with the platform, use `i64`/`u64`.
pub trait ArrayElement: Element + Copy + Send + Sync + sealed::Sealed + 'static {
    /// The numpy dtype name (`"float64"`), as `numpy.dtype(...).name` spells it.
    const DTYPE: &'static str;
}

macro_rules! elements {
    ($($t:ty => $name:literal),* $(,)?) => {$(
        impl sealed::Sealed for $t {}
        impl ArrayElement for $t {
            const DTYPE: &'static str = $name;
        }
    )*};
}
elements!(
    bool => "bool",
    i8 => "int8", i16 => "int16", i32 => "int32", i64 => "int64",
    u8 => "uint8", u16 => "uint16", u32 => "uint32", u64 => "uint64",
    f32 => "float32", f64 => "float64",
    Complex32 => "complex64", Complex64 => "complex128",
);

/// The Rust element type for a numpy dtype or scalar type as annotations spell it
/// (`"float64"`, `"np.double"`, `"np.dtype[np.float64]"`, `"NDArray[np.int32]"`,
/// `"numpy.ndarray[Any, numpy.dtype[numpy.uint8]]"`): the table the `#[python_module]`
/// generator maps `NDArray[...]` annotations with. `None` for dtypes with no exact Rust
/// counterpart (`float16`, `object`, `datetime64`, strings, `Any`), which stay
/// [`AnyArray`](super::AnyArray).
///
/// ```
/// use snakebridge_runtime::array::rust_element_for_dtype;
/// assert_eq!(rust_element_for_dtype("np.float64"), Some("f64"));
/// assert_eq!(rust_element_for_dtype("npt.NDArray[np.dtype[np.complex128]]"), Some("Complex64"));
/// assert_eq!(rust_element_for_dtype("numpy.ndarray[Any, numpy.dtype[numpy.uint8]]"), Some("u8"));
/// assert_eq!(rust_element_for_dtype("NDArray[Any]"), None);
/// assert_eq!(rust_element_for_dtype("object"), None);
/// ```
pub fn rust_element_for_dtype(name: &str) -> Option<&'static str> {
    let name = name.trim();
    // `Outer[..., Inner]`: the element type is the last argument at the top level.
    if let (Some(open), true) = (name.find('['), name.ends_with(']')) {
        let inner = &name[open + 1..name.len() - 1];
        let mut depth = 0_usize;
        let mut last = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '[' => depth += 1,
                ']' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => last = i + 1,
                _ => {}
            }
        }
        return rust_element_for_dtype(&inner[last..]);
    }
    snakebridge_meta::dtype::rust_element(name.rsplit('.').next().unwrap_or(name))
}

/// "1 dimension", "2 dimensions", "any number of dimensions".
pub(crate) fn dims_text(ndim: Option<usize>) -> String {
    match ndim {
        None => "any number of dimensions".into(),
        Some(1) => "1 dimension".into(),
        Some(n) => format!("{n} dimensions"),
    }
}

#[cfg(test)]
mod tests {
    use super::ArrayElement;
    use numpy::{Complex32, Complex64};
    use snakebridge_meta::dtype::numpy_name;

    #[test]
    fn element_dtypes_are_the_shared_table() {
        assert_eq!(numpy_name("bool"), Some(bool::DTYPE));
        assert_eq!(numpy_name("i8"), Some(i8::DTYPE));
        assert_eq!(numpy_name("i16"), Some(i16::DTYPE));
        assert_eq!(numpy_name("i32"), Some(i32::DTYPE));
        assert_eq!(numpy_name("i64"), Some(i64::DTYPE));
        assert_eq!(numpy_name("u8"), Some(u8::DTYPE));
        assert_eq!(numpy_name("u16"), Some(u16::DTYPE));
        assert_eq!(numpy_name("u32"), Some(u32::DTYPE));
        assert_eq!(numpy_name("u64"), Some(u64::DTYPE));
        assert_eq!(numpy_name("f32"), Some(f32::DTYPE));
        assert_eq!(numpy_name("f64"), Some(f64::DTYPE));
        assert_eq!(numpy_name("Complex32"), Some(Complex32::DTYPE));
        assert_eq!(numpy_name("Complex64"), Some(Complex64::DTYPE));
    }
}
