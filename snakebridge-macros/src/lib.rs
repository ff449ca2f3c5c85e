//! The proc macros of snakebridge. This crate declares only the macros; their logic lives in
//! `snakebridge-introspect` so that it can be tested without a compiler.
//!
//! Part of [snakebridge](https://docs.rs/snakebridge); the crates and what lives where:
//! [docs/architecture.md](https://github.com/snakebridge/snakebridge/blob/main/docs/architecture.md).
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

/// Generates typed Rust bindings for a Python module. See the `snakebridge` crate's docs.
#[proc_macro_attribute]
pub fn python_module(args: TokenStream, item: TokenStream) -> TokenStream {
    snakebridge_introspect::expand::expand(args.into(), item.into()).into()
}
