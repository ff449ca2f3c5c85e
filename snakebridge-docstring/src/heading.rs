//! Section titles: which titles the NumPy and Google conventions know, and what each holds.

use crate::model::SectionKind;

/// What a titled section contains, which decides how its body is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Heading {
    /// `name : type` entries with indented descriptions (Parameters, Other Parameters,
    /// Keyword Arguments, Receives).
    Params,
    /// Entries like parameters, for class attributes.
    Attributes,
    /// Return values.
    Returns,
    /// Yielded values.
    Yields,
    /// Exceptions.
    Raises,
    /// Warnings emitted.
    Warns,
    /// Related names.
    SeeAlso,
    /// A deprecation notice.
    Deprecated,
    /// Free text.
    Free(SectionKind),
}

/// The heading a known title stands for (case-insensitive), `None` for unknown titles.
pub(crate) fn classify(title: &str) -> Option<Heading> {
    let t = title.trim().trim_end_matches(':').trim().to_ascii_lowercase();
    Some(match t.as_str() {
        "parameters" | "params" | "arguments" | "args" | "other parameters" | "other params" | "other arguments"
        | "other args" | "keyword arguments" | "keyword args" | "kwargs" | "keyword parameters" | "receives"
        | "receive" => Heading::Params,
        "attributes" | "attribute" => Heading::Attributes,
        "returns" | "return" => Heading::Returns,
        "yields" | "yield" => Heading::Yields,
        "raises" | "raise" | "exceptions" | "except" => Heading::Raises,
        "warns" | "warn" => Heading::Warns,
        "see also" | "related" => Heading::SeeAlso,
        "deprecated" => Heading::Deprecated,
        "notes" | "note" => Heading::Free(SectionKind::Notes),
        "examples" | "example" => Heading::Free(SectionKind::Examples),
        "warnings" | "warning" => Heading::Free(SectionKind::Warnings),
        "references" | "reference" => Heading::Free(SectionKind::References),
        "todo" => Heading::Free(SectionKind::Todo),
        "methods" => Heading::Free(SectionKind::Methods),
        _ => return None,
    })
}

/// True for a line made only of `-` (at least three): a NumPy section underline.
pub(crate) fn is_dash_underline(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 3 && t.bytes().all(|b| b == b'-')
}
