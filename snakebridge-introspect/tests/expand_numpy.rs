//! The expansion of numpy's whole top level from the committed manifest: no process started,
//! and its size and time (printed with `--nocapture`).

use std::path::Path;
use std::time::Instant;

use quote::quote;

#[test]
fn numpy_top_level_expands_from_a_warm_cache_offline() {
    let facade = Path::new(env!("CARGO_MANIFEST_DIR")).join("../snakebridge");
    // Offline: a stale or missing manifest would fail instead of starting Python.
    let env = |name: &str| (name == "SNAKEBRIDGE_OFFLINE").then(|| "1".to_owned());
    let start = Instant::now();
    let _ = snakebridge_introspect::expand::expand_in(
        &facade,
        quote!("numpy"),
        quote!(
            mod np {}
        ),
        &env,
    );
    let first = start.elapsed();
    // The second expansion is what rust-analyzer and incremental builds see: caches warm.
    let start = Instant::now();
    let tokens = snakebridge_introspect::expand::expand_in(
        &facade,
        quote!("numpy"),
        quote!(
            mod np {}
        ),
        &env,
    );
    let elapsed = start.elapsed();
    println!("numpy top level: first expansion {first:?}");
    let text = tokens.to_string();
    assert!(!text.contains("compile_error"), "{}", &text[..text.len().min(2000)]);
    let file_tokens = tokens.clone();
    let file: syn::File = syn::parse2(tokens).expect("the expansion parses as Rust");
    let pretty = prettyplease::unparse(&file);
    let lines = pretty.lines().count();
    let code_lines =
        pretty.lines().filter(|l| !l.trim_start().starts_with("///") && !l.trim_start().starts_with("//!")).count();
    let parse_start = Instant::now();
    let manifest =
        snakebridge_introspect::manifest::read(&facade.join(".snakebridge/numpy.6390de60.json")).unwrap().unwrap();
    let parse = parse_start.elapsed();
    let render_start = Instant::now();
    let _ = snakebridge_introspect::generate::module_items(&manifest.introspection, &[]);
    println!("numpy top level: manifest parse {parse:?}, render {:?}", render_start.elapsed());
    println!(
        "numpy top level: expanded in {elapsed:?}, {lines} lines pretty-printed ({code_lines} without doc comments)"
    );
    assert!(pretty.contains("pub fn mean("));
    // `cargo expand` shows the bindings and nothing else: the manifest is tracked through its
    // small stamp file, never inlined.
    let longest = longest_literal(&file_tokens);
    assert!(longest <= 1024, "a literal of {longest} bytes in the expansion");
    // rustc expands `include_bytes!` into the file's bytes: every included file must be small.
    let included = included_files(&text);
    assert!(!included.is_empty() && included.iter().all(|p| p.ends_with(".stamp")), "{included:?}");
    for path in &included {
        let size = std::fs::metadata(path).unwrap().len();
        assert!(size <= 1024, "{path} is {size} bytes, and `cargo expand` would print them all");
    }
    assert!(pretty.contains("pub struct ndarray"));
}

/// The longest literal in `tokens` other than doc comments (what `cargo expand` would show as
/// one blob), in bytes of source text.
fn longest_literal(tokens: &proc_macro2::TokenStream) -> usize {
    use proc_macro2::TokenTree;
    let mut longest = 0;
    for tree in tokens.clone() {
        match tree {
            TokenTree::Group(g) => {
                // `#[doc = "..."]`: the docstrings are the bindings' documentation, not noise.
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                let is_doc = matches!(inner.first(), Some(TokenTree::Ident(i)) if i == "doc");
                if !is_doc {
                    longest = longest.max(longest_literal(&g.stream()));
                }
            }
            TokenTree::Literal(l) => longest = longest.max(l.to_string().len()),
            _ => {}
        }
    }
    longest
}

/// The files an expansion's `include_bytes!`/`include_str!` name.
fn included_files(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in text.split("include_").skip(1) {
        if let Some(rest) = part.strip_prefix("bytes !").or_else(|| part.strip_prefix("str !")) {
            if let Some(path) = rest.split('"').nth(1) {
                out.push(path.to_owned());
            }
        }
    }
    out
}
