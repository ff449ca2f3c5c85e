//! Python documentation at run time: the seed's `Docs.get` and `Docs.search`.
//!
//! [`get`] reads an object's docstring from the embedded interpreter and renders it with the
//! same converter the code generator uses for rustdoc (the `snakebridge-docstring` crate,
//! re-exported here), so what `docs::get("numpy", "mean")` prints is what `cargo doc` shows
//! for the generated `np::mean`. [`search`] ranks a module's names for a query: exact
//! name, then names that start with the query, then names that contain it, then names whose
//! summary mentions it.

use pyo3::prelude::*;

use crate::call::resolve::getattr;
use crate::error::{py_err, Error, Result};
use crate::interpreter::with_gil;

pub use snakebridge_docstring::{
    cleandoc, detect_style, parse, parse_as, render, to_rustdoc, Docstring, Param, Raises, RenderOptions, Returns,
    Section, SectionKind, SeeAlso, Style,
};

/// The documentation of `module.name` as rustdoc-ready Markdown.
///
/// `name` may be dotted (`"linalg.norm"`, `"ndarray.sum"`) and may be empty for the module
/// itself. An object without a docstring gives an empty string; a plain value (a constant
/// such as `math.pi`) is described by its type and value instead of its type's docstring.
///
/// ```
/// let md = snakebridge_runtime::docs::get("math", "sqrt")?;
/// assert!(md.starts_with("Return the square root of x."));
/// # Ok::<(), snakebridge_runtime::Error>(())
/// ```
pub fn get(module: &str, name: &str) -> Result<String> {
    let doc = lookup(module, name)?;
    Ok(match doc {
        Found::Doc(raw) => to_rustdoc(&raw),
        Found::Value { type_name, repr } => {
            let path = if name.is_empty() { module.to_string() } else { format!("{module}.{name}") };
            format!("`{path}` is a Python `{type_name}` constant: `{}`.", repr.replace('`', "'"))
        }
        Found::Nothing => String::new(),
    })
}

/// The raw `__doc__` of `module.name` (cleaned as `inspect.getdoc` does), `None` when it has
/// none or is a plain value.
pub fn get_raw(module: &str, name: &str) -> Result<Option<String>> {
    Ok(match lookup(module, name)? {
        Found::Doc(raw) => Some(raw),
        _ => None,
    })
}

/// The parsed docstring of `module.name`, for code that wants the parameters or returns
/// rather than Markdown.
pub fn get_parsed(module: &str, name: &str) -> Result<Docstring> {
    Ok(get_raw(module, name)?.map(|raw| parse(&raw)).unwrap_or_default())
}

/// How a [`SearchHit`] matched; earlier variants rank higher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchKind {
    /// The name is the query (ignoring case).
    Exact,
    /// The name starts with the query.
    Prefix,
    /// The name contains the query.
    Substring,
    /// The summary line of the docstring contains the query.
    Summary,
}

/// One result of [`search`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    /// The public name in the module.
    pub name: String,
    /// The first line of its documentation, in Markdown.
    pub summary: Option<String>,
    /// Why it matched.
    pub kind: MatchKind,
}

/// The public names of `module` that match `query` (case-insensitive), best first: exact,
/// prefix, substring, then names whose summary has a word starting with the query (for
/// queries of three letters or more); shorter names first within a kind. Searching `"sq"`
/// in `math` gives `sqrt` before `isqrt`. An empty query lists every public name.
pub fn search(module: &str, query: &str) -> Result<Vec<SearchHit>> {
    let q = query.trim().to_lowercase();
    let entries: Vec<(String, Option<String>)> = with_gil(|py| {
        let m = import(py, module)?;
        let names: Vec<String> = m.dir().map_err(|e| py_err(py, e))?.iter().filter_map(|n| n.extract().ok()).collect();
        Ok(names
            .into_iter()
            .filter(|n| !n.starts_with('_') || q.starts_with('_'))
            .map(|n| {
                let doc = m.getattr(n.as_str()).ok().and_then(|obj| own_doc(py, &obj));
                (n, doc)
            })
            .collect())
    })?;
    let mut hits: Vec<SearchHit> = entries
        .into_iter()
        .filter_map(|(name, doc)| {
            let lower = name.to_lowercase();
            let summary = doc.as_deref().and_then(|d| parse(d).short_description);
            let kind = if lower == q {
                MatchKind::Exact
            } else if lower.starts_with(&q) {
                MatchKind::Prefix
            } else if lower.contains(&q) {
                MatchKind::Substring
            } else if q.chars().count() >= 3 && summary.as_deref().is_some_and(|s| mentions(s, &q)) {
                MatchKind::Summary
            } else {
                return None;
            };
            let summary = summary.map(|s| to_rustdoc(&s));
            Some(SearchHit { name, summary, kind })
        })
        .collect();
    hits.sort_by(|a, b| (a.kind, a.name.len(), &a.name).cmp(&(b.kind, b.name.len(), &b.name)));
    Ok(hits)
}

/// A word of `summary` starts with `query` (lowercase): "log" finds "logarithm", not
/// "catalog"; queries under three letters match names only, since they would match
/// nearly every summary.
fn mentions(summary: &str, query: &str) -> bool {
    summary.to_lowercase().split(|c: char| !c.is_alphanumeric() && c != '_').any(|w| w.starts_with(query))
}

enum Found {
    Doc(String),
    Value { type_name: String, repr: String },
    Nothing,
}

fn lookup(module: &str, name: &str) -> Result<Found> {
    with_gil(|py| {
        let mut obj = import(py, module)?;
        let mut owner = module.to_string();
        for part in name.split('.').filter(|p| !p.is_empty()) {
            obj = getattr(&obj, &owner, part)?;
            owner = format!("{owner}.{part}");
        }
        if let Some(doc) = own_doc(py, &obj) {
            return Ok(Found::Doc(doc));
        }
        let is_value = !(obj.is_callable()
            || obj.hasattr("__path__").unwrap_or(false)
            || obj.hasattr("__file__").unwrap_or(false));
        if is_value {
            let type_name = obj.get_type().qualname().map(|s| s.to_string()).unwrap_or_default();
            let repr = obj.repr().map(|r| r.to_string()).unwrap_or_default();
            return Ok(Found::Value { type_name, repr });
        }
        Ok(Found::Nothing)
    })
}

/// `inspect.getdoc(obj)`, except that a plain value (whose doc is its type's) has none.
fn own_doc(py: Python<'_>, obj: &Bound<'_, PyAny>) -> Option<String> {
    let is_plain_value = !obj.is_callable()
        && !obj.is_instance_of::<pyo3::types::PyModule>()
        && !obj.hasattr("fget").unwrap_or(false)
        && obj
            .getattr("__doc__")
            .ok()
            .zip(obj.get_type().getattr("__doc__").ok())
            .is_some_and(|(a, b)| a.eq(&b).unwrap_or(false));
    if is_plain_value {
        return None;
    }
    let inspect = crate::import::import_raw(py, "inspect").ok()?;
    let doc = inspect.call_method1("getdoc", (obj,)).ok()?;
    doc.extract::<String>().ok().filter(|d| !d.trim().is_empty())
}

fn import<'py>(py: Python<'py>, module: &str) -> Result<Bound<'py, PyAny>> {
    if module.is_empty() || module.split('.').any(str::is_empty) {
        return Err(Error::ModuleNotFound { module: module.into(), package: module.into() });
    }
    crate::import::import(py, module).map(Bound::into_any)
}
