//! Rustdoc for generated items: the qualified Python name and signature, then the raw
//! docstring as plain text (a fenced `text` block, so rustdoc neither parses it as Markdown
//! nor runs it as a doctest). Converting the docstring styles to Markdown is the docs
//! module's job; this is the safe fallback.

/// The doc text of an item.
///
/// `qualified` is the Python name (`math.sqrt`), `signature` its signature text (`(x, /)`),
/// `rust_name` the generated name when it differs from the Python one.
pub fn render(qualified: &str, signature: Option<&str>, doc: Option<&str>, renamed_from: Option<&str>) -> String {
    let mut out = String::new();
    let call = format!("{qualified}{}", signature.unwrap_or(""));
    out.push_str(&format!(" Python: {}\n", inline_code(&call)));
    if let Some(original) = renamed_from {
        out.push_str(&format!("\n The Python name is {}; it is renamed because it is not a valid Rust identifier here.\n", inline_code(original)));
    }
    if let Some(doc) = doc.map(str::trim).filter(|d| !d.is_empty()) {
        let fence = fence_for(doc);
        out.push_str(&format!("\n {fence}text\n"));
        for line in doc.lines() {
            out.push(' ');
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(&format!(" {fence}\n"));
    }
    out
}

/// `code` as inline Markdown code, with a backtick run longer than any inside it.
fn inline_code(code: &str) -> String {
    let ticks = "`".repeat(longest_run(code, '`') + 1);
    let pad = if code.starts_with('`') || code.ends_with('`') { " " } else { "" };
    format!("{ticks}{pad}{code}{pad}{ticks}")
}

/// A fence longer than any backtick run in `text`, so the docstring cannot close it.
fn fence_for(text: &str) -> String {
    "`".repeat((longest_run(text, '`') + 1).max(3))
}

fn longest_run(text: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for ch in text.chars() {
        run = if ch == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docstrings_cannot_escape_their_fence() {
        let doc = render("m.f", Some("(x)"), Some("Example:\n```python\nf(1)\n```\n[link]"), None);
        assert!(doc.contains("````text"), "{doc}");
        assert!(doc.trim_end().ends_with("````"), "{doc}");
    }

    #[test]
    fn signature_and_rename_are_shown() {
        let doc = render("builtins.type", Some("(object)"), None, Some("type"));
        assert!(doc.contains("`builtins.type(object)`"));
        assert!(doc.contains("`type`"));
    }
}
