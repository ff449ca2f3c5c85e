//! `python!(math.sqrt(#x))` against hand-written pyo3 with a cached callable, same run.
//!
//! The `inline-python` side of the comparison is a separate project
//! (`benches/inline-python-baseline`: its pyo3 cannot link into this binary);
//! `scripts/bench-python-macro` runs both and prints the ratios.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use snakebridge::python;

fn sqrt(c: &mut Criterion) {
    // Start the interpreter (and the venv discovery) outside the timed loops.
    snakebridge::call("math", "sqrt", (1.0,)).unwrap();
    let mut group = c.benchmark_group("python_macro_sqrt");

    static SQRT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    group.bench_function("pyo3_cached_callable", |b| {
        b.iter(|| {
            let x = black_box(16.0_f64);
            Python::attach(|py| {
                let f = SQRT.import(py, "math", "sqrt")?;
                f.call1((x,))?.extract::<f64>()
            })
            .unwrap()
        })
    });

    group.bench_function("python_macro", |b| {
        b.iter(|| {
            let x = black_box(16.0_f64);
            python!(math.sqrt(#x)).unwrap().extract::<f64>().unwrap()
        })
    });

    group.bench_function("python_macro_block", |b| {
        b.iter(|| {
            let x = black_box(16.0_f64);
            python! {
                import math
                math.sqrt(#x)
            }
            .unwrap()
            .extract::<f64>()
            .unwrap()
        })
    });
    group.finish();
}

fn expressions(c: &mut Criterion) {
    let mut group = c.benchmark_group("python_macro_expr");
    let rows = vec![vec![1_i64, 2, 3], vec![4, 5, 6]];
    let rows = python!(#rows).unwrap();
    let rows = snakebridge::call("builtins", "list", (rows,)).unwrap();
    group.bench_function("index_arith_compare", |b| {
        b.iter(|| {
            let k = black_box(2_i64);
            python!(#rows[1][#k] * 2 + 1 > 10).unwrap()
        })
    });
    group.bench_function("kwargs_call", |b| {
        b.iter(|| {
            let x = black_box(1.23456_f64);
            python!(round(#x, ndigits = 2)).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, sqrt, expressions);
criterion_main!(benches);
