//! The numpy dtypes with an exact Rust element type: the table the `#[python_module]`
//! generator maps `NDArray[np.float64]` annotations with and the runtime's
//! `rust_element_for_dtype` and `ArrayElement::DTYPE` agree with.

/// Each Rust element type, its canonical numpy name (`numpy.dtype(...).name`) and the other
/// names numpy's scalar types go by. `isize`/`usize` are left out on purpose: their dtype
/// (`intp`) changes size with the platform.
pub const DTYPES: &[(&str, &str, &[&str])] = &[
    ("bool", "bool", &["bool_"]),
    ("i8", "int8", &["byte"]),
    ("i16", "int16", &["short"]),
    ("i32", "int32", &["intc"]),
    ("i64", "int64", &["int_", "longlong"]),
    ("u8", "uint8", &["ubyte"]),
    ("u16", "uint16", &["ushort"]),
    ("u32", "uint32", &["uintc"]),
    ("u64", "uint64", &["uint", "ulonglong"]),
    ("f32", "float32", &["single"]),
    ("f64", "float64", &["double", "float_", "float"]),
    ("Complex32", "complex64", &["csingle"]),
    ("Complex64", "complex128", &["cdouble", "complex_", "complex"]),
];

/// The Rust element type for one bare numpy scalar or dtype name (`float64`, `double`,
/// `uint8`); `None` for dtypes without an exact Rust counterpart (`float16`, `object`, `intp`).
pub fn rust_element(name: &str) -> Option<&'static str> {
    DTYPES.iter().find(|(_, canonical, aliases)| *canonical == name || aliases.contains(&name)).map(|(rust, ..)| *rust)
}

/// The canonical numpy name of a Rust element type (`f64` → `float64`).
pub fn numpy_name(rust: &str) -> Option<&'static str> {
    DTYPES.iter().find(|(r, ..)| *r == rust).map(|(_, canonical, _)| *canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_map_both_ways() {
        assert_eq!(rust_element("float64"), Some("f64"));
        assert_eq!(rust_element("double"), Some("f64"));
        assert_eq!(rust_element("complex"), Some("Complex64"));
        assert_eq!(rust_element("float16"), None);
        assert_eq!(rust_element("intp"), None);
        for (rust, canonical, _) in DTYPES {
            assert_eq!(numpy_name(rust), Some(*canonical));
            assert_eq!(rust_element(canonical), Some(*rust));
        }
    }
}
