//! Typed helpers: the helper registry's modules bind with `#[python_module]` like any module,
//! and give what `call_helper` gives; the generated binding loads the registry first.

use snakebridge::{call_helper, python_module, Value};

#[python_module("snakebridge_helpers.builtin", include = ["package_version", "python_info", "take"])]
mod pack {}

#[test]
fn the_built_in_pack_has_typed_wrappers_that_agree_with_call_helper() {
    // The typed binding is the first thing this binary calls: it must load the registry itself.
    let typed: Value = pack::package_version("numpy").unwrap();
    let dynamic = call_helper("snakebridge.package_version", ("numpy",)).unwrap();
    assert_eq!(typed, dynamic);
    assert!(typed.as_str().is_some_and(|v| !v.is_empty()), "{typed:?}");
    assert_eq!(pack::package_version("snakebridge-no-such-distribution").unwrap(), Value::None);

    let info = pack::python_info().unwrap();
    assert_eq!(info.get("implementation").and_then(|v| v.as_str()), Some("CPython"));
    let first: Value = pack::take(vec![1, 2, 3, 4], 2).unwrap();
    assert_eq!(first, call_helper("snakebridge.take", (vec![1, 2, 3, 4], 2)).unwrap());
}
