//! What one call of `math.sqrt(16.0)` costs through each path, measured in one run so the
//! ratios in `docs/performance.md` compare like with like.
//!
//! Every variant attaches to the interpreter per call, as a Rust caller that does not already
//! hold the GIL must: the difference between them is the lookup and the conversions.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};

#[path = "support/clock.rs"]
mod clock;
use clock::Clock;
use pyo3::prelude::*;
use snakebridge::__private::CachedFunction;

static SQRT: CachedFunction = CachedFunction::new("math", "sqrt");

fn math_sqrt(c: &mut Criterion<Clock>) {
    // Start the interpreter the way a snakebridge user does, and check every path agrees.
    assert_eq!(snakebridge::call("math", "sqrt", (16.0,)).unwrap().extract::<f64>().unwrap(), 4.0);
    let cached: Py<PyAny> =
        Python::attach(|py| py.import("math").and_then(|m| m.getattr("sqrt")).map(Bound::unbind)).unwrap();
    steady_state();

    let mut group = c.benchmark_group("math_sqrt");

    group.bench_function("pyo3_cached_callable", |b| {
        b.iter(|| Python::attach(|py| cached.call1(py, (black_box(16.0),)).and_then(|r| r.extract::<f64>(py))).unwrap())
    });

    group.bench_function("snakebridge_cached_function", |b| b.iter(|| SQRT.call::<f64>((black_box(16.0),)).unwrap()));

    group.bench_function("snakebridge_call_as", |b| {
        b.iter(|| snakebridge::call_as::<f64>("math", "sqrt", (black_box(16.0),)).unwrap())
    });

    group.bench_function("snakebridge_call", |b| {
        b.iter(|| snakebridge::call("math", "sqrt", (black_box(16.0),)).unwrap().extract::<f64>().unwrap())
    });

    group.bench_function("pyo3_import_getattr_call", |b| {
        b.iter(|| {
            Python::attach(|py| py.import("math")?.getattr("sqrt")?.call1((black_box(16.0),))?.extract::<f64>())
                .unwrap()
        })
    });

    group.finish();
}

/// Puts pyo3 in the state every real program reaches: once any Python object has been dropped
/// while detached (a ref dropped outside a call does that), pyo3 checks its deferred-decref
/// pool on every attach. Without this, whichever variant runs first in the process could skip
/// that check and look faster than the others.
fn steady_state() {
    let obj: Py<PyAny> = Python::attach(|py| py.None());
    drop(obj);
}

criterion_group! {
    name = benches;
    config = clock::criterion();
    targets = math_sqrt
}
criterion_main!(benches);
