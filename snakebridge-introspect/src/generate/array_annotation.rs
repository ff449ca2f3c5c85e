//! numpy array annotations (`numpy.ndarray`, `NDArray[np.float64]`, `npt.NDArray[...]`,
//! `ndarray[tuple[int], np.dtype[np.float64]]`) and their element types.
//!
//! The dtype table is `snakebridge_meta::dtype`, the one the runtime's
//! `rust_element_for_dtype` and `ArrayElement::DTYPE` use. Element names other than
//! `Complex32`/`Complex64` are Rust primitives.

/// `Some(element)` when `text` (one annotation, no union) names a numpy array: the Rust
/// element type when the dtype has one, `None` when it is unknown (`NDArray[Any]`, a type
/// variable, `np.float16`, `intp`). `None` when `text` is not an array annotation.
pub fn array_element(text: &str) -> Option<Option<&'static str>> {
    let (head, args) = match text.find('[') {
        Some(open) => (&text[..open], Some(text.strip_suffix(']')?[open + 1..].trim())),
        None => (text, None),
    };
    let args = args.map(|a| super::types::split_top(a, ','));
    match strip_numpy_prefix(head.trim()) {
        // `NDArray[ScalarT]`: one argument, the scalar type.
        "NDArray" => Some(match args.as_deref() {
            Some([scalar]) => element(scalar),
            _ => None,
        }),
        // `ndarray[ShapeT, DTypeT]`: the dtype comes second; `ndarray[ShapeT]` says no dtype.
        "ndarray" => Some(match args.as_deref() {
            Some([_, dtype]) => element(dtype),
            _ => None,
        }),
        _ => None,
    }
}

fn strip_numpy_prefix(name: &str) -> &str {
    ["numpy.typing.", "npt.", "numpy.", "np."].iter().find_map(|p| name.strip_prefix(p)).unwrap_or(name)
}

/// The Rust element of a scalar type or `dtype[scalar]`.
fn element(text: &str) -> Option<&'static str> {
    let text = text.trim();
    if let Some(inner) = text.strip_suffix(']') {
        let open = inner.find('[')?;
        return match strip_numpy_prefix(inner[..open].trim()) {
            "dtype" => element(&inner[open + 1..]),
            _ => None,
        };
    }
    snakebridge_meta::dtype::rust_element(strip_numpy_prefix(text))
}

#[cfg(test)]
mod tests {
    use super::array_element;

    #[test]
    fn spellings_of_numpy_arrays() {
        assert_eq!(array_element("ndarray"), Some(None));
        assert_eq!(array_element("np.ndarray"), Some(None));
        assert_eq!(array_element("numpy.ndarray"), Some(None));
        assert_eq!(array_element("NDArray[np.float64]"), Some(Some("f64")));
        assert_eq!(array_element("npt.NDArray[numpy.int32]"), Some(Some("i32")));
        assert_eq!(array_element("numpy.typing.NDArray[np.bool]"), Some(Some("bool")));
        assert_eq!(array_element("NDArray[np.dtype[np.complex128]]"), Some(Some("Complex64")));
        assert_eq!(array_element("ndarray[tuple[int], np.dtype[np.float32]]"), Some(Some("f32")));
        assert_eq!(array_element("np.ndarray[_2D, dtype[uint8]]"), Some(Some("u8")));
    }

    #[test]
    fn unknown_dtypes_are_untyped_arrays() {
        for text in [
            "NDArray[Any]",
            "NDArray[intp]",
            "NDArray[_ScalarT]",
            "NDArray[np.float16]",
            "NDArray[number | np.bool]",
            "ndarray[tuple[int]]",
            "ndarray[_AnyShape, _DTypeT_co]",
            "ndarray[tuple[int], dtype[Self]]",
            "NDArray",
        ] {
            assert_eq!(array_element(text), Some(None), "{text}");
        }
    }

    #[test]
    fn other_annotations_are_not_arrays() {
        for text in ["ArrayLike", "float", "np.float64", "dtype", "_ArrayLike[uint8]", "list[float]"] {
            assert_eq!(array_element(text), None, "{text}");
        }
    }
}
