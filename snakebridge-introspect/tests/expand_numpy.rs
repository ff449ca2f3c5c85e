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
    assert!(pretty.contains("pub struct ndarray"));
}
