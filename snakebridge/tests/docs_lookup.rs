//! `snakebridge::docs::get` and `docs::search` against the real interpreter: the standard
//! library and numpy.

use snakebridge::docs::{self, MatchKind};
use snakebridge::Error;

/// Fails clearly when numpy is missing. Through the runtime's import (not `importlib`
/// called from Python), which serialises first imports: a first import of numpy that races
/// with other threads' imports can fail half-way (`NameError: name 'sys' is not defined` was
/// seen on a fresh venv).
fn numpy() {
    snakebridge::call("numpy", "ndim", (0,)).expect("numpy is installed (python/requirements-test.txt)");
}

#[test]
fn get_renders_the_docstring() {
    let md = docs::get("math", "sqrt").unwrap();
    assert!(md.starts_with("Return the square root of x."), "{md}");

    numpy();
    let md = docs::get("numpy", "mean").unwrap();
    assert!(md.starts_with("Compute the arithmetic mean along the specified axis."), "{md}");
    assert!(md.contains("# Arguments") && md.contains("- `a` (`array_like`):"), "{md}");
    assert!(md.contains("```python\n>>> import numpy as np"), "{md}");
}

#[test]
fn get_walks_dotted_names_and_reads_modules() {
    numpy();
    let md = docs::get("numpy", "linalg.norm").unwrap();
    assert!(md.starts_with("Matrix or vector norm."), "{md}");
    let md = docs::get("json", "").unwrap();
    assert!(md.contains("JSON"), "{md}");
    let md = docs::get("collections", "OrderedDict.popitem").unwrap();
    assert!(!md.is_empty());
}

#[test]
fn constants_are_described_by_value_not_by_their_type_docstring() {
    let md = docs::get("math", "pi").unwrap();
    assert!(md.contains("`math.pi` is a Python `float` constant: `3.14159"), "{md}");
    assert_eq!(docs::get_raw("math", "pi").unwrap(), None);
}

#[test]
fn parsed_form_is_available() {
    numpy();
    let doc = docs::get_parsed("numpy", "mean").unwrap();
    assert_eq!(doc.style, docs::Style::Numpy);
    assert_eq!(doc.params[0].name, "a");
    let raw = docs::get_raw("numpy", "mean").unwrap().unwrap();
    assert!(raw.starts_with("Compute the arithmetic mean"));
}

#[test]
fn errors_say_what_to_do() {
    match docs::get("no_such_module_xyz", "f") {
        Err(Error::ModuleNotFound { module, .. }) => assert_eq!(module, "no_such_module_xyz"),
        other => panic!("{other:?}"),
    }
    match docs::get("math", "sqrtt") {
        Err(e @ Error::AttributeNotFound { .. }) => assert!(e.to_string().contains("sqrt"), "{e}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(docs::get("", "x"), Err(Error::ModuleNotFound { .. })));
    assert!(matches!(docs::search("math..x", "sq"), Err(Error::ModuleNotFound { .. })));
}

#[test]
fn search_ranks_prefix_matches_first() {
    let hits = docs::search("math", "sq").unwrap();
    assert_eq!(hits[0].name, "sqrt");
    assert_eq!(hits[0].kind, MatchKind::Prefix);
    assert!(hits.iter().any(|h| h.name == "isqrt" && h.kind == MatchKind::Substring));
    assert!(hits.windows(2).all(|w| w[0].kind <= w[1].kind), "{hits:?}");
    assert_eq!(hits[0].summary.as_deref(), Some("Return the square root of x."));

    numpy();
    let hits = docs::search("numpy", "mean").unwrap();
    assert_eq!((hits[0].name.as_str(), hits[0].kind), ("mean", MatchKind::Exact));
    assert!(hits.iter().any(|h| h.name == "nanmean"));

    // Names that only the summary mentions come last.
    let hits = docs::search("math", "logarithm").unwrap();
    assert!(hits.iter().all(|h| h.kind == MatchKind::Summary) && hits.iter().any(|h| h.name == "log"), "{hits:?}");
    assert!(docs::search("math", "zzzz_nothing").unwrap().is_empty());
    // Short queries match names only: "fu" is in too many summaries to mean anything.
    let hits = docs::search("concurrent.futures", "fu").unwrap();
    assert_eq!(hits[0].name, "Future");
    assert!(hits.iter().all(|h| h.kind != MatchKind::Summary), "{hits:?}");
}
