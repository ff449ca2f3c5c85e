//! Python documentation from Rust: `docs::get` renders a docstring as the Markdown rustdoc
//! shows for generated bindings, `docs::search` ranks a module's names for a query, and
//! `docs::parse` gives the structured form.
//!
//! `cargo run --example docs` (standard library), or
//! `cargo run --example docs -- numpy mean` for any module and name.

use snakebridge::docs;

fn main() -> snakebridge::Result<()> {
    let mut args = std::env::args().skip(1);
    let module = args.next().unwrap_or_else(|| "math".into());
    let name = args.next().unwrap_or_else(|| "sqrt".into());

    println!("==> docs::get({module:?}, {name:?})\n");
    println!("{}\n", docs::get(&module, &name)?);

    let query = &name[..name.len().min(2)];
    println!("==> docs::search({module:?}, {query:?})");
    for hit in docs::search(&module, query)?.iter().take(8) {
        println!("  {:<20} {:?}  {}", hit.name, hit.kind, hit.summary.as_deref().unwrap_or(""));
    }

    let parsed = docs::get_parsed(&module, &name)?;
    println!("\n==> docs::get_parsed: style {}, {} parameter(s)", parsed.style.name(), parsed.params.len());
    for p in &parsed.params {
        println!(
            "  {} : {}{}",
            p.name,
            p.type_name.as_deref().unwrap_or("?"),
            if p.optional { " (optional)" } else { "" }
        );
    }
    Ok(())
}
