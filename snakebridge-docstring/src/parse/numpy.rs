//! NumPy style (numpydoc): titles underlined with dashes; parameter-like sections hold
//! `name : type` lines at the section's indentation with indented descriptions.

use super::{append_long, default_in_description, free_section, set_description, split_top_level, type_spec};
use crate::heading::{classify, is_dash_underline, Heading};
use crate::model::{Docstring, Param, Raises, Returns, SectionKind, SeeAlso};
use crate::text::{dedent_lines, is_blank, items_by_indent, non_empty};

pub(super) fn parse(lines: &[&str], doc: &mut Docstring) {
    let heads: Vec<usize> = (0..lines.len())
        .filter(|&i| !is_blank(lines[i]) && lines.get(i + 1).is_some_and(|n| is_dash_underline(n)))
        .collect();
    let first = heads.first().copied().unwrap_or(lines.len());
    set_description(&lines[..first], doc);
    for (k, &h) in heads.iter().enumerate() {
        let end = heads.get(k + 1).copied().unwrap_or(lines.len());
        let title = lines[h].trim();
        let body = &lines[(h + 2).min(end)..end];
        section(doc, title, body);
    }
}

fn section(doc: &mut Docstring, title: &str, body: &[&str]) {
    // numpydoc has no "Exceptions" section: module docstrings (numpy.exceptions,
    // numpy.linalg, statistics) use that title to list the exception classes they define.
    let heading = match title.to_ascii_lowercase().as_str() {
        "exceptions" | "except" => None,
        _ => classify(title),
    };
    match heading {
        Some(Heading::Params) => doc.params.extend(params(body)),
        Some(Heading::Attributes) => doc.attributes.extend(params(body)),
        Some(Heading::Returns) => doc.returns.extend(returns(body)),
        Some(Heading::Yields) => doc.yields.extend(returns(body)),
        Some(Heading::Raises) => doc.raises.extend(raises(body)),
        Some(Heading::Warns) => doc.warns.extend(raises(body)),
        Some(Heading::SeeAlso) => doc.see_also.extend(see_also(body)),
        Some(Heading::Deprecated) => doc.deprecated = non_empty(dedent_lines(body)),
        Some(Heading::Free(kind)) => doc.sections.push(free_section(kind, title, dedent_lines(body))),
        None if title.eq_ignore_ascii_case("summary") || title.eq_ignore_ascii_case("extended summary") => {
            append_long(doc, dedent_lines(body))
        }
        None => doc.sections.push(free_section(SectionKind::Other, title, dedent_lines(body))),
    }
}

/// Splits `name : type` at the first colon; names never hold one, types may (`dict[str: int]`
/// does not occur, but `callable : f(x) -> y` notes do).
fn name_and_type(head: &str) -> (&str, Option<&str>) {
    match head.find(':') {
        Some(i) => (head[..i].trim(), Some(head[i + 1..].trim())),
        None => (head.trim(), None),
    }
}

pub(super) fn params(body: &[&str]) -> Vec<Param> {
    items_by_indent(body)
        .into_iter()
        .map(|(head, rest)| {
            let (name, ty) = name_and_type(head);
            let (type_name, optional, mut default) = ty.map(type_spec).unwrap_or((None, false, None));
            let description = non_empty(dedent_lines(&rest));
            if default.is_none() {
                default = description.as_deref().and_then(default_in_description);
            }
            Param { name: name.to_string(), type_name, description, optional, default }
        })
        .collect()
}

fn returns(body: &[&str]) -> Vec<Returns> {
    items_by_indent(body)
        .into_iter()
        .map(|(head, rest)| {
            let (name, ty) = match name_and_type(head) {
                (name, Some(ty)) => (Some(name.to_string()), ty),
                (ty, None) => (None, ty),
            };
            Returns {
                name: name.filter(|n| !n.is_empty()),
                type_name: (!ty.is_empty()).then(|| ty.to_string()),
                description: non_empty(dedent_lines(&rest)),
            }
        })
        .collect()
}

fn raises(body: &[&str]) -> Vec<Raises> {
    items_by_indent(body)
        .into_iter()
        .map(|(head, rest)| Raises { type_name: head.to_string(), description: non_empty(dedent_lines(&rest)) })
        .collect()
}

fn see_also(body: &[&str]) -> Vec<SeeAlso> {
    items_by_indent(body)
        .into_iter()
        .map(|(head, rest)| {
            let (names, first) = match head.find(" :").or_else(|| head.find(": ")) {
                Some(i) => (&head[..i], head[i..].trim_start_matches([' ', ':']).trim()),
                None => (head, ""),
            };
            let mut description = first.to_string();
            let more = dedent_lines(&rest);
            if !more.is_empty() {
                if !description.is_empty() {
                    description.push('\n');
                }
                description.push_str(&more);
            }
            SeeAlso {
                names: split_top_level(names, ',')
                    .iter()
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty())
                    .collect(),
                description: non_empty(description),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::{parse, Style};

    #[test]
    fn wrapped_signature_line() {
        let d = parse("einsum(subscripts, *operands, out=None,\n       casting='safe')\n\nEvaluates.\n");
        assert_eq!(d.signature.as_deref(), Some("einsum(subscripts, *operands, out=None,\ncasting='safe')"));
        assert_eq!(d.short_description.as_deref(), Some("Evaluates."));
    }

    const DOC: &str = "Compute the mean.

    Longer text.

    Parameters
    ----------
    a : array_like
        Array containing numbers.
    axis : None or int or tuple of ints, optional
        Axis or axes. The default is to compute the mean of the flattened array.
    dtype : data-type, default: None
        Type to use.

    Returns
    -------
    m : ndarray, see dtype parameter above
        A new array.

    Raises
    ------
    ValueError
        If bad.

    See Also
    --------
    average : Weighted average
    std, var

    Notes
    -----
    The arithmetic mean.

    Examples
    --------
    >>> np.mean([1, 2])
    1.5
    ";

    #[test]
    fn numpy_sections() {
        let d = parse(DOC);
        assert_eq!(d.style, Style::Numpy);
        assert_eq!(d.short_description.as_deref(), Some("Compute the mean."));
        assert_eq!(d.long_description.as_deref(), Some("Longer text."));
        let names: Vec<_> = d.params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["a", "axis", "dtype"]);
        assert!(d.params[1].optional);
        assert_eq!(d.params[1].type_name.as_deref(), Some("None or int or tuple of ints"));
        assert_eq!(d.params[2].default.as_deref(), Some("None"));
        assert_eq!(d.returns[0].name.as_deref(), Some("m"));
        assert_eq!(d.raises[0].type_name, "ValueError");
        assert_eq!(d.see_also.len(), 2);
        assert_eq!(d.see_also[1].names, ["std", "var"]);
        assert_eq!(d.notes.as_deref(), Some("The arithmetic mean."));
        assert_eq!(d.examples, [">>> np.mean([1, 2])\n1.5"]);
    }
}
