//! `math.sqrt(x)` with a Rust `x` and an `f64` back, through the `inline-python` crate.
//!
//! inline-python cannot return a value from `python!`: the idiom is to assign a variable in a
//! `Context` and read it back with `Context::get`. Two forms are measured: a `Context`
//! reused across calls with `math` imported once (its fastest form), and a fresh `Context`
//! per call (its one-liner form).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use inline_python::{python, Context};

fn sqrt(c: &mut Criterion) {
    let mut group = c.benchmark_group("inline_python_sqrt");

    let ctx = Context::new();
    ctx.run(python! { import math });
    group.bench_function("reused_context", |b| {
        b.iter(|| {
            let x = black_box(16.0_f64);
            ctx.run(python! { result = math.sqrt('x) });
            ctx.get::<f64>("result")
        })
    });

    group.bench_function("fresh_context", |b| {
        b.iter(|| {
            let x = black_box(16.0_f64);
            let c: Context = python! {
                import math
                result = math.sqrt('x)
            };
            c.get::<f64>("result")
        })
    });
    group.finish();
}

criterion_group!(benches, sqrt);
criterion_main!(benches);
