//! Compile-fail tests of `#[python_module]` diagnostics: each error points at the user's token.

#[test]
fn ui() {
    // trybuild builds the cases as a crate of its own (under target/tests/trybuild), so the
    // facade's `python_path` setting does not reach them: name the test modules' directory
    // the other documented way, for the `cargo check` it runs.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/python");
    std::env::set_var("PYTHONPATH", dir);
    let t = trybuild::TestCases::new();
    t.compile_fail("../tests/ui/python_module/*.rs");
}
