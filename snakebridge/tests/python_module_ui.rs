//! Compile-fail tests of `#[python_module]` diagnostics: each error points at the user's token.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/python_module/*.rs");
}
