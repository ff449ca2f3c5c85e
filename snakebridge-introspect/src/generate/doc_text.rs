//! Rustdoc for generated items: the docstring converted to Markdown by [`crate::docs`]
//! (Google, NumPy, Sphinx and Epytext styles), after the Python qualified name and signature.
//! The converter escapes everything that would make rustdoc warn and fences examples as
//! `python`, so no docstring can produce a failing doctest.

use crate::docs::{item_doc, ItemDoc, ItemKind, RenderOptions};
use crate::model::{ClassInfo, FunctionInfo, ModuleInfo, PropertyInfo};

/// The doc text of an item.
///
/// `qualified` is the Python name (`math.sqrt`), `signature` its signature text (`(x, /)`),
/// `renamed_from` the Python name when the Rust name differs from it.
pub fn render(
    kind: ItemKind,
    qualified: &str,
    signature: Option<&str>,
    doc: Option<&str>,
    renamed_from: Option<&str>,
) -> String {
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

// One function per item kind, used both when the manifest is written (`render_all`) and,
// for items without a stored page, when expanding: the two can never disagree.

/// The page of a module.
pub fn module(module: &ModuleInfo) -> String {
    render(ItemKind::Module, &module.name, None, module.doc.as_deref(), None)
}

/// The page of a module-level function of the module named `module`.
pub fn function(module: &str, function: &FunctionInfo) -> String {
    callable(ItemKind::Function, &format!("{module}.{}", function.name), function)
}

/// The page of a method of the class `class_qualified` (`numpy.ndarray`): static and class
/// methods read as functions.
pub fn method(class_qualified: &str, method: &FunctionInfo) -> String {
    let static_like = matches!(method.kind.as_deref(), Some("static" | "class"));
    let kind = if static_like { ItemKind::Function } else { ItemKind::Method };
    callable(kind, &format!("{class_qualified}.{}", method.name), method)
}

fn callable(kind: ItemKind, qualified: &str, f: &FunctionInfo) -> String {
    let renamed = (super::names::rust_name(&f.name) != f.name).then_some(f.name.as_str());
    render(kind, qualified, f.signature.as_ref().and_then(|s| s.text.as_deref()), f.doc.as_deref(), renamed)
}

/// The page of a class of the module named `module` (without the bases, which the generator adds).
pub fn class(module: &str, class: &ClassInfo) -> String {
    let renamed = (super::names::rust_name(&class.name) != class.name).then_some(class.name.as_str());
    let qualified = format!("{module}.{}", class.name);
    render(
        ItemKind::Class,
        &qualified,
        class.init.as_ref().and_then(|s| s.text.as_deref()),
        class.doc.as_deref(),
        renamed,
    )
}

/// The page of a property of the class `class_qualified`.
pub fn property(class_qualified: &str, property: &PropertyInfo) -> String {
    render(ItemKind::Property, &format!("{class_qualified}.{}", property.name), None, property.doc.as_deref(), None)
}

/// Stores the page of every item that has a docstring in its `rustdoc` field (items without
/// one get a one-line page that costs nothing to build when expanding). Converting
/// docstrings is most of an expansion's work, so it is done once, when the manifest is written.
pub fn render_all(module: &mut ModuleInfo) {
    let here = module.name.clone();
    module.rustdoc = module.doc.is_some().then(|| self::module(module));
    for f in &mut module.functions {
        f.rustdoc = f.doc.is_some().then(|| function(&here, f));
    }
    for c in &mut module.classes {
        // A class read from a private module (`_hashlib.HASH`) is named where it lives, as
        // the generator names it.
        let home = c.module.clone().unwrap_or_else(|| here.clone());
        c.rustdoc = c.doc.is_some().then(|| class(&home, c));
        let qualified = format!("{home}.{}", c.name);
        for m in &mut c.methods {
            m.rustdoc = m.doc.is_some().then(|| method(&qualified, m));
        }
        for p in &mut c.properties {
            p.rustdoc = p.doc.is_some().then(|| property(&qualified, p));
        }
    }
    for sub in &mut module.submodules {
        render_all(sub);
    }
}

/// Clears every stored page (the expansion then converts the docstrings itself).
pub fn clear_all(module: &mut ModuleInfo) {
    module.rustdoc = None;
    for f in &mut module.functions {
        f.rustdoc = None;
    }
    for c in &mut module.classes {
        c.rustdoc = None;
        c.methods.iter_mut().for_each(|m| m.rustdoc = None);
        c.properties.iter_mut().for_each(|p| p.rustdoc = None);
    }
    module.submodules.iter_mut().for_each(clear_all);
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
