//! The Rust expressions interpolated with `#(...)` (and `#name`): parsed by syn, which
//! recurses once per nested group or prefix operator with no limit of its own, so their size
//! is bounded first and an absurd input is an error, not a stack overflow in the compiler.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::parse::Parser;

/// The most tokens (counted through every group) one interpolated expression may have.
pub(super) const MAX_TOKENS: usize = 512;

/// Parses `tokens` as one Rust expression, or says at `span` why not.
pub(super) fn parse(tokens: TokenStream, span: Span) -> syn::Result<syn::Expr> {
    check_size(&tokens, span)?;
    let parser = |input: syn::parse::ParseStream| {
        let expr: syn::Expr = input.parse()?;
        if !input.is_empty() {
            return Err(input.error("expected one Rust expression inside `#(...)`"));
        }
        Ok(expr)
    };
    parser.parse2(tokens)
}

/// At most [`MAX_TOKENS`] tokens and [`MAX_NESTING_DEPTH`] nested groups, counted without
/// recursing.
///
/// [`MAX_NESTING_DEPTH`]: snakebridge_meta::limits::MAX_NESTING_DEPTH
fn check_size(tokens: &TokenStream, span: Span) -> syn::Result<()> {
    let limit = super::depth::MAX_DEPTH;
    let mut stack = vec![(tokens.clone().into_iter(), 0usize)];
    let mut count = 0usize;
    while let Some((iter, depth)) = stack.last_mut() {
        let depth = *depth;
        let Some(tt) = iter.next() else {
            stack.pop();
            continue;
        };
        count += 1;
        if count > MAX_TOKENS {
            return Err(syn::Error::new(
                span,
                format!(
                    "this interpolated Rust expression has more than {MAX_TOKENS} tokens; bind it with `let` \
                     first and interpolate the variable (`#name`)"
                ),
            ));
        }
        if let TokenTree::Group(g) = tt {
            if depth + 1 > limit {
                return Err(super::depth::too_deep(
                    g.span_open(),
                    "this interpolated Rust expression",
                    "bind parts of it with `let`",
                ));
            }
            stack.push((g.stream().into_iter(), depth + 1));
        }
    }
    Ok(())
}
