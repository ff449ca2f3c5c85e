//! Style detection: each convention has markers that the others lack; the style with the
//! most markers wins, ties going to the stricter markers (NumPy underlines, then Google
//! titles, then Sphinx fields, then Epytext tags).

use crate::heading::{classify, is_dash_underline};
use crate::model::Style;
use crate::text::{cleandoc, indent, is_blank};

/// The style `raw` (a `__doc__` as Python gives it) is written in.
pub fn detect_style(raw: &str) -> Style {
    let text = cleandoc(raw);
    let lines: Vec<&str> = text.lines().collect();
    detect_lines(&lines)
}

pub(crate) fn detect_lines(lines: &[&str]) -> Style {
    let mut numpy = 0usize;
    let mut google = 0usize;
    let mut sphinx = 0usize;
    let mut epytext = 0usize;
    for (i, line) in lines.iter().enumerate() {
        let next = lines.get(i + 1).copied().unwrap_or("");
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if is_dash_underline(next) && classify(t).is_some() {
            numpy += 1;
        } else if is_google_title(lines, i) {
            google += 1;
        } else if field_name(t, ':').is_some_and(is_sphinx_field) {
            sphinx += 1;
        } else if field_name(t, '@').is_some_and(is_epytext_field) {
            epytext += 1;
        }
    }
    let best = numpy.max(google).max(sphinx).max(epytext);
    if best == 0 {
        Style::Plain
    } else if numpy == best {
        Style::Numpy
    } else if google == best {
        Style::Google
    } else if sphinx == best {
        Style::Sphinx
    } else {
        Style::Epytext
    }
}

/// A Google title: `Args:` alone on its line, with more indented content after it (so
/// that prose such as "Returns:" at the end of a sentence does not count).
pub(crate) fn is_google_title(lines: &[&str], i: usize) -> bool {
    let line = lines[i];
    let t = line.trim();
    if !t.ends_with(':') || t.starts_with(':') || classify(t).is_none() {
        return false;
    }
    lines[i + 1..].iter().find(|l| !is_blank(l)).is_some_and(|next| indent(next) > indent(line))
}

/// The first word of a field line (`:param x:` gives `param`, `@return:` gives `return`).
pub(crate) fn field_name(trimmed: &str, marker: char) -> Option<&str> {
    let rest = trimmed.strip_prefix(marker)?;
    let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let (name, after) = rest.split_at(end);
    if name.is_empty() {
        return None;
    }
    // `:param x:` has a space or the closing colon right after the field name.
    match after.chars().next() {
        Some(':') | Some(' ') => Some(name),
        _ => None,
    }
}

pub(crate) fn is_sphinx_field(name: &str) -> bool {
    matches!(
        name,
        "param"
            | "parameter"
            | "arg"
            | "argument"
            | "key"
            | "keyword"
            | "type"
            | "raises"
            | "raise"
            | "except"
            | "exception"
            | "returns"
            | "return"
            | "rtype"
            | "yields"
            | "yield"
            | "ytype"
            | "var"
            | "ivar"
            | "cvar"
            | "vartype"
    )
}

pub(crate) fn is_epytext_field(name: &str) -> bool {
    matches!(
        name,
        "param"
            | "type"
            | "keyword"
            | "kwtype"
            | "return"
            | "returns"
            | "rtype"
            | "raise"
            | "raises"
            | "ivar"
            | "cvar"
            | "var"
            | "yield"
            | "ytype"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_style_is_recognised() {
        assert_eq!(detect_style("Sum.\n\nParameters\n----------\na : int\n    x"), Style::Numpy);
        assert_eq!(detect_style("Sum.\n\nArgs:\n    a (int): x\n"), Style::Google);
        assert_eq!(detect_style("Sum.\n\n:param a: x\n:returns: y"), Style::Sphinx);
        assert_eq!(detect_style("Sum.\n\n@param a: x\n@return: y"), Style::Epytext);
        assert_eq!(detect_style("Just prose. Returns: nothing."), Style::Plain);
        assert_eq!(detect_style(""), Style::Plain);
    }

    #[test]
    fn prose_title_without_indented_body_is_not_google() {
        assert_eq!(detect_style("Sum.\n\nExample:\nnone here"), Style::Plain);
    }
}
