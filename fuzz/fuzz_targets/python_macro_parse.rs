//! `python!`'s front end (expression parser, block source, expansion) on any tokens that
//! Rust's lexer accepts: tokens or a `syn::Error`, never a panic.
#![no_main]

use std::str::FromStr;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(tokens) = proc_macro2::TokenStream::from_str(text) else { return };
    let _ = snakebridge_introspect::inline::expand_python(tokens);
});
