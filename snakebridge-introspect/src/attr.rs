//! Parsing the arguments of `#[python_module(...)]`, every error reported at its token.

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, ExprArray, ExprLit, Ident, Lit, LitStr, Token};

use crate::config::{LibraryConfig, Submodules};
use crate::ctxt::Ctxt;
use crate::generate::names::is_identifier;
use crate::plan::Rename;
use crate::suggest::did_you_mean;

/// The argument names `#[python_module]` accepts.
pub const KNOWN_ARGS: &[&str] = &[
    "module",
    "include",
    "exclude",
    "submodules",
    "submodule_depth",
    "streaming",
    "rename",
    "version",
    "pypi_package",
    "extras",
    "idempotent",
];

/// The parsed arguments, with the spans that later checks point at.
#[derive(Debug, Clone)]
pub struct ModuleArgs {
    /// What is introspected.
    pub config: LibraryConfig,
    /// Functions that also get a `*_stream` variant.
    pub streaming: Vec<String>,
    /// The module string's span.
    pub module_span: Span,
    /// Each `include` entry with its span.
    pub include_spans: Vec<(String, Span)>,
    /// Each `streaming` entry with its span.
    pub streaming_spans: Vec<(String, Span)>,
    /// Functions whose calls are cached by their arguments (dotted for submodule members).
    pub idempotent: Vec<String>,
    /// Each `idempotent` entry with its span.
    pub idempotent_spans: Vec<(String, Span)>,
    /// `rename = { "py_name" = "rust_name", ... }`, each entry spanned at its key.
    pub renames: Vec<Rename>,
}

enum RawArg {
    Positional(LitStr),
    Named(Ident, Box<Expr>),
    /// `name = { "a" = "b", ... }`: only `rename` takes a map.
    Map(Ident, Vec<(LitStr, LitStr)>),
}

impl Parse for RawArg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(LitStr) {
            return Ok(RawArg::Positional(input.parse()?));
        }
        let name: Ident = input.parse()?;
        input.parse::<Token![=]>()?;
        if input.peek(syn::token::Brace) {
            let content;
            syn::braced!(content in input);
            let entries = Punctuated::<MapEntry, Token![,]>::parse_terminated(&content)?;
            return Ok(RawArg::Map(name, entries.into_iter().map(|e| (e.key, e.value)).collect()));
        }
        Ok(RawArg::Named(name, Box::new(input.parse()?)))
    }
}

struct MapEntry {
    key: LitStr,
    value: LitStr,
}

impl Parse for MapEntry {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key = input.parse().map_err(|e| {
            syn::Error::new(e.span(), "expected `\"python_name\" = \"rust_name\"`: the Python name as a string")
        })?;
        input.parse::<Token![=]>()?;
        let value = input.parse().map_err(|e| {
            syn::Error::new(e.span(), "expected `\"python_name\" = \"rust_name\"`: the Rust name as a string")
        })?;
        Ok(MapEntry { key, value })
    }
}

struct RawArgs(Punctuated<RawArg, Token![,]>);

impl Parse for RawArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        Punctuated::parse_terminated(input).map(RawArgs)
    }
}

/// Parses the attribute's arguments, recording every problem in `cx`. Returns `None` when the
/// arguments do not even parse or name no module.
pub fn parse(cx: &Ctxt, tokens: proc_macro2::TokenStream) -> Option<ModuleArgs> {
    let raw = match syn::parse2::<RawArgs>(tokens) {
        Ok(raw) => raw,
        Err(e) => {
            cx.push(syn::Error::new(
                e.span(),
                format!("{e}; expected `#[python_module(\"module.path\", include = [\"name\", ...], ...)]`"),
            ));
            return None;
        }
    };
    let mut module: Option<LitStr> = None;
    let mut seen: Vec<String> = Vec::new();
    let mut args = ModuleArgs {
        config: LibraryConfig::default(),
        streaming: Vec::new(),
        module_span: Span::call_site(),
        include_spans: Vec::new(),
        streaming_spans: Vec::new(),
        idempotent: Vec::new(),
        idempotent_spans: Vec::new(),
        renames: Vec::new(),
    };
    for arg in raw.0 {
        let (name, value) = match arg {
            RawArg::Positional(lit) => {
                if module.is_some() {
                    cx.error_spanned_by(&lit, "the module is given twice; name it once, as the first argument");
                } else {
                    module = Some(lit);
                }
                continue;
            }
            RawArg::Named(name, value) => (name, *value),
            RawArg::Map(name, entries) => {
                if name != "rename" {
                    cx.error_spanned_by(
                        &name,
                        format!("`{name}` does not take a map; only `rename = {{ \"py_name\" = \"rust_name\" }}` does"),
                    );
                } else if seen.iter().any(|s| s == "rename") {
                    cx.error_spanned_by(&name, "duplicate argument `rename`");
                } else {
                    seen.push("rename".to_owned());
                    args.renames = renames(cx, entries);
                }
                continue;
            }
        };
        let key = name.to_string();
        if !KNOWN_ARGS.contains(&key.as_str()) {
            cx.error_spanned_by(
                &name,
                format!(
                    "unknown argument `{key}`{}; the arguments are: {}",
                    did_you_mean(&key, KNOWN_ARGS.iter().copied()),
                    KNOWN_ARGS.join(", ")
                ),
            );
            continue;
        }
        if seen.contains(&key) {
            cx.error_spanned_by(&name, format!("duplicate argument `{key}`"));
            continue;
        }
        seen.push(key.clone());
        match key.as_str() {
            "module" => match string(cx, &value) {
                Some(lit) if module.is_none() => module = Some(lit),
                Some(lit) => cx.error_spanned_by(&lit, "the module is given twice; name it once"),
                None => {}
            },
            "include" => {
                args.include_spans = strings(cx, &value).into_iter().map(|l| (l.value(), l.span())).collect();
                args.config.include = args.include_spans.iter().map(|(s, _)| s.clone()).collect();
            }
            "exclude" => args.config.exclude = strings(cx, &value).iter().map(LitStr::value).collect(),
            "streaming" => {
                args.streaming_spans = strings(cx, &value).into_iter().map(|l| (l.value(), l.span())).collect();
                args.streaming = args.streaming_spans.iter().map(|(s, _)| s.clone()).collect();
            }
            "idempotent" => {
                args.idempotent_spans = strings(cx, &value).into_iter().map(|l| (l.value(), l.span())).collect();
                args.idempotent = args.idempotent_spans.iter().map(|(s, _)| s.clone()).collect();
            }
            "rename" => cx.error_spanned_by(
                &value,
                "expected a map of Python names to Rust names: `rename = { \"py_name\" = \"rust_name\" }`",
            ),
            "extras" => args.config.extras = strings(cx, &value).iter().map(LitStr::value).collect(),
            "version" => args.config.version = string(cx, &value).map(|l| l.value()),
            "pypi_package" => args.config.pypi_package = string(cx, &value).map(|l| l.value()),
            "submodules" => match &value {
                Expr::Lit(ExprLit { lit: Lit::Bool(b), .. }) => args.config.submodules = Submodules::All(b.value),
                _ => {
                    args.config.submodules = Submodules::Listed(strings(cx, &value).iter().map(LitStr::value).collect())
                }
            },
            "submodule_depth" => match &value {
                Expr::Lit(ExprLit { lit: Lit::Int(n), .. }) if n.base10_parse::<u32>().is_ok_and(|d| d >= 1) => {
                    args.config.submodule_depth = n.base10_parse().ok();
                }
                _ => cx.error_spanned_by(&value, "expected a depth of at least 1: `submodule_depth = 2`"),
            },
            _ => unreachable!("every known argument is handled"),
        }
    }
    let Some(module) = module else {
        cx.error_at(Span::call_site(), "missing the Python module: write `#[python_module(\"numpy\")]`");
        return None;
    };
    let path = module.value();
    if path.is_empty() || !path.split('.').all(is_python_identifier) {
        cx.error_spanned_by(
            &module,
            format!("`{path}` is not a Python module path (dotted identifiers, like `os.path`)"),
        );
        return None;
    }
    args.config.module = path;
    args.module_span = module.span();
    Some(args)
}

/// The `rename` entries whose values are usable Rust names; every other entry is an error at
/// its token.
fn renames(cx: &Ctxt, entries: Vec<(LitStr, LitStr)>) -> Vec<Rename> {
    let mut out: Vec<Rename> = Vec::new();
    for (key, value) in entries {
        let (python, rust) = (key.value(), value.value());
        if python.is_empty() || !python.split('.').all(is_python_identifier) {
            cx.error_spanned_by(
                &key,
                format!("`{python}` is not a Python name; write the name as Python spells it (`\"linalg.norm\"` for a submodule member, `\"Path.open\"` for a method)"),
            );
        } else if !is_identifier(&rust) {
            cx.error_spanned_by(
                &value,
                format!("`{rust}` is not a Rust identifier (a Rust keyword, or characters Rust does not allow); choose another name, like `{}`", crate::generate::names::rust_name(&rust)),
            );
        } else if out.iter().any(|r| r.python == python) {
            cx.error_spanned_by(&key, format!("`{python}` is renamed twice; keep one entry"));
        } else {
            out.push(Rename { python, rust, span: key.span() });
        }
    }
    out
}

fn is_python_identifier(part: &str) -> bool {
    let mut chars = part.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic()) && chars.all(|c| c == '_' || c.is_alphanumeric())
}

fn string(cx: &Ctxt, value: &Expr) -> Option<LitStr> {
    match value {
        Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => Some(s.clone()),
        other => {
            cx.error_spanned_by(other, "expected a string literal");
            None
        }
    }
}

fn strings(cx: &Ctxt, value: &Expr) -> Vec<LitStr> {
    match value {
        Expr::Array(ExprArray { elems, .. }) => elems.iter().filter_map(|e| string(cx, e)).collect(),
        other => {
            cx.error_spanned_by(other, "expected a list of string literals: `[\"a\", \"b\"]`");
            Vec::new()
        }
    }
}
