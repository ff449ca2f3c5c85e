//! numpy's whole top-level namespace generates and compiles, and a few calls through it work.

use snakebridge::{args, python_module, Value};

#[python_module("numpy")]
mod np {}

fn as_f64(v: &Value) -> f64 {
    snakebridge::call_as("builtins", "float", (v,)).unwrap()
}

#[test]
fn whole_top_level_binds() {
    let a = np::arange(6).unwrap();
    // numpy's stub types `reshape` by its most concrete overload, `shape: SupportsIndex`
    // (a length); a tuple shape goes through `Value` (docs/python-module.md, "Overloads").
    assert_eq!(np::reshape(&a, 6).unwrap().shape(), vec![6]);
    let m: snakebridge::array::AnyArray = snakebridge::call_as("numpy", "reshape", (&a, (2, 3))).unwrap();
    assert_eq!(m.shape(), vec![2, 3]);
    assert_eq!(as_f64(&np::sum(&m).unwrap()), 15.0);
    let z = np::ndarray::try_from(np::zeros_with((2, 2), args!(dtype = "int32")).unwrap()).unwrap();
    // The keyword reached numpy: the array's dtype is int32, not the default float64.
    let dtype = z.dtype().unwrap().extract::<snakebridge::Ref>().unwrap();
    assert_eq!(snakebridge::call_as::<String>("builtins", "str", (&dtype,)).unwrap(), "int32");
    assert!((np::e().unwrap() - std::f64::consts::E).abs() < 1e-15);
}

#[test]
fn bool_annotations_are_rusts_bool_next_to_the_numpy_bool_class() {
    // numpy's `bool` class is generated as `np::bool`; `-> bool` must still be Rust's.
    let real: bool = np::isrealobj(vec![1.0, 2.0]).unwrap();
    assert!(real);
    let complex: bool = np::iscomplexobj(vec![1.0, 2.0]).unwrap();
    assert!(!complex);
}
