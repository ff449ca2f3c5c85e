//! A generated `#[python_module]` call against the same call written by hand in pyo3 with a
//! cached callable, in the same run.

use criterion::{criterion_group, criterion_main, Criterion};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use snakebridge::{args, python_module, Value};

#[python_module("math")]
mod math {}

#[python_module("json", include = ["dumps", "loads", "JSONDecodeError"])]
mod json {}

fn hand_written_sqrt(x: f64) -> f64 {
    static SQRT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    Python::attach(|py| {
        let f = SQRT.get_or_init(py, || py.import("math").unwrap().getattr("sqrt").unwrap().unbind());
        f.bind(py).call1((x,)).unwrap().extract::<f64>().unwrap()
    })
}

fn hand_written_isclose(a: f64, b: f64) -> bool {
    static ISCLOSE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    Python::attach(|py| {
        let f = ISCLOSE.get_or_init(py, || py.import("math").unwrap().getattr("isclose").unwrap().unbind());
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item("rel_tol", 1e-9).unwrap();
        f.bind(py).call((a, b), Some(&kwargs)).unwrap().extract::<bool>().unwrap()
    })
}

fn bench(c: &mut Criterion) {
    // Start the interpreter and fill both caches before timing.
    let _: Value = math::sqrt(2.0).unwrap();
    let _ = hand_written_sqrt(2.0);

    let mut group = c.benchmark_group("math.sqrt");
    group.bench_function("generated", |b| b.iter(|| math::sqrt(std::hint::black_box(2.0)).unwrap()));
    group.bench_function("pyo3 cached callable", |b| b.iter(|| hand_written_sqrt(std::hint::black_box(2.0))));
    group.finish();

    let mut group = c.benchmark_group("math.isclose rel_tol=");
    group.bench_function("generated _with", |b| {
        b.iter(|| math::isclose_with(std::hint::black_box(1.0), 1.0, args!(rel_tol = 1e-9)).unwrap())
    });
    group.bench_function("pyo3 cached callable", |b| b.iter(|| hand_written_isclose(std::hint::black_box(1.0), 1.0)));
    group.finish();

    let mut group = c.benchmark_group("json.loads");
    group.bench_function("generated", |b| b.iter(|| json::loads(std::hint::black_box("[1, 2, 3]")).unwrap()));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
