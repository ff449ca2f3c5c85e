//! Compile-fail snapshots of `python!` diagnostics: each error points at the offending token.
//!
//! The `.stderr` files depend on the rustc version (spans and wording of rustc's own part);
//! regenerate them with `TRYBUILD=overwrite cargo test -p snakebridge --test python_macro_ui`
//! after a toolchain update and review the diff.

#[test]
fn python_macro_diagnostics() {
    let t = trybuild::TestCases::new();
    t.compile_fail("../tests/ui/python_macro/*.rs");
}
