//! Names in generated bindings: Python names that match what the generated code uses from
//! `::snakebridge::__private`, `::core` and `::std` (`tests/python/sb_shadow.py`) cannot
//! shadow it, a parameter named like a body's local stays a parameter, and `rename` gives an
//! item the Rust name asked for. sympy, whose class `Function` once broke its bindings, builds,
//! and its domains' method `new`, spelled like the generated constructor, binds as `new_`.
//! The manifests are committed in `snakebridge/.snakebridge/` (refresh them with
//! `PYTHONPATH=tests/python cargo snakebridge prepare`).

use snakebridge::{args, call, python_module};

#[python_module("sb_shadow", rename = { "F" = "F_VALUE", "text" = "shout" })]
mod shadow {
    /// A user's item beside the generated ones: the Python class `i64` is in scope here, so
    /// the primitive is spelt in full (the generated code always does).
    pub fn user_item() -> ::core::primitive::i64 {
        F_VALUE().unwrap() + 1
    }
}

#[python_module("sympy", include = ["FF", "Function", "Symbol", "bottom_up", "sqrt", "sympify"])]
mod sympy {}

#[test]
fn classes_named_like_the_generated_code_s_paths_are_ordinary_structs() {
    let f = shadow::make_function(41).unwrap();
    assert_eq!(f.get().unwrap(), 41);
    assert_eq!(shadow::take_function(&f).unwrap(), 41);
    let v = shadow::Value::new_with(args!(7)).unwrap();
    assert_eq!(v.get().unwrap(), 7);
    let s = shadow::String::new_with(args!(2)).unwrap();
    assert_eq!(s.get().unwrap(), 2);
    // Functions named like `__private`'s functions.
    assert_eq!(shadow::attr(1).unwrap(), 2);
    assert_eq!(shadow::get_as(2).unwrap(), 3);
    assert_eq!(shadow::python_class(3).unwrap(), 4);
}

#[test]
fn parameters_named_like_a_body_s_locals_stay_parameters() {
    assert_eq!(shadow::shadowed_params(1, 2, 3, 4).unwrap(), 10);
    assert_eq!(shadow::shadowed_optional(1).unwrap(), 11);
    assert_eq!(shadow::shadowed_optional_with(1, args!(2, 3, key = 4)).unwrap(), 10);
}

#[test]
fn rename_gives_the_rust_name_asked_for() {
    assert_eq!(shadow::F_VALUE().unwrap(), 3);
    assert_eq!(shadow::user_item(), 4);
    assert_eq!(shadow::shout("abc").unwrap(), "ABC");
}

#[test]
fn sympy_builds_and_calls() {
    let text = |v: &snakebridge::Value| call("builtins", "str", (v,)).unwrap().extract::<String>().unwrap();
    assert_eq!(text(&sympy::sqrt(16).unwrap()), "4");
    let x = sympy::Symbol::new("x").unwrap();
    assert_eq!(x.to_string(), "x");
    let expr = sympy::sympify(format!("{x}**2 + 1")).unwrap();
    assert_eq!(text(&expr), "x**2 + 1");
}

#[test]
fn a_method_spelled_like_the_constructor_binds_with_a_trailing_underscore() {
    let gf5 = sympy::FF::new(5).unwrap();
    assert_eq!(gf5.to_string(), "GF(5)");
    let three = gf5.new__with(args!(8)).unwrap();
    assert_eq!(call("builtins", "str", (&three,)).unwrap().extract::<String>().unwrap(), "3 mod 5");
}
