//! Bad input: a Python module whose annotations lie about return types. The generated
//! bindings trust the annotations, so the lie must surface as `Error::Conversion` naming the
//! expected and the found types, not as a panic. The module is `tests/python/sb_lying.py`;
//! its manifest is committed in `snakebridge/.snakebridge/` (refresh it with
//! `PYTHONPATH=tests/python cargo snakebridge prepare`).

use snakebridge::{python_module, Error};

#[python_module("sb_lying")]
mod lying {}

fn expect_conversion(err: Error, expected: &str, found: &str) {
    let text = err.to_string();
    match &err {
        Error::Conversion { expected: e, found: f, .. } => {
            assert_eq!(e, expected, "{text}");
            assert!(f.contains(found), "found type `{f}` should name {found}: {text}");
        }
        other => panic!("wanted Error::Conversion, got {other:?}"),
    }
    assert!(text.contains(expected) && text.contains(found), "{text}");
}

#[test]
fn function_lying_about_int_is_a_conversion_error() {
    let err = lying::answer().unwrap_err();
    expect_conversion(err, "i64", "str");
}

#[test]
fn function_lying_about_float_is_a_conversion_error() {
    let err = lying::ratio().unwrap_err();
    expect_conversion(err, "f64", "list");
}

#[test]
fn honest_function_still_converts() {
    assert_eq!(lying::honest().unwrap(), 42);
}

#[test]
fn method_and_property_lying_are_conversion_errors() {
    let oracle = lying::Oracle::new("delphi").unwrap();
    expect_conversion(oracle.speak().unwrap_err(), "String", "int");
    expect_conversion(oracle.age().unwrap_err(), "i64", "NoneType");
}
