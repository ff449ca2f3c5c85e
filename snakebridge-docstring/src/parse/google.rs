//! Google style: `Title:` lines with an indented body; entries `name (type): description`
//! whose continuation lines are indented further.

use super::{append_long, default_in_description, free_section, set_description, type_spec};
use crate::detect::is_google_title;
use crate::heading::{classify, Heading};
use crate::model::{Docstring, Param, Raises, Returns, SectionKind};
use crate::text::{dedent_lines, indent, is_blank, items_by_indent, non_empty};

pub(super) fn parse(lines: &[&str], doc: &mut Docstring) {
    let first = (0..lines.len()).find(|&i| is_google_title(lines, i)).unwrap_or(lines.len());
    set_description(&lines[..first], doc);
    let mut i = first;
    let mut stray: Vec<&str> = Vec::new();
    while i < lines.len() {
        if !is_google_title(lines, i) {
            stray.push(lines[i]);
            i += 1;
            continue;
        }
        let base = indent(lines[i]);
        let title = lines[i].trim();
        let mut end = i + 1;
        while end < lines.len() && (is_blank(lines[end]) || indent(lines[end]) > base) {
            end += 1;
        }
        section(doc, title, &lines[i + 1..end]);
        i = end;
    }
    append_long(doc, dedent_lines(&stray));
}

fn section(doc: &mut Docstring, title: &str, body: &[&str]) {
    match classify(title) {
        Some(Heading::Params) => doc.params.extend(params(body)),
        Some(Heading::Attributes) => doc.attributes.extend(params(body)),
        Some(Heading::Returns) => doc.returns.extend(returns(body)),
        Some(Heading::Yields) => doc.yields.extend(returns(body)),
        Some(Heading::Raises) => doc.raises.extend(raises(body)),
        Some(Heading::Warns) => doc.warns.extend(raises(body)),
        Some(Heading::Deprecated) => doc.deprecated = non_empty(dedent_lines(body)),
        Some(Heading::SeeAlso) => doc.sections.push(free_section(SectionKind::Other, title, dedent_lines(body))),
        Some(Heading::Free(kind)) => doc.sections.push(free_section(kind, title, dedent_lines(body))),
        None => doc.sections.push(free_section(SectionKind::Other, title, dedent_lines(body))),
    }
}

/// The first colon outside brackets: `x (Dict[str, int]): text` splits after `)`.
fn entry_colon(head: &str) -> Option<usize> {
    let mut depth = 0i32;
    for (i, c) in head.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ':' if depth <= 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// The description of an entry: the text after the colon and the indented lines below.
fn description(first: &str, rest: &[&str]) -> Option<String> {
    let more = dedent_lines(rest);
    let text = match (first.is_empty(), more.is_empty()) {
        (_, true) => first.to_string(),
        (true, false) => more,
        (false, false) => format!("{first}\n{more}"),
    };
    non_empty(text)
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '*' | '.' | ',' | ' '))
}

fn params(body: &[&str]) -> Vec<Param> {
    let mut out: Vec<Param> = Vec::new();
    for (head, rest) in items_by_indent(body) {
        let (before, first) = match entry_colon(head) {
            Some(i) => (head[..i].trim(), head[i + 1..].trim()),
            None => (head.trim(), ""),
        };
        let (name, ty) = match (before.find('('), before.rfind(')')) {
            (Some(o), Some(c)) if c > o => (before[..o].trim(), Some(&before[o + 1..c])),
            _ => (before, None),
        };
        if !is_name(name) || (entry_colon(head).is_none() && name.contains(' ')) {
            // Prose at the entry indentation continues the previous entry.
            if let Some(last) = out.last_mut() {
                let extra = description(head, &rest).unwrap_or_default();
                last.description = non_empty(format!("{}\n{}", last.description.take().unwrap_or_default(), extra));
            }
            continue;
        }
        let (type_name, optional, mut default) = ty.map(type_spec).unwrap_or((None, false, None));
        let description = description(first, &rest);
        if default.is_none() {
            default = description.as_deref().and_then(default_in_description);
        }
        out.push(Param { name: name.to_string(), type_name, description, optional, default });
    }
    out
}

/// `Returns:` holds one value: `type: description`, or just a description.
fn returns(body: &[&str]) -> Vec<Returns> {
    let text = dedent_lines(body);
    if text.is_empty() {
        return Vec::new();
    }
    let first_line = text.lines().next().unwrap_or("");
    let typed = entry_colon(first_line).filter(|&i| {
        let before = &first_line[..i];
        !before.trim().is_empty() && (!before.contains(' ') || before.contains(']'))
    });
    match typed {
        Some(i) => {
            let rest: Vec<&str> = text.lines().skip(1).collect();
            vec![Returns {
                name: None,
                type_name: Some(first_line[..i].trim().to_string()),
                description: description(first_line[i + 1..].trim(), &rest),
            }]
        }
        None => vec![Returns { name: None, type_name: None, description: Some(text) }],
    }
}

fn raises(body: &[&str]) -> Vec<Raises> {
    items_by_indent(body)
        .into_iter()
        .map(|(head, rest)| match entry_colon(head) {
            Some(i) => Raises {
                type_name: head[..i].trim().to_string(),
                description: description(head[i + 1..].trim(), &rest),
            },
            None => Raises { type_name: head.trim().to_string(), description: description("", &rest) },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::{parse, Style};

    #[test]
    fn google_sections() {
        let d = parse(
            "Fetch rows.

            Retrieves rows.

            Args:
                table (Table): An open table.
                keys (Sequence[str], optional): Keys to fetch.
                    Continued here.
                strict: Whether to fail. Defaults to False.

            Returns:
                dict: A mapping of keys to rows.

            Raises:
                IOError: An error occurred.
            ",
        );
        assert_eq!(d.style, Style::Google);
        let names: Vec<_> = d.params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["table", "keys", "strict"]);
        assert_eq!(d.params[1].type_name.as_deref(), Some("Sequence[str]"));
        assert!(d.params[1].optional);
        assert_eq!(d.params[1].description.as_deref(), Some("Keys to fetch.\nContinued here."));
        assert_eq!(d.params[2].default.as_deref(), Some("False"));
        assert_eq!(d.returns[0].type_name.as_deref(), Some("dict"));
        assert_eq!(d.raises[0].type_name, "IOError");
    }

    #[test]
    fn untyped_returns_is_a_description() {
        let d = parse("X.\n\nReturns:\n    The sum of the two values.\n");
        assert_eq!(d.returns[0].type_name, None);
        assert_eq!(d.returns[0].description.as_deref(), Some("The sum of the two values."));
    }
}
