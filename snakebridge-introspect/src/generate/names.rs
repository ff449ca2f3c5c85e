//! Python names as Rust identifiers, renamed predictably.
//!
//! The mapping (documented in `docs/python-module.md`):
//! - a Rust keyword (strict, reserved or edition-specific: `type`, `match`, `self`, `gen`, ...)
//!   gets a trailing underscore: `type` → `type_`;
//! - a character Rust does not allow in identifiers becomes `_`; a name that would start with
//!   a digit gets a leading `_`;
//! - case is kept (`ndarray` stays `ndarray`, `SEEK_SET` stays `SEEK_SET`), with the lints
//!   allowed on the generated module;
//! - when two Python names map to the same Rust name in one namespace, that is a compile error
//!   (see [`crate::plan`]), resolved with `rename`; only parameter names, which are local, are
//!   deduplicated here with `_2`, `_3`, ...
//!
//! The rustdoc of every renamed item names the Python original.

use std::collections::HashSet;

use proc_macro2::{Ident, Span};

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box",
    "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen", "union", "_",
];

/// The Rust spelling of the Python name `name` (no scope deduplication).
pub fn rust_name(name: &str) -> String {
    // Fast path: almost every Python name is already a plain ASCII identifier.
    let plain = name.bytes().all(|b| b == b'_' || b.is_ascii_alphanumeric())
        && name.bytes().next().is_some_and(|b| !b.is_ascii_digit());
    if plain && !KEYWORDS.contains(&name) {
        return name.to_owned();
    }
    let mut out: String = name
        .chars()
        .map(|c| if c == '_' || c.is_alphanumeric() && (c.is_ascii() || unicode_ident_ok(c)) { c } else { '_' })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    if syn::parse_str::<Ident>(&out).is_err() {
        // Non-ASCII letters Rust does not accept as identifier characters.
        out = out.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    }
    out
}

/// Whether `name` can be written as a Rust identifier as it is (not a keyword, not `_`): what
/// a `rename` value must be.
pub fn is_identifier(name: &str) -> bool {
    syn::parse_str::<Ident>(name).is_ok()
}

fn unicode_ident_ok(c: char) -> bool {
    syn::parse_str::<Ident>(&format!("a{c}")).is_ok()
}

/// The identifier for `name`, spanned at the call site.
pub fn ident(name: &str) -> Ident {
    Ident::new(&rust_name(name), Span::call_site())
}

/// Hands out unique identifiers within one function's parameters, which no caller names.
#[derive(Default)]
pub struct Scope {
    taken: HashSet<String>,
}

impl Scope {
    /// A scope where `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Scope { taken: reserved.iter().map(|s| (*s).to_owned()).collect() }
    }

    /// Claims the Rust name for `python` (deduplicated with `_2`, `_3`, ...).
    pub fn claim(&mut self, python: &str) -> Ident {
        self.claim_exact(&rust_name(python))
    }

    /// Claims `rust` as it is, or with a numeric suffix when it is taken.
    pub fn claim_exact(&mut self, rust: &str) -> Ident {
        let mut candidate = rust.to_owned();
        let mut n = 2;
        while self.taken.contains(&candidate) {
            candidate = format!("{rust}_{n}");
            n += 1;
        }
        self.taken.insert(candidate.clone());
        Ident::new(&candidate, Span::call_site())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_and_invalid_names_are_renamed_predictably() {
        assert_eq!(rust_name("type"), "type_");
        assert_eq!(rust_name("self"), "self_");
        assert_eq!(rust_name("match"), "match_");
        assert_eq!(rust_name("gen"), "gen_");
        assert_eq!(rust_name("sqrt"), "sqrt");
        assert_eq!(rust_name("ndarray"), "ndarray");
        assert_eq!(rust_name("2d"), "_2d");
        assert_eq!(rust_name("_"), "__");
    }

    #[test]
    fn a_scope_deduplicates() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim("type").to_string(), "type_");
        assert_eq!(scope.claim("type_").to_string(), "type__2");
    }
}
