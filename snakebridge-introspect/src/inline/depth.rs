//! The nesting bound of `python!` input, shared by the expression parser, the block walk and
//! the check of interpolated Rust expressions: each of them recurses (or syn does) per level, and
//! an unbounded input would overflow the compiler's stack instead of being an error.

use proc_macro2::Span;

/// How deep `python!` input may nest: the same limit as values' (`MAX_NESTING_DEPTH`).
pub(crate) const MAX_DEPTH: usize = snakebridge_meta::limits::MAX_NESTING_DEPTH;

/// The error for input that nests deeper than [`MAX_DEPTH`]: `what` names the construct
/// ("this expression"), `fix` says how to split it.
pub(crate) fn too_deep(span: Span, what: &str, fix: &str) -> syn::Error {
    syn::Error::new(span, format!("{what} nests more than {MAX_DEPTH} levels deep; {fix}"))
}
