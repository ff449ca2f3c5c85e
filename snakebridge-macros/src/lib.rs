//! The proc macros of snakebridge. This crate declares only the macros; their logic lives in
//! `snakebridge-introspect` so that it can be tested without a compiler.
//!
//! Use them through the `snakebridge` facade (`snakebridge::python!`), whose paths the
//! expansions name.

use proc_macro::TokenStream;

/// Evaluates a Python expression, or runs a block of Python statements, with Rust values
/// interpolated as `#x` or `#(expression)`. Returns `snakebridge::Result<snakebridge::Value>`.
///
/// See the `snakebridge` crate's documentation of `python!` for the grammar.
#[proc_macro]
pub fn python(input: TokenStream) -> TokenStream {
    snakebridge_introspect::inline::expand_python(input.into())
        .unwrap_or_else(snakebridge_introspect::inline::error_tokens)
        .into()
}
