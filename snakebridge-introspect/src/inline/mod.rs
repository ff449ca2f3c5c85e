//! The `python!` macro's compile-time core: grammar, parser and code generation.
//!
//! `python!(expr)` takes one Python expression over Rust tokens ([`parse`]), expanded to
//! runtime calls ([`expand`]); an input of several statements is a block ([`block`]) whose
//! source Python compiles once per call site. [`expand_python`] decides which, and checks
//! module attribute names against the crate's manifests ([`names`]).

pub mod ast;
pub mod block;
mod depth;
pub mod expand;
pub mod names;
pub mod parse;
mod rust_expr;

use proc_macro2::{Spacing, TokenStream, TokenTree};

/// Python keywords that start a statement: an input beginning with one is a block.
const STATEMENT_START: &[&str] = &[
    "import", "from", "def", "class", "for", "while", "if", "with", "try", "return", "del", "pass", "raise", "assert",
    "global", "nonlocal", "async", "@",
];

/// Expands the input of `python!`; the error points at the offending token.
pub fn expand_python(input: TokenStream) -> syn::Result<TokenStream> {
    if looks_like_block(&input) {
        return Ok(expand::expand_block(&block::block_source(input)?));
    }
    match parse::parse_expression(input.clone()) {
        Ok(expr) => {
            // The crate being compiled, found as `#[python_module]` finds it.
            if let Some(crate_dir) = std::env::var_os("CARGO_MANIFEST_DIR") {
                names::check_expression(&expr, std::path::Path::new(&crate_dir))?;
            }
            Ok(expand::expand_expression(&expr))
        }
        // Several lines of statements without `;`: Python's own line structure says block.
        Err(_) if logical_lines(&input) > 1 => Ok(expand::expand_block(&block::block_source(input)?)),
        Err(e) => Err(e),
    }
}

/// The tokens to emit when expansion failed: the errors, and a value of the macro's type so
/// that the rest of the function still type-checks and no follow-up error hides the first.
pub fn error_tokens(error: syn::Error) -> TokenStream {
    let errors = error.to_compile_error();
    quote::quote! {
        {
            #errors
            ::core::result::Result::<::snakebridge::Value, ::snakebridge::Error>::Ok(::snakebridge::Value::None)
        }
    }
}

/// A top-level `;`, a leading statement keyword or a top-level assignment makes a block.
fn looks_like_block(input: &TokenStream) -> bool {
    let tokens: Vec<TokenTree> = input.clone().into_iter().collect();
    if let Some(TokenTree::Ident(first)) = tokens.first() {
        if STATEMENT_START.contains(&first.to_string().as_str()) {
            return true;
        }
    }
    if matches!(tokens.first(), Some(TokenTree::Punct(p)) if p.as_char() == '@') {
        return true;
    }
    tokens.iter().enumerate().any(|(i, tt)| match tt {
        TokenTree::Punct(p) if p.as_char() == ';' => true,
        TokenTree::Punct(p) if p.as_char() == '=' => {
            // `=` alone or ending `+=` & co., but not part of `==`, `<=`, `>=`, `!=`.
            let before = i.checked_sub(1).and_then(|j| match &tokens[j] {
                TokenTree::Punct(b) if b.spacing() == Spacing::Joint => Some(b.as_char()),
                _ => None,
            });
            let after_is_eq = p.spacing() == Spacing::Joint
                && matches!(tokens.get(i + 1), Some(TokenTree::Punct(a)) if a.as_char() == '=');
            !after_is_eq && !matches!(before, Some('=' | '<' | '>' | '!'))
        }
        _ => false,
    })
}

/// How many Python logical lines the top-level tokens span (brackets continue a line).
fn logical_lines(input: &TokenStream) -> usize {
    let mut lines = 0;
    let mut last_end = None;
    for tt in input.clone() {
        let span = tt.span();
        let start = span.start().line;
        if last_end.is_none_or(|end| start > end) {
            lines += 1;
        }
        last_end = Some(span.end().line);
    }
    lines
}

#[cfg(test)]
mod tests;
