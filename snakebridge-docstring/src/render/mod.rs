//! Markdown for rustdoc from a parsed [`Docstring`].

mod blocks;
mod inline;
mod table;

use std::fmt;
use std::sync::Arc;

use blocks::blocks;
pub use blocks::fence as fenced_block;
use inline::{code_span, inline};

use crate::model::{Docstring, Param, Raises, Returns, SectionKind};

type TypeMap = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// How [`render`] writes the Markdown.
#[derive(Clone)]
pub struct RenderOptions {
    type_map: Option<TypeMap>,
    /// Show the signature found on the docstring's first line (C functions, ufuncs) as a
    /// `python` block at the top. Off by default: generated items show their own.
    pub include_signature: bool,
    /// The Markdown heading level of the sections (`# Arguments` at 1, `## Arguments` at 2).
    pub heading_level: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions { type_map: None, include_signature: false, heading_level: 1 }
    }
}

impl fmt::Debug for RenderOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RenderOptions")
            .field("type_map", &self.type_map.as_ref().map(|_| "Fn(&str) -> Option<String>"))
            .field("include_signature", &self.include_signature)
            .field("heading_level", &self.heading_level)
            .finish()
    }
}

impl RenderOptions {
    /// The defaults: no type mapping, no signature, sections at heading level 1.
    pub fn new() -> Self {
        Self::default()
    }

    /// Maps Python type names (as the docstring writes them: `float`, `array_like, optional`
    /// without the `optional`) to the Rust type the binding uses; `None` keeps the Python
    /// name alone. The rendered entry shows the Rust type first and the Python one after it.
    pub fn with_type_map(mut self, map: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        self.type_map = Some(Arc::new(map));
        self
    }

    /// Shows the docstring's own signature line as a `python` block.
    pub fn with_signature(mut self, show: bool) -> Self {
        self.include_signature = show;
        self
    }

    /// Sets the heading level of the sections (clamped to 1..=6).
    pub fn with_heading_level(mut self, level: usize) -> Self {
        self.heading_level = level.clamp(1, 6);
        self
    }

    fn rust_type(&self, python: &str) -> Option<String> {
        self.type_map.as_ref().and_then(|m| m(python))
    }

    fn heading(&self, title: &str) -> String {
        format!("{} {}", "#".repeat(self.heading_level.clamp(1, 6)), title)
    }
}

/// Renders `doc` as Markdown that rustdoc shows without warnings and never compiles.
pub fn render(doc: &Docstring, opts: &RenderOptions) -> String {
    let mut parts: Vec<String> = Vec::new();
    if opts.include_signature {
        if let Some(sig) = &doc.signature {
            parts.push(fenced_block("python", sig));
        }
    }
    if let Some(short) = &doc.short_description {
        parts.push(blocks(short));
    }
    if let Some(long) = &doc.long_description {
        parts.push(blocks(long));
    }
    let deprecated_shown = doc.long_description.as_deref().is_some_and(|l| l.contains(".. deprecated::"));
    if let (Some(dep), false) = (&doc.deprecated, deprecated_shown) {
        parts.push(blocks(&format!(".. deprecated::\n\n{}", indent_text(dep))));
    }
    param_section(&mut parts, opts, "Arguments", &doc.params);
    param_section(&mut parts, opts, "Attributes", &doc.attributes);
    returns_section(&mut parts, opts, "Returns", &doc.returns);
    returns_section(&mut parts, opts, "Yields", &doc.yields);
    raises_section(&mut parts, opts, "Errors", "Raises the Python exception, returned as `Err`:", &doc.raises);
    raises_section(&mut parts, opts, "Warnings", "Emits the Python warning:", &doc.warns);
    if !doc.see_also.is_empty() {
        parts.push(opts.heading("See also"));
        let items: Vec<String> = doc
            .see_also
            .iter()
            .map(|s| {
                let names: Vec<String> = s.names.iter().map(|n| xref(n)).collect();
                let head = names.join(", ");
                match &s.description {
                    Some(d) => item(&format!("{head}: "), &blocks(d)),
                    None => format!("- {head}"),
                }
            })
            .collect();
        parts.push(items.join("\n"));
    }
    for section in &doc.sections {
        let title = match section.kind {
            SectionKind::Examples => "Examples",
            SectionKind::Notes => "Notes",
            SectionKind::References => "References",
            SectionKind::Warnings => "Warnings",
            _ => section.title.as_str(),
        };
        let body = blocks(&section.body);
        if body.is_empty() {
            continue;
        }
        parts.push(opts.heading(&inline(title)));
        parts.push(body);
    }
    parts.retain(|p| !p.trim().is_empty());
    parts.join("\n\n")
}

/// Parses and renders `raw` with the default options.
pub fn to_rustdoc(raw: &str) -> String {
    render(&crate::parse(raw), &RenderOptions::default())
}

fn indent_text(text: &str) -> String {
    text.lines().map(|l| format!("   {l}")).collect::<Vec<_>>().join("\n")
}

/// A See Also name: `numpy.mean` as code; an explained name keeps its own markup.
fn xref(name: &str) -> String {
    if name.contains('`') {
        inline(name)
    } else {
        code_span(name)
    }
}

/// A Python type for display, with the Rust type the binding uses first when known.
fn type_text(python: &str, opts: &RenderOptions) -> String {
    let py = if python.contains('`') { inline(python) } else { code_span(python) };
    match opts.rust_type(python) {
        Some(rust) if rust != python => format!("{}, Python {py}", code_span(&rust)),
        _ => py,
    }
}

/// A list item whose description may span paragraphs: a plain first paragraph joins the
/// head line, anything else (a fence, a list) starts below it.
fn item(head: &str, body_md: &str) -> String {
    let head = head.trim();
    let mut s = if head.is_empty() { "-".to_string() } else { format!("- {head}") };
    let mut lines = body_md.lines().peekable();
    if let Some(first) = lines.peek() {
        if !blocks::starts_block(first) {
            s.push(' ');
            s.push_str(first);
            lines.next();
        } else {
            s.push('\n');
        }
    }
    for line in lines {
        s.push('\n');
        if !line.is_empty() {
            s.push_str("  ");
            s.push_str(line);
        }
    }
    s
}

fn param_section(parts: &mut Vec<String>, opts: &RenderOptions, title: &str, params: &[Param]) {
    if params.is_empty() {
        return;
    }
    parts.push(opts.heading(title));
    let items: Vec<String> = params.iter().map(|p| param_item(p, opts)).collect();
    parts.push(items.join("\n"));
}

fn param_item(p: &Param, opts: &RenderOptions) -> String {
    let names: Vec<String> = p.names().map(code_span).collect();
    let mut meta: Vec<String> = Vec::new();
    if let Some(t) = &p.type_name {
        meta.push(type_text(t, opts));
    }
    if p.optional {
        meta.push("optional".to_string());
    }
    if let Some(d) = &p.default {
        meta.push(format!("default {}", code_span(d)));
    }
    let mut head = names.join(", ");
    if !meta.is_empty() {
        head.push_str(&format!(" ({})", meta.join(", ")));
    }
    match &p.description {
        Some(d) => item(&format!("{head}:"), &blocks(d)),
        None => format!("- {head}"),
    }
}

fn returns_section(parts: &mut Vec<String>, opts: &RenderOptions, title: &str, values: &[Returns]) {
    if values.is_empty() {
        return;
    }
    parts.push(opts.heading(title));
    let items: Vec<String> = values
        .iter()
        .map(|r| {
            let mut head = Vec::new();
            if let Some(n) = &r.name {
                head.push(code_span(n));
            }
            if let Some(t) = &r.type_name {
                let t = type_text(t, opts);
                head.push(if r.name.is_some() { format!("({t})") } else { t });
            }
            let head = head.join(" ");
            match (&r.description, head.is_empty()) {
                (Some(d), false) => item(&format!("{head}:"), &blocks(d)),
                (Some(d), true) => item("", &blocks(d)),
                (None, _) => format!("- {head}"),
            }
        })
        .collect();
    parts.push(items.join("\n"));
}

fn raises_section(parts: &mut Vec<String>, _opts: &RenderOptions, title: &str, intro: &str, values: &[Raises]) {
    if values.is_empty() {
        return;
    }
    parts.push(_opts.heading(title));
    parts.push(intro.to_string());
    let items: Vec<String> = values
        .iter()
        .map(|r| {
            let names: Vec<String> =
                r.type_name.split(',').map(str::trim).filter(|n| !n.is_empty()).map(xref).collect();
            let head = if names.is_empty() { "exception".to_string() } else { names.join(", ") };
            match &r.description {
                Some(d) => item(&format!("{head}:"), &blocks(d)),
                None => format!("- {head}"),
            }
        })
        .collect();
    parts.push(items.join("\n"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    #[test]
    fn numpy_doc_renders_sections() {
        let doc = parse("Mean.\n\nParameters\n----------\na : array_like\n    Input.\naxis : int, optional\n    Axis.\n\nReturns\n-------\nm : ndarray\n    The mean.\n\nRaises\n------\nValueError\n    Bad.\n\nExamples\n--------\n>>> np.mean([1])\n1.0\n");
        let opts = RenderOptions::new().with_type_map(|t| (t == "int").then(|| "i64".to_string()));
        let md = render(&doc, &opts);
        assert!(
            md.starts_with(
                "Mean.\n\n# Arguments\n\n- `a` (`array_like`): Input.\n- `axis` (`i64`, Python `int`, optional): Axis."
            ),
            "{md}"
        );
        assert!(md.contains("# Returns\n\n- `m` (`ndarray`): The mean."), "{md}");
        assert!(md.contains("# Errors"), "{md}");
        assert!(md.contains("- `ValueError`: Bad."), "{md}");
        assert!(md.contains("# Examples\n\n```python\n>>> np.mean([1])\n1.0\n```"), "{md}");
    }

    #[test]
    fn empty_docstring_renders_nothing() {
        assert_eq!(to_rustdoc(""), "");
        assert_eq!(to_rustdoc("   \n\t\n"), "");
    }
}
