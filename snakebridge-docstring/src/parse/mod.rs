//! Parsing: clean the raw docstring, detect its style, hand the lines to that style's
//! parser, then derive the views every style shares (summary, examples, notes).

mod fields;
mod google;
mod numpy;
mod spec;

use crate::detect::detect_lines;
use crate::model::{Docstring, Section, SectionKind, Style};
use crate::text::{cleandoc, dedent_lines, indent, is_blank, non_empty};

pub(crate) use spec::{default_in_description, split_top_level, type_spec};

/// Parses a raw `__doc__` in whatever style it is written in. Never fails: text that
/// follows no convention becomes the description.
pub fn parse(raw: &str) -> Docstring {
    let text = cleandoc(raw);
    let lines: Vec<&str> = text.lines().collect();
    let style = detect_lines(&lines);
    parse_lines(&lines, style)
}

/// Parses `raw` as `style`, skipping detection.
pub fn parse_as(raw: &str, style: Style) -> Docstring {
    let text = cleandoc(raw);
    let lines: Vec<&str> = text.lines().collect();
    parse_lines(&lines, style)
}

fn parse_lines(lines: &[&str], style: Style) -> Docstring {
    let mut doc = Docstring { style, ..Docstring::default() };
    let start = signature(lines, &mut doc);
    let lines = &lines[start..];
    match style {
        Style::Numpy => numpy::parse(lines, &mut doc),
        Style::Google => google::parse(lines, &mut doc),
        Style::Sphinx => fields::parse(lines, &mut doc, ':'),
        Style::Epytext => fields::parse(lines, &mut doc, '@'),
        Style::Plain => set_description(lines, &mut doc),
    }
    finish(&mut doc);
    doc
}

/// Splits the description into the summary (first paragraph, on one line) and the rest.
pub(crate) fn set_description(lines: &[&str], doc: &mut Docstring) {
    let start = lines.iter().position(|l| !is_blank(l)).unwrap_or(lines.len());
    let lines = &lines[start..];
    let first_end = lines.iter().position(|l| is_blank(l)).unwrap_or(lines.len());
    let first = &lines[..first_end];
    // A summary is prose; a paragraph that opens with markup (a directive, a doctest, a
    // list, a field) belongs to the long description.
    let markup = first.first().is_some_and(|l| {
        let t = l.trim_start();
        t.starts_with(".. ")
            || t.starts_with(">>>")
            || t.starts_with("- ")
            || t.starts_with("* ")
            || t.starts_with(':')
            || t.starts_with('@')
            || t.starts_with('+')
    }) || first.iter().any(|l| indent(l) > 0 || l.trim_end().ends_with("::"))
        || first.len() > 1
            && first.iter().skip(1).any(|l| crate::heading::is_dash_underline(l) || is_equals_underline(l));
    if first.is_empty() {
        return;
    }
    if markup {
        doc.long_description = non_empty(dedent_lines(lines));
        return;
    }
    let summary: Vec<&str> = first.iter().map(|l| l.trim()).collect();
    doc.short_description = non_empty(summary.join(" "));
    doc.long_description = non_empty(dedent_lines(&lines[first_end..]));
}

fn is_equals_underline(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 3 && t.bytes().all(|b| b == b'=')
}

/// Appends text found after the sections (or between fields) to the long description.
pub(crate) fn append_long(doc: &mut Docstring, text: String) {
    if text.trim().is_empty() {
        return;
    }
    doc.long_description = Some(match doc.long_description.take() {
        Some(long) => format!("{long}\n\n{text}"),
        None => text,
    });
}

/// Takes a leading call signature (`add(x1, x2, /, ...)` in NumPy ufuncs, `dict(mapping) ->
/// new dictionary` in builtins) off the docstring; returns the index of the first line left.
fn signature(lines: &[&str], doc: &mut Docstring) -> usize {
    let Some(first) = lines.first() else { return 0 };
    let end = lines.iter().position(|l| is_blank(l)).unwrap_or(lines.len());
    let para = &lines[..end];
    // A long signature wraps: `einsum(subscripts, *operands, ...,\n       casting='safe')`.
    let joined = para.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
    let wrapped = para.len() > 1 && !looks_like_signature(first) && looks_like_signature(&joined);
    if !looks_like_signature(first) && !wrapped {
        return 0;
    }
    if wrapped || para.iter().skip(1).all(|l| looks_like_signature(l) || indent(l) > 0) {
        doc.signature = Some(para.iter().map(|l| l.trim()).collect::<Vec<_>>().join("\n"));
        end
    } else {
        0
    }
}

fn looks_like_signature(line: &str) -> bool {
    let t = line.trim();
    let Some(open) = t.find('(') else { return false };
    let name = &t[..open];
    if name.is_empty()
        || !name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
        || !name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.')
    {
        return false;
    }
    let Some(close) = matching_paren(t, open) else { return false };
    let after = t[close + 1..].trim();
    after.is_empty() || after.starts_with("->")
}

fn matching_paren(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (i, c) in s[open..].char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => {
                depth -= 1;
                if depth == 0 {
                    return (c == ')').then_some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Derives the shared views: doctest snippets, notes, deprecation.
fn finish(doc: &mut Docstring) {
    let mut examples = Vec::new();
    if let Some(long) = &doc.long_description {
        doctests(long, &mut examples);
    }
    for section in &doc.sections {
        doctests(&section.body, &mut examples);
    }
    doc.examples = examples;
    let notes: Vec<&str> =
        doc.sections.iter().filter(|s| s.kind == SectionKind::Notes).map(|s| s.body.as_str()).collect();
    if !notes.is_empty() {
        doc.notes = Some(notes.join("\n\n"));
    }
    if doc.deprecated.is_none() {
        doc.deprecated = doc.long_description.as_deref().and_then(deprecated_directive);
    }
}

/// Collects `>>>` blocks: the prompt lines and the output that follows, up to a blank line.
fn doctests(text: &str, out: &mut Vec<String>) {
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with(">>>") || (!current.is_empty() && !is_blank(line)) {
            current.push(line);
        } else if !current.is_empty() {
            out.push(dedent_lines(&current));
            current.clear();
        }
    }
    if !current.is_empty() {
        out.push(dedent_lines(&current));
    }
}

/// The text of a `.. deprecated:: version` directive in the description.
fn deprecated_directive(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let i = lines.iter().position(|l| l.trim_start().starts_with(".. deprecated::"))?;
    let head = lines[i].trim_start().trim_start_matches(".. deprecated::").trim();
    let base = indent(lines[i]);
    let body: Vec<&str> = lines[i + 1..].iter().take_while(|l| is_blank(l) || indent(l) > base).copied().collect();
    let body = dedent_lines(&body);
    let text = match (head.is_empty(), body.is_empty()) {
        (true, _) => body,
        (false, true) => head.to_string(),
        (false, false) => format!("{head}\n{body}"),
    };
    Some(text)
}

/// A free-text section.
pub(crate) fn free_section(kind: SectionKind, title: &str, body: String) -> Section {
    Section { kind, title: title.trim().trim_end_matches(':').trim().to_string(), body }
}
