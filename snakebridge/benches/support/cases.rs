//! The call cases of issue 12's "Must reach" list, each a snakebridge path and the same work
//! written by hand in pyo3, shared by the instruction-count bench (`benches/instructions.rs`)
//! and the criterion benches that time them.
//!
//! Every function here does one unit of work and returns something the caller feeds to
//! `black_box`. Every variant attaches to the interpreter itself, as Rust code that does not
//! already hold the GIL must; the pyo3 baselines cache what a careful hand-written binding
//! caches (the callable in a `PyOnceLock`, method and keyword names interned).

#![allow(dead_code)] // each bench binary uses the cases it measures

use std::ffi::CString;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule};
use pyo3::{intern, wrap_pyfunction};
use snakebridge::{args, method_as, python_module, Callback, FromPython, Ref, StreamRef, Value};

#[python_module("math", include = ["sqrt"])]
pub mod math {}

#[python_module("builtins", include = ["round"])]
pub mod builtins {}

#[python_module("collections", include = ["deque"])]
pub mod collections {}

/// Calls between two `clear()`s of a deque case, so the deque stays small (its appends then
/// cost the same throughout and memory stays flat).
pub const DEQUE_CLEAR_EVERY: usize = 1024;

// (a) and (c): math.sqrt(16.0).

/// Hand-written pyo3: the callable cached, `call1`, the float extracted.
pub fn pyo3_sqrt(x: f64) -> f64 {
    static SQRT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    Python::attach(|py| {
        let f = SQRT.get_or_init(py, || py.import("math").unwrap().getattr("sqrt").unwrap().unbind());
        f.bind(py).call1((x,)).unwrap().extract::<f64>().unwrap()
    })
}

/// The generated positional call.
pub fn generated_sqrt(x: f64) -> f64 {
    math::sqrt(x).unwrap()
}

/// The dynamic call by module and function name.
pub fn dynamic_sqrt(x: f64) -> f64 {
    snakebridge::call("math", "sqrt", (x,)).unwrap().extract::<f64>().unwrap()
}

// (b): round(x, ndigits=2).

/// Hand-written pyo3: cached callable, a fresh kwargs dict with an interned key, `call`.
pub fn pyo3_round(x: f64) -> f64 {
    static ROUND: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    Python::attach(|py| {
        let f = ROUND.get_or_init(py, || py.import("builtins").unwrap().getattr("round").unwrap().unbind());
        let kwargs = PyDict::new(py);
        kwargs.set_item(intern!(py, "ndigits"), 2).unwrap();
        f.bind(py).call((x,), Some(&kwargs)).unwrap().extract::<f64>().unwrap()
    })
}

/// The generated `_with` call with one keyword.
pub fn generated_round(x: f64) -> f64 {
    builtins::round_with(x, args!(ndigits = 2)).unwrap().extract::<f64>().unwrap()
}

// (d): deque.append(1).

/// A deque made through pyo3, for the hand-written case.
pub fn pyo3_deque() -> Py<PyAny> {
    Python::attach(|py| py.import("collections").unwrap().getattr("deque").unwrap().call0().unwrap().unbind())
}

/// Hand-written pyo3: `call_method1` with an interned name.
pub fn pyo3_append(d: &Py<PyAny>) {
    Python::attach(|py| drop(d.bind(py).call_method1(intern!(py, "append"), (1,)).unwrap()))
}

/// Empties a deque made by [`pyo3_deque`].
pub fn pyo3_clear(d: &Py<PyAny>) {
    Python::attach(|py| drop(d.bind(py).call_method0(intern!(py, "clear")).unwrap()))
}

/// A deque made through the generated class.
pub fn generated_deque() -> collections::deque {
    collections::deque::new().unwrap()
}

/// The generated method call.
pub fn generated_append(d: &collections::deque) {
    d.append(1).unwrap()
}

/// Empties a deque made by [`generated_deque`].
pub fn generated_clear(d: &collections::deque) {
    d.clear().unwrap()
}

/// The dynamic method call on a ref (for comparison; no target of its own).
pub fn dynamic_append(d: &Ref) {
    drop(snakebridge::method(d, "append", (1,)).unwrap())
}

// (e) and (f): Python code that calls back into Rust, and a generator.

const IDIOMS: &str = r#"
def gen(n):
    for i in range(n):
        yield i

def drive(f, n):
    total = 0
    for i in range(n):
        total += f(i)
    return total

def add_one(x):
    return x + 1
"#;

/// The Python module of the callback and generator cases, as a ref and as a pyo3 handle.
pub fn idioms_module() -> (Ref, Py<PyModule>) {
    snakebridge::with_gil(|py| {
        let code = CString::new(IDIOMS).unwrap();
        let m = PyModule::from_code(py, &code, c"sb_bench_cases.py", c"sb_bench_cases")?;
        Ok((Ref::from_python(m.as_any())?, m.unbind()))
    })
    .unwrap()
}

/// The pyo3 side of the callback cases: the same closure as a `#[pyfunction]`.
#[pyfunction]
pub fn add_one_pyo3(x: i64) -> i64 {
    x + 1
}

/// The Rust closure Python calls back, as a snakebridge `Callback`.
pub fn add_one_callback() -> Callback {
    Callback::named("add_one", |x: i64| x + 1)
}

/// `drive(add_one, n)` with the snakebridge callback: n calls from Python into Rust.
pub fn snakebridge_drive(m: &Ref, f: &Callback, n: i64) -> i64 {
    method_as(m, "drive", (f, n)).unwrap()
}

/// The same with a pyo3 `#[pyfunction]` (made once per batch of n calls).
pub fn pyo3_drive(m: &Py<PyModule>, n: i64) -> i64 {
    Python::attach(|py| {
        let f = wrap_pyfunction!(add_one_pyo3, py).unwrap();
        m.bind(py).getattr(intern!(py, "drive")).unwrap().call1((f, n)).unwrap().extract().unwrap()
    })
}

/// Sums `gen(n)` through a `StreamRef<i64>` (default batching).
pub fn stream_ref_sum(m: &Ref, n: i64) -> i64 {
    let s: StreamRef<i64> = method_as(m, "gen", (n,)).unwrap();
    s.map(Result::unwrap).sum()
}

/// Sums `gen(n)` by hand in pyo3: `try_iter`, `extract::<i64>` per item.
pub fn pyo3_iter_sum(m: &Py<PyModule>, n: i64) -> i64 {
    Python::attach(|py| {
        let g = m.bind(py).call_method1(intern!(py, "gen"), (n,)).unwrap();
        g.try_iter().unwrap().map(|item| item.unwrap().extract::<i64>().unwrap()).sum()
    })
}

/// Puts pyo3 in the state every real program reaches (see `call_overhead.rs`): once an object
/// was dropped while detached, every attach checks the deferred-decref pool.
pub fn steady_state() {
    // The interpreter is started the way a snakebridge user starts it.
    let _: Value = snakebridge::call("math", "sqrt", (16.0,)).unwrap();
    let obj: Py<PyAny> = Python::attach(|py| py.None());
    drop(obj);
}

// (g): json.dumps of a 100-element list, uncached and answered from the idempotent cache.

/// The list both json.dumps cases send.
pub fn hundred() -> Vec<i64> {
    (0..100).collect()
}

/// The call as it runs every time.
pub fn dumps_uncached(list: &Vec<i64>) -> usize {
    snakebridge::call_as::<String>("json", "dumps", (list,)).unwrap().len()
}

/// The same call marked idempotent: after the first, a hit.
pub fn dumps_idempotent(list: &Vec<i64>) -> usize {
    snakebridge::call_as::<String>("json", "dumps", snakebridge::Args::new().arg(list).idempotent()).unwrap().len()
}
