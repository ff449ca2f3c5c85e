//! Block-level reST to Markdown: paragraphs, doctests, literal blocks, directives, lists,
//! definition lists, tables and section titles.
//!
//! Rustdoc compiles every indented code block and every fence without a language as a Rust
//! doctest, so this module never emits a line indented four spaces past its container and
//! gives every fence a language that rustdoc leaves alone (`python`, `text`).

use super::inline::{inline, longest_run, math_display, plain};
use crate::text::{dedent_lines, indent, is_blank};

/// Deeper nesting than this is shown as preformatted text instead of being parsed further,
/// which bounds the recursion on hostile input.
const MAX_DEPTH: usize = 12;

/// Renders a reST body as Markdown blocks separated by blank lines.
pub(crate) fn blocks(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    render_lines(&lines, &mut out, 0);
    out.join("\n\n")
}

/// A fenced block in `lang`, with a fence longer than any backtick run in the body.
pub fn fence(lang: &str, body: &str) -> String {
    let n = (longest_run(body, '`') + 1).max(3);
    let f = "`".repeat(n);
    format!("{f}{lang}\n{body}\n{f}")
}

/// Languages rustdoc would treat as Rust (and compile) become `text`.
fn fence_lang(lang: &str) -> &str {
    let lang = lang.trim();
    let valid =
        !lang.is_empty() && lang.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '_' | '.'));
    let rusty = lang == "rust"
        || lang.starts_with("edition")
        || matches!(
            lang,
            "ignore" | "should_panic" | "no_run" | "compile_fail" | "test_harness" | "standalone_crate" | "allow_fail"
        );
    match lang {
        "ipython" | "ipython3" | "pycon" | "python3" | "py" | "default" => "python",
        _ if !valid || rusty => "text",
        _ => lang,
    }
}

fn is_underline(line: &str) -> bool {
    let t = line.trim();
    let Some(c) = t.chars().next() else { return false };
    t.len() >= 3 && "=-~^\"'*+#:.`_".contains(c) && t.chars().all(|x| x == c)
}

/// The end (exclusive) of the block that belongs to line `i`: the lines after it that are
/// blank or indented deeper than `base`, without trailing blank lines.
fn body_end(lines: &[&str], i: usize, base: usize) -> usize {
    let mut j = i + 1;
    while j < lines.len() && (is_blank(lines[j]) || indent(lines[j]) > base) {
        j += 1;
    }
    while j > i + 1 && is_blank(lines[j - 1]) {
        j -= 1;
    }
    j
}

/// A list item marker: `- `, `* `, `+ `, `1. `, `#. `, `(a) `, `a) `. Returns the Markdown
/// marker and the byte length of the reST marker (with its space).
fn list_marker(t: &str) -> Option<(String, usize)> {
    for bullet in ["- ", "* ", "+ ", "• "] {
        if t.starts_with(bullet) && t.len() > bullet.len() {
            return Some(("- ".to_string(), bullet.len()));
        }
    }
    let (inner, open) = match t.strip_prefix('(') {
        Some(rest) => (rest, 1),
        None => (t, 0),
    };
    let label_len = inner.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'#').count();
    if label_len == 0 || label_len > 3 {
        return None;
    }
    let label = &inner[..label_len];
    let after = &inner[label_len..];
    let closer = if open == 1 {
        ")"
    } else if after.starts_with(". ") {
        "."
    } else {
        ")"
    };
    if !after.starts_with(&format!("{closer} ")) || after.len() <= 2 {
        return None;
    }
    let numeric = label.bytes().all(|b| b.is_ascii_digit());
    let single_letter = label.len() == 1 && label.bytes().all(|b| b.is_ascii_alphabetic());
    if !(numeric || label == "#" || single_letter) {
        return None;
    }
    let marker = if numeric {
        format!("{label}. ")
    } else if label == "#" {
        "1. ".to_string()
    } else {
        format!("- ({label}) ")
    };
    Some((marker, open + label_len + 2))
}

fn render_lines(lines: &[&str], out: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        let body = dedent_lines(lines);
        if !body.is_empty() {
            out.push(fence("text", &body));
        }
        return;
    }
    let mut i = 0;
    let mut literal_next = false;
    while i < lines.len() {
        let line = lines[i];
        if is_blank(line) {
            i += 1;
            continue;
        }
        let t = line.trim();
        let base = indent(line);
        let expect_literal = std::mem::take(&mut literal_next);

        if expect_literal && base > 0 {
            let end = (i..lines.len()).find(|&j| !is_blank(lines[j]) && indent(lines[j]) < base).unwrap_or(lines.len());
            let lang = if t.starts_with(">>>") { "python" } else { "text" };
            push_fence(out, lang, &lines[i..end]);
            i = end;
        } else if t.starts_with(">>>") {
            // Doctest blocks separated only by blank lines share one fence.
            let mut end = (i..lines.len()).find(|&j| is_blank(lines[j])).unwrap_or(lines.len());
            while let Some(next) = (end..lines.len()).find(|&j| !is_blank(lines[j])) {
                if !lines[next].trim_start().starts_with(">>>") {
                    break;
                }
                end = (next..lines.len()).find(|&j| is_blank(lines[j])).unwrap_or(lines.len());
            }
            push_fence(out, "python", &lines[i..end]);
            i = end;
        } else if t == ".." || t.starts_with(".. ") {
            let end = body_end(lines, i, base);
            directive(t, &lines[i + 1..end], out, depth);
            i = end;
        } else if (t.starts_with("+-") || t.starts_with("+=")) && t.ends_with('+') {
            let end = (i..lines.len()).find(|&j| is_blank(lines[j])).unwrap_or(lines.len());
            push_fence(out, "text", &lines[i..end]);
            i = end;
        } else if is_table_border(t) && i + 1 < lines.len() && !is_blank(lines[i + 1]) && !is_title_overline(lines, i) {
            // A simple table: `====  ====` borders around rows.
            let end = (i..lines.len()).find(|&j| is_blank(lines[j])).unwrap_or(lines.len());
            let rows: Vec<String> = lines[i..end].iter().map(|l| l.get(base..).unwrap_or("").to_string()).collect();
            let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
            match super::table::simple_table(&rows) {
                Some(table) => out.push(table),
                None => push_fence(out, "text", &lines[i..end]),
            }
            i = end;
        } else if is_title_overline(lines, i) {
            out.push(format!("### {}", inline(lines[i + 1].trim())));
            i += 3;
        } else if !is_underline(line) && lines.get(i + 1).is_some_and(|n| is_underline(n) && indent(n) == base) {
            out.push(format!("### {}", inline(t)));
            i += 2;
        } else if is_underline(line) && t.len() >= 4 {
            out.push("---".to_string());
            i += 1;
        } else if let Some((marker, len)) = list_marker(t) {
            let end = body_end(lines, i, base);
            let mut content = vec![t[len..].trim_start().to_string()];
            let rest = dedent_lines(&lines[i + 1..end]);
            if !rest.is_empty() {
                // A blank line keeps an indented continuation a separate paragraph.
                if lines.get(i + 1).is_some_and(|l| is_blank(l)) {
                    content.push(String::new());
                }
                content.extend(rest.lines().map(str::to_string));
            }
            let refs: Vec<&str> = content.iter().map(String::as_str).collect();
            let mut inner = Vec::new();
            render_lines(&refs, &mut inner, depth + 1);
            out.push(list_item(&marker, &inner.join("\n\n")));
            i = end;
        } else if base > 0 {
            // A block quote: shown as ordinary text, because Markdown would compile an
            // indented block as a Rust doctest.
            let end = (i..lines.len()).find(|&j| !is_blank(lines[j]) && indent(lines[j]) < base).unwrap_or(lines.len());
            let body = dedent_lines(&lines[i..end]);
            let inner_lines: Vec<&str> = body.lines().collect();
            render_lines(&inner_lines, out, depth + 1);
            i = end;
        } else if lines.get(i + 1).is_some_and(|n| !is_blank(n) && indent(n) > base) && !t.ends_with("::") {
            // A definition list item: the term, then its indented definition.
            let end = body_end(lines, i, base);
            let body = dedent_lines(&lines[i + 1..end]);
            let inner_lines: Vec<&str> = body.lines().collect();
            let mut inner = Vec::new();
            render_lines(&inner_lines, &mut inner, depth + 1);
            let term = guard_line_start(&inline(t));
            let single_paragraph = inner.len() == 1 && !starts_block(&inner[0]);
            let text = if single_paragraph {
                // `lib` / `    Basic functions.` reads best as one line: "lib: Basic functions."
                let sep = if term.ends_with(':') { " " } else { ": " };
                format!("{term}{sep}{}", inner[0])
            } else {
                format!("{term}\n\n{}", inner.join("\n\n"))
            };
            out.push(list_item("- ", &text));
            i = end;
        } else {
            let mut end = i + 1;
            while end < lines.len() {
                let l = lines[end];
                let starts_block = l.trim_start().starts_with(">>>")
                    || indent(l) != base
                    || lines.get(end + 1).is_some_and(|n| is_underline(n) && !is_underline(l));
                if is_blank(l) || starts_block {
                    break;
                }
                end += 1;
            }
            let (text, literal) = paragraph(&lines[i..end]);
            if !text.is_empty() {
                out.push(text);
            }
            literal_next = literal;
            i = end;
        }
    }
}

/// A simple table border: runs of `=` separated by spaces, at least two runs (a single run
/// is a title over- or underline).
fn is_table_border(t: &str) -> bool {
    t.starts_with('=') && t.bytes().all(|b| b == b'=' || b == b' ') && t.split_whitespace().count() >= 2
}

fn is_title_overline(lines: &[&str], i: usize) -> bool {
    let (Some(over), Some(title), Some(under)) = (lines.get(i), lines.get(i + 1), lines.get(i + 2)) else {
        return false;
    };
    is_underline(over) && is_underline(under) && !is_blank(title) && !is_underline(title) && over.trim() == under.trim()
}

fn push_fence(out: &mut Vec<String>, lang: &str, lines: &[&str]) {
    let body = dedent_lines(lines);
    if !body.is_empty() {
        out.push(fence(lang, &body));
    }
}

/// Indents the continuation of a list item to the item's content column.
fn list_item(marker: &str, content: &str) -> String {
    let pad = " ".repeat(marker.chars().count());
    let mut s = String::with_capacity(content.len() + 16);
    for (n, line) in content.lines().enumerate() {
        if n == 0 {
            s.push_str(marker);
            // Spaces after the marker would push the item's text into an indented code block.
            s.push_str(line.trim_start());
        } else {
            s.push('\n');
            if !line.is_empty() {
                s.push_str(&pad);
                s.push_str(line);
            }
        }
    }
    if content.is_empty() {
        s.push_str(marker.trim_end());
    }
    s
}

/// One paragraph; reports whether it announced a literal block with `::`.
fn paragraph(lines: &[&str]) -> (String, bool) {
    let mut text = lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join("\n");
    let mut literal = false;
    if text.ends_with("::") {
        literal = true;
        text.truncate(text.len() - 2);
        // `Example::` keeps one colon; ` ::` and a lone `::` vanish.
        if text.ends_with(char::is_whitespace) || text.is_empty() {
            text = text.trim_end().to_string();
        } else {
            text.push(':');
        }
    }
    let converted = inline(&text);
    let safe: Vec<String> = converted.lines().map(guard_line_start).collect();
    (safe.join("\n"), literal)
}

/// Escapes what would turn a line of prose into a heading, a fence or an HTML block.
fn guard_line_start(line: &str) -> String {
    let t = line.trim_start();
    if t.starts_with('#') || t.starts_with("```") || t.starts_with("~~~") || t.starts_with('>') || t.starts_with('|') {
        format!("\\{t}")
    } else if t.starts_with('=') || (t.starts_with('-') && t.trim_end_matches('-').trim().is_empty()) {
        // A line of `=` or `-` would underline the line above into a heading.
        format!("\\{t}")
    } else if let Some(marker) = marker_len(t) {
        // `1.     x` would open a list item whose content is an indented code block.
        // What follows a marker starts a line inside the item: guard it the same way.
        format!("{} {}", &t[..marker], guard_line_start(t[marker..].trim_start()))
    } else {
        t.to_string()
    }
}

/// The length of a Markdown list marker (`-`, `*`, `+`, `1.`, `1)`) that starts `t` and is
/// followed by whitespace.
fn marker_len(t: &str) -> Option<usize> {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let len = match t.as_bytes().first()? {
        b'-' | b'*' | b'+' => 1,
        _ if digits > 0 && digits <= 9 && matches!(t.as_bytes().get(digits), Some(b'.' | b')')) => digits + 1,
        _ => return None,
    };
    t[len..].starts_with(char::is_whitespace).then_some(len)
}

/// `.. name:: args` with its body, or a comment, a footnote or a link target.
fn directive(head: &str, body: &[&str], out: &mut Vec<String>, depth: usize) {
    let rest = head.trim_start_matches("..").trim_start();
    let parsed = rest.find("::").and_then(|p| {
        let name = rest[..p].trim();
        let ok = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':'));
        ok.then(|| (name.rsplit(':').next().unwrap_or(name), rest[p + 2..].trim()))
    });
    let Some((name, args)) = parsed else {
        if let Some(label) = rest.strip_prefix('[') {
            // A footnote or citation: `.. [1] Author, Title.`
            let text = format!("[{}\n{}", label, dedent_lines(body));
            let (p, _) = paragraph(&text.lines().collect::<Vec<_>>());
            out.push(p);
        }
        // Comments, link targets and substitution definitions show nothing.
        return;
    };
    // Directive options (`:label: x`) come first in the body.
    let content_start = body
        .iter()
        .position(|l| !l.trim_start().starts_with(':') || l.trim_start().starts_with(":math:`"))
        .unwrap_or(body.len());
    let text = dedent_lines(&body[content_start..]);
    match name {
        "math" => {
            for eq in std::iter::once(args).chain(text.split("\n\n")).filter(|s| !s.trim().is_empty()) {
                out.push(math_display(eq));
            }
        }
        "code-block" | "code" | "sourcecode" | "highlight" => {
            if !text.is_empty() {
                out.push(fence(fence_lang(if args.is_empty() { "python" } else { args }), &text));
            }
        }
        "doctest" | "testcode" | "testoutput" | "plot" | "ipython" | "jupyter-execute" => {
            if !text.is_empty() {
                out.push(fence("python", &text));
            }
        }
        "parsed-literal" | "table" | "csv-table" | "list-table" | "literalinclude" => {
            let body = if name == "csv-table" || name == "table" { format!("{args}\n{text}") } else { text };
            let body = body.trim();
            if !body.is_empty() {
                out.push(fence("text", body));
            }
        }
        "image" | "figure" => out.push(format!("*Image: {}*", plain(args))),
        "rubric" => out.push(format!("**{}**", inline(args))),
        "autosummary" | "toctree" => {
            let items: Vec<String> = text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| format!("- {}", super::inline::code_span(l.trim())))
                .collect();
            if !items.is_empty() {
                out.push(items.join("\n"));
            }
        }
        "currentmodule" | "module" | "index" | "only" | "raw" | "include" | "testsetup" | "testcleanup"
        | "tabularcolumns" | "highlight-lang" | "sectionauthor" | "moduleauthor" | "contents" | "meta"
        | "default-role" => {}
        _ => {
            let title = match name {
                "note" => "Note".to_string(),
                "warning" => "Warning".to_string(),
                "seealso" => "See also".to_string(),
                "versionadded" => format!("Added in version {args}"),
                "versionchanged" => format!("Changed in version {args}"),
                "deprecated" => format!("Deprecated since version {args}"),
                "admonition" => args.to_string(),
                other => {
                    let mut t = other.to_string();
                    if let Some(c) = t.get(..1) {
                        t = c.to_uppercase() + &t[1..];
                    }
                    t
                }
            };
            // Version directives and note-like directives carry text in `args` too.
            let body_text = match name {
                "versionadded" | "versionchanged" | "deprecated" | "admonition" => text.clone(),
                _ if !args.is_empty() => format!("{args}\n{text}"),
                _ => text.clone(),
            };
            let body_lines: Vec<&str> = body_text.lines().collect();
            let mut inner = Vec::new();
            render_lines(&body_lines, &mut inner, depth + 1);
            out.push(admonition(&title, &inner.join("\n\n")));
        }
    }
}

/// True when a rendered line opens a block (fence, list, quote, table, heading, math) and so
/// cannot be glued after a list marker or a title on the same line.
pub(crate) fn starts_block(line: &str) -> bool {
    line.starts_with(['`', '~', '>', '|', '#', '$', '-', '*', '+']) || marker_len(line).is_some()
}

/// A block quote that starts with a bold title.
fn admonition(title: &str, body: &str) -> String {
    let title = inline(title.trim());
    let mut s = format!("> **{}**", title.trim());
    if body.is_empty() {
        return s;
    }
    let mut lines = body.lines();
    let first = lines.next().unwrap_or("");
    if !starts_block(first) {
        s.push_str(": ");
        s.push_str(first);
    } else {
        s.push_str("\n>\n> ");
        s.push_str(first);
    }
    for line in lines {
        s.push_str("\n>");
        if !line.is_empty() {
            s.push(' ');
            s.push_str(line);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doctests_become_python_fences() {
        assert_eq!(blocks("Intro.\n\n>>> f(1)\n2"), "Intro.\n\n```python\n>>> f(1)\n2\n```");
        assert_eq!(blocks("Intro:\n>>> f(1)"), "Intro:\n\n```python\n>>> f(1)\n```");
        assert_eq!(blocks(">>> a\n1\n\n>>> b\n\nText"), "```python\n>>> a\n1\n\n>>> b\n```\n\nText");
    }

    #[test]
    fn literal_blocks_become_text_fences() {
        assert_eq!(blocks("Example::\n\n    a = 1\n\nAfter."), "Example:\n\n```text\na = 1\n```\n\nAfter.");
    }

    #[test]
    fn math_directive_is_display_math() {
        assert_eq!(blocks(".. math:: a_i = b\n"), "$$a\\_i = b$$");
        assert_eq!(blocks(".. math::\n\n    x^2\n\nText"), "$$x^2$$\n\nText");
    }

    #[test]
    fn admonitions_are_quotes() {
        assert_eq!(blocks(".. note:: Be careful.\n"), "> **Note**: Be careful.");
        assert_eq!(blocks(".. versionadded:: 1.20\n"), "> **Added in version 1.20**");
    }

    #[test]
    fn tables_are_preformatted() {
        let grid = "+---+---+\n| a | b |\n+---+---+";
        assert_eq!(blocks(grid), format!("```text\n{grid}\n```"));
        let simple = "===  ===\na    b\n===  ===";
        assert_eq!(blocks(simple), format!("```text\n{simple}\n```"));
        assert_eq!(blocks("===  ===\nh    i\n===  ===\na    b\n===  ==="), "| h | i |\n|---|---|\n| a | b |");
    }

    #[test]
    fn lists_and_titles() {
        assert_eq!(blocks("- one\n  more\n- two"), "- one\n  more\n\n- two");
        assert_eq!(blocks("Title\n=====\n\nBody"), "### Title\n\nBody");
        assert_eq!(blocks("1. first\n2. second"), "1. first\n\n2. second");
    }

    #[test]
    fn indented_text_never_becomes_a_code_block() {
        let md = blocks("Para.\n\n        deeply indented\n");
        assert!(md.lines().all(|l| !l.starts_with("    ")), "{md}");
    }

    #[test]
    fn definition_lists() {
        assert_eq!(blocks("lib\n    Basic functions."), "- lib: Basic functions.");
        assert_eq!(blocks("term\n    - a\n    - b"), "- term\n\n  - a\n\n  - b");
    }

    #[test]
    fn rust_fence_languages_are_neutralised() {
        assert_eq!(blocks(".. code-block:: rust\n\n    fn main() {}\n"), "```text\nfn main() {}\n```");
    }
}
