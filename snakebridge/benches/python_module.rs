//! A generated `#[python_module]` call against the same call written by hand in pyo3 with a
//! cached callable, in the same run.

use criterion::{criterion_group, criterion_main, Criterion};

#[path = "support/cases.rs"]
mod cases;
#[path = "support/clock.rs"]
mod clock;
use clock::Clock;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use snakebridge::{args, python_module};

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

fn bench(c: &mut Criterion<Clock>) {
    // Start the interpreter and fill both caches before timing.
    let _: f64 = math::sqrt(2.0).unwrap();
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

    let mut group = c.benchmark_group("round ndigits=");
    group.bench_function("generated _with", |b| b.iter(|| cases::generated_round(std::hint::black_box(2.675))));
    group.bench_function("pyo3 cached callable", |b| b.iter(|| cases::pyo3_round(std::hint::black_box(2.675))));
    group.finish();

    // The deques are cleared every `DEQUE_CLEAR_EVERY` appends (iter_custom leaves the clear
    // out of the measured time), so they stay small and memory stays flat.
    let every = cases::DEQUE_CLEAR_EVERY as u64;
    let mut group = c.benchmark_group("deque.append");
    let d = cases::generated_deque();
    group.bench_function("generated method", |b| {
        b.iter_custom(|iters| timed(iters, every, || cases::generated_append(&d), || cases::generated_clear(&d)))
    });
    let d = cases::pyo3_deque();
    group.bench_function("pyo3 call_method1 interned", |b| {
        b.iter_custom(|iters| timed(iters, every, || cases::pyo3_append(&d), || cases::pyo3_clear(&d)))
    });
    let d = snakebridge::call("collections", "deque", ()).unwrap().as_ref().cloned().unwrap();
    group.bench_function("dynamic method()", |b| {
        b.iter_custom(|iters| {
            timed(iters, every, || cases::dynamic_append(&d), || drop(snakebridge::method(&d, "clear", ()).unwrap()))
        })
    });
    group.finish();

    let mut group = c.benchmark_group("json.loads");
    group.bench_function("generated", |b| b.iter(|| json::loads(std::hint::black_box("[1, 2, 3]")).unwrap()));
    group.finish();
}

/// `iters` calls of `f` in the clock of the run, `reset` run untimed every `every` calls.
fn timed(iters: u64, every: u64, mut f: impl FnMut(), mut reset: impl FnMut()) -> std::time::Duration {
    use criterion::measurement::Measurement;
    let clock = clock::measurement();
    let mut total = std::time::Duration::ZERO;
    let mut done = 0;
    while done < iters {
        let chunk = every.min(iters - done);
        let start = clock.start();
        (0..chunk).for_each(|_| f());
        total += clock.end(start);
        reset();
        done += chunk;
    }
    total
}

criterion_group! {
    name = benches;
    config = clock::criterion();
    targets = bench
}
criterion_main!(benches);
