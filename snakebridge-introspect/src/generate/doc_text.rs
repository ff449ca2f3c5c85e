//! Rustdoc for generated items: the docstring converted to Markdown by [`crate::docs`]
//! (Google, NumPy, Sphinx and Epytext styles), after the Python qualified name and signature.
//! The converter escapes everything that would make rustdoc warn and fences examples as
//! `python`, so no docstring can produce a failing doctest.

use crate::docs::{item_doc, ItemDoc, ItemKind, RenderOptions};

/// The doc text of an item.
///
/// `qualified` is the Python name (`math.sqrt`), `signature` its signature text (`(x, /)`),
/// `renamed_from` the Python name when the Rust name differs from it.
pub fn render(kind: ItemKind, qualified: &str, signature: Option<&str>, doc: Option<&str>, renamed_from: Option<&str>) -> String {
    let rust_name = renamed_from.map(super::names::rust_name);
    let item = ItemDoc { kind, python_path: qualified, signature, docstring: doc, rust_name: rust_name.as_deref() };
    let markdown = item_doc(&item, &RenderOptions::default());
    // One leading space per line, as `///` comments have: `cargo expand` shows them that way.
    let mut out = String::with_capacity(markdown.len() + markdown.len() / 40);
    for line in markdown.lines() {
        out.push(' ');
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docstrings_become_markdown_sections() {
        let raw = "Square root.\n\nArgs:\n    x (float): The value.\n\nReturns:\n    float: The root.\n\nExample:\n    >>> sqrt(4)\n    2.0\n";
        let doc = render(ItemKind::Function, "m.sqrt", Some("(x)"), Some(raw), None);
        assert!(doc.starts_with(" Square root."), "{doc}");
        assert!(doc.contains("m.sqrt(x)"), "{doc}");
        assert!(doc.contains("# Arguments") && doc.contains("# Returns"), "{doc}");
        assert!(doc.contains("```python"), "{doc}");
    }

    #[test]
    fn signature_and_rename_are_shown() {
        let doc = render(ItemKind::Class, "builtins.type", Some("(object)"), None, Some("type"));
        assert!(doc.contains("builtins.type(object)"), "{doc}");
        assert!(doc.contains("Named `type` in Python"), "{doc}");
    }
}
