//! The rustdoc page of one generated item: the docstring's summary first (rustdoc shows the
//! first paragraph in module listings and in editor completion), then the Python qualified
//! name and signature, then the rest of the docstring.

use snakebridge_docstring::{fenced_block, parse, render, RenderOptions};

/// What kind of Python object an item binds; decides the wording when there is no docstring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// A module or submodule.
    Module,
    /// A module-level function.
    Function,
    /// A class.
    Class,
    /// A method of a class.
    Method,
    /// A property of a class.
    Property,
    /// A module constant or class attribute.
    Constant,
}

impl ItemKind {
    fn noun(self) -> &'static str {
        match self {
            ItemKind::Module => "module",
            ItemKind::Function => "function",
            ItemKind::Class => "class",
            ItemKind::Method => "method",
            ItemKind::Property => "property",
            ItemKind::Constant => "constant",
        }
    }
}

/// The facts about a generated item that its documentation shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemDoc<'a> {
    /// What the item binds.
    pub kind: ItemKind,
    /// The Python qualified name: `numpy.mean`, `numpy.ndarray.sum`.
    pub python_path: &'a str,
    /// The signature as `inspect.signature` prints it, `(a, axis=None)`, if known.
    pub signature: Option<&'a str>,
    /// The raw `__doc__`, if any.
    pub docstring: Option<&'a str>,
    /// The Rust name, when it differs from the Python one (a keyword such as `type`, or an
    /// invalid identifier): the page then says which Python name it stands for.
    pub rust_name: Option<&'a str>,
}

impl<'a> ItemDoc<'a> {
    /// An item of `kind` for the Python object at `python_path`.
    pub fn new(kind: ItemKind, python_path: &'a str) -> Self {
        ItemDoc { kind, python_path, signature: None, docstring: None, rust_name: None }
    }

    /// Sets the signature, `(a, axis=None)`.
    pub fn signature(mut self, signature: &'a str) -> Self {
        self.signature = Some(signature);
        self
    }

    /// Sets the raw docstring.
    pub fn docstring(mut self, docstring: &'a str) -> Self {
        self.docstring = Some(docstring);
        self
    }

    /// Sets the Rust name the item was renamed to.
    pub fn rust_name(mut self, rust_name: &'a str) -> Self {
        self.rust_name = Some(rust_name);
        self
    }
}

/// The Markdown for `#[doc = ...]` on a generated item.
///
/// The docstring's own signature line (C functions, NumPy ufuncs) is used when the item has
/// no signature from introspection. Never fails: an item without a docstring gets a line
/// naming the Python object.
pub fn item_doc(item: &ItemDoc<'_>, opts: &RenderOptions) -> String {
    let mut doc = item.docstring.map(parse).unwrap_or_default();
    let signature = match (item.signature, doc.signature.take()) {
        (Some(sig), _) => Some(format!("{}{}", item.python_path, sig)),
        (None, Some(own)) => Some(own),
        (None, None) => None,
    };
    let summary = doc.short_description.take();
    let body = render(&doc, &opts.clone().with_signature(false));

    let mut parts: Vec<String> = Vec::new();
    match summary {
        Some(s) => parts
            .push(render(&snakebridge_docstring::Docstring { short_description: Some(s), ..Default::default() }, opts)),
        None => parts.push(format!("The Python {} `{}`.", item.kind.noun(), item.python_path.replace('`', "'"))),
    }
    match (&signature, item.kind) {
        (Some(sig), _) => parts.push(fenced_block("python", sig)),
        (None, ItemKind::Module | ItemKind::Class | ItemKind::Constant | ItemKind::Property)
            if item.docstring.is_some() =>
        {
            parts.push(format!("Python: `{}`", item.python_path.replace('`', "'")));
        }
        _ => {}
    }
    if let Some(rust) = item.rust_name {
        let python = item.python_path.rsplit('.').next().unwrap_or(item.python_path);
        if rust != python {
            parts.push(format!("Named `{}` in Python, which is not a usable Rust name.", python.replace('`', "'")));
        }
    }
    if !body.is_empty() {
        parts.push(body);
    }
    parts.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_then_signature_then_body() {
        let md = item_doc(
            &ItemDoc::new(ItemKind::Function, "numpy.mean")
                .signature("(a, axis=None)")
                .docstring("Compute the mean.\n\nParameters\n----------\na : array_like\n    Input.\n"),
            &RenderOptions::new(),
        );
        assert_eq!(md, "Compute the mean.\n\n```python\nnumpy.mean(a, axis=None)\n```\n\n# Arguments\n\n- `a` (`array_like`): Input.");
    }

    #[test]
    fn ufunc_signature_comes_from_the_docstring() {
        let md = item_doc(
            &ItemDoc::new(ItemKind::Function, "numpy.add").docstring("add(x1, x2, /)\n\nAdd arguments."),
            &RenderOptions::new(),
        );
        assert_eq!(md, "Add arguments.\n\n```python\nadd(x1, x2, /)\n```");
    }

    #[test]
    fn undocumented_and_renamed_items() {
        let md = item_doc(&ItemDoc::new(ItemKind::Constant, "numpy.pi"), &RenderOptions::new());
        assert_eq!(md, "The Python constant `numpy.pi`.");
        let md = item_doc(&ItemDoc::new(ItemKind::Function, "builtins.type").rust_name("type_"), &RenderOptions::new());
        assert!(md.contains("Named `type` in Python"), "{md}");
    }
}
