//! Sphinx/reST field lists (`:param x:`) and Epytext tags (`@param x:`): the same shape with
//! a different marker, so one parser serves both.

use std::collections::HashMap;

use super::{append_long, default_in_description, free_section, set_description, type_spec};
use crate::model::{Docstring, Param, Raises, Returns, SectionKind};
use crate::text::{dedent_lines, indent, is_blank, non_empty};

/// A field line split into its words (`param int x`) and the text after the closing colon.
fn field(line: &str, marker: char) -> Option<(Vec<&str>, &str)> {
    let t = line.trim_start();
    let rest = t.strip_prefix(marker)?;
    if marker == '@' {
        if let Some(found) = colonless_tag(rest) {
            return Some(found);
        }
    }
    let close = rest.find(':')?;
    let spec = &rest[..close];
    let after = &rest[close + 1..];
    // `:math:`x`` at the start of a line is a role, not a field.
    if after.starts_with('`') {
        return None;
    }
    let words: Vec<&str> = spec.split_whitespace().collect();
    let key = words.first()?;
    if !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    Some((words, after.trim()))
}

/// Old Epytext without the colon, as in the standard library's `trace.Trace`:
/// `@param count true iff it should count`.
fn colonless_tag(rest: &str) -> Option<(Vec<&str>, &str)> {
    let mut words = rest.splitn(3, char::is_whitespace);
    let key = words.next()?;
    let named = matches!(key, "param" | "keyword" | "type" | "ivar" | "cvar" | "var" | "raise" | "raises");
    let unnamed = matches!(key, "return" | "returns" | "rtype");
    if named {
        let name = words.next()?;
        if name.is_empty() || name.contains(':') || !name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '*') {
            return None;
        }
        let desc = words.next().unwrap_or("").trim();
        if desc.starts_with(':') {
            return None;
        }
        return Some((vec![key, name], desc));
    }
    if unnamed && !rest[key.len()..].trim_start().starts_with(':') {
        return Some((vec![key], rest[key.len()..].trim()));
    }
    None
}

pub(super) fn parse(lines: &[&str], doc: &mut Docstring, marker: char) {
    let first = lines.iter().position(|l| field(l, marker).is_some()).unwrap_or(lines.len());
    set_description(&lines[..first], doc);
    let mut types: HashMap<String, String> = HashMap::new();
    let mut attr_types: HashMap<String, String> = HashMap::new();
    let mut rtype: Option<String> = None;
    let mut ytype: Option<String> = None;
    let mut stray: Vec<&str> = Vec::new();
    let mut i = first;
    while i < lines.len() {
        let Some((words, head)) = field(lines[i], marker) else {
            stray.push(lines[i]);
            i += 1;
            continue;
        };
        let base = indent(lines[i]);
        let mut end = i + 1;
        while end < lines.len() && field(lines[end], marker).is_none() {
            let line = lines[end];
            if !is_blank(line) && indent(line) <= base && is_blank(lines[end - 1]) {
                break;
            }
            end += 1;
        }
        let more = dedent_lines(&lines[i + 1..end]);
        let text = match (head.is_empty(), more.is_empty()) {
            (_, true) => head.to_string(),
            (true, false) => more,
            (false, false) => format!("{head}\n{more}"),
        };
        let desc = non_empty(text);
        let arg = |n: usize| words.get(n).map(|s| s.to_string());
        match words[0] {
            "param" | "parameter" | "arg" | "argument" | "key" | "keyword" if words.len() >= 2 => {
                let name = words[words.len() - 1].to_string();
                let declared = (words.len() > 2).then(|| words[1..words.len() - 1].join(" "));
                let (type_name, optional, default) = declared.as_deref().map(type_spec).unwrap_or((None, false, None));
                let default = default.or_else(|| desc.as_deref().and_then(default_in_description));
                doc.params.push(Param { name, type_name, description: desc, optional, default });
            }
            "type" | "kwtype" if words.len() >= 2 => {
                types.insert(words[1..].join(" "), desc.unwrap_or_default());
            }
            "var" | "ivar" | "cvar" if words.len() >= 2 => {
                let name = words[words.len() - 1].to_string();
                doc.attributes.push(Param { name, description: desc, ..Param::default() });
            }
            "vartype" if words.len() >= 2 => {
                attr_types.insert(words[1..].join(" "), desc.unwrap_or_default());
            }
            "returns" | "return" => {
                doc.returns.push(Returns { name: None, type_name: arg(1), description: desc });
            }
            "rtype" => rtype = desc,
            "yields" | "yield" => doc.yields.push(Returns { name: None, type_name: arg(1), description: desc }),
            "ytype" => ytype = desc,
            "raises" | "raise" | "except" | "exception" => {
                doc.raises.push(Raises { type_name: words[1..].join(" "), description: desc });
            }
            "deprecated" => doc.deprecated = desc.or_else(|| Some(String::new())),
            "meta" => {}
            key => {
                let kind = match key.to_ascii_lowercase().as_str() {
                    "note" | "notes" => SectionKind::Notes,
                    "example" | "examples" => SectionKind::Examples,
                    "warning" | "warnings" | "warn" => SectionKind::Warnings,
                    "todo" => SectionKind::Todo,
                    _ => SectionKind::Other,
                };
                let mut title = words.join(" ");
                if let Some(c) = title.get(..1) {
                    title = c.to_uppercase() + &title[1..];
                }
                doc.sections.push(free_section(kind, &title, desc.unwrap_or_default()));
            }
        }
        i = end;
    }
    apply_types(&mut doc.params, &types);
    apply_types(&mut doc.attributes, &attr_types);
    attach(&mut doc.returns, rtype);
    attach(&mut doc.yields, ytype);
    append_long(doc, dedent_lines(&stray));
}

fn apply_types(params: &mut [Param], types: &HashMap<String, String>) {
    for p in params {
        if p.type_name.is_none() {
            if let Some(t) = types.get(&p.name) {
                let (type_name, optional, default) = type_spec(t);
                p.type_name = type_name;
                p.optional |= optional;
                p.default = p.default.take().or(default);
            }
        }
    }
}

/// `:rtype:` gives the type of `:returns:`, or stands alone when there is no description.
fn attach(values: &mut Vec<Returns>, declared: Option<String>) {
    let Some(t) = declared else { return };
    match values.first_mut() {
        Some(r) if r.type_name.is_none() => r.type_name = Some(t),
        Some(_) => {}
        None => values.push(Returns { name: None, type_name: Some(t), description: None }),
    }
}

#[cfg(test)]
mod tests {
    use crate::{parse, Style};

    #[test]
    fn sphinx_fields() {
        let d = parse(
            "Send a request.

            :param method: method for the new Request.
            :param url: URL for the new Request,
                continued.
            :type url: str, optional
            :param int timeout: seconds.
            :returns: the response
            :rtype: Response
            :raises ValueError: on a bad URL.
            ",
        );
        assert_eq!(d.style, Style::Sphinx);
        let names: Vec<_> = d.params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["method", "url", "timeout"]);
        assert_eq!(d.params[1].type_name.as_deref(), Some("str"));
        assert!(d.params[1].optional);
        assert_eq!(d.params[1].description.as_deref(), Some("URL for the new Request,\ncontinued."));
        assert_eq!(d.params[2].type_name.as_deref(), Some("int"));
        assert_eq!(d.returns[0].type_name.as_deref(), Some("Response"));
        assert_eq!(d.raises[0].type_name, "ValueError");
    }

    #[test]
    fn epytext_tags() {
        let d = parse("Add.\n\n@param x: first\n@type x: int\n@return: the sum\n@rtype: int\n@raise TypeError: bad\n");
        assert_eq!(d.style, Style::Epytext);
        assert_eq!(d.params[0].type_name.as_deref(), Some("int"));
        assert_eq!(d.returns[0].description.as_deref(), Some("the sum"));
        assert_eq!(d.returns[0].type_name.as_deref(), Some("int"));
        assert_eq!(d.raises[0].type_name, "TypeError");
    }

    #[test]
    fn epytext_without_colons() {
        let d = parse("\n        @param count true iff it should count\n                     each line\n        @param trace print lines\n        ");
        assert_eq!(d.style, Style::Epytext);
        let names: Vec<_> = d.params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["count", "trace"]);
        assert_eq!(d.params[0].description.as_deref(), Some("true iff it should count\neach line"));
    }

    #[test]
    fn role_at_line_start_is_not_a_field() {
        let d = parse("X.\n\n:math:`a+b` is\n:param a: one\n");
        assert_eq!(d.params.len(), 1);
    }
}
