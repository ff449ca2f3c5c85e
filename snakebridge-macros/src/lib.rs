//! The proc macros of snakebridge. This crate declares only the macros; their logic lives in
//! `snakebridge-introspect` so that it can be tested without a compiler.

use proc_macro::TokenStream;

/// Generates typed Rust bindings for a Python module. See the `snakebridge` crate's docs.
#[proc_macro_attribute]
pub fn python_module(args: TokenStream, item: TokenStream) -> TokenStream {
    snakebridge_introspect::expand::expand(args.into(), item.into()).into()
}
