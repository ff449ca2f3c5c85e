//! Loads tests/support/docstring_corpus.py into the embedded interpreter and fetches its
//! JSON: real docstrings of the installed numpy and standard library.

use std::path::Path;

use snakebridge::pyo3::prelude::*;

/// Puts tests/support on `sys.path` and imports numpy and the corpus script, once per test
/// binary: test threads importing numpy for the first time at the same moment can see a
/// partially initialised `numpy.linalg` (a CPython import race), so the first import happens
/// here, on one thread.
pub fn setup() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support");
        snakebridge::with_gil(|py| {
            let ready = py
                .import("sys")
                .and_then(|sys| sys.getattr("path"))
                .and_then(|path| path.call_method1("insert", (0, dir.to_string_lossy().as_ref())))
                .and_then(|_| py.import("numpy"))
                .and_then(|_| py.import("docstring_corpus"));
            ready.map(drop).map_err(|e| snakebridge::Error::Interpreter { message: e.to_string() })
        })
        .unwrap_or_else(|e| panic!("{e}; run scripts/test (it installs python/requirements-test.txt into .venv)"));
    });
}

/// Calls `docstring_corpus.<function>()`, which returns a JSON string, and parses it.
pub fn corpus(function: &str) -> Vec<serde_json::Value> {
    setup();
    let json: String = snakebridge::call_as("docstring_corpus", function, ())
        .unwrap_or_else(|e| panic!("docstring_corpus.{function}() failed: {e}; run scripts/test (it installs python/requirements-test.txt into .venv)"));
    serde_json::from_str(&json).expect("the corpus script prints JSON")
}

/// `(qualified name, raw docstring)` pairs.
#[allow(dead_code)] // not every test binary that includes this module needs it
pub fn docstrings(items: &[serde_json::Value]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|i| {
            (i["name"].as_str().unwrap_or_default().to_string(), i["doc"].as_str().unwrap_or_default().to_string())
        })
        .collect()
}
