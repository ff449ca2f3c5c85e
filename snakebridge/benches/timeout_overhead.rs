//! What timeouts and telemetry cost a plain call: a call under the default profile (armed with
//! the 120 s limit, no subscriber) against the same call with no limit (not armed) and against
//! hand-written pyo3 with a cached callable, in one run.
//!
//! `cargo bench -p snakebridge --bench timeout_overhead`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use pyo3::prelude::*;
use snakebridge::{call, Args, CachedFunction};

static FLOOR: CachedFunction = CachedFunction::new("math", "floor");

fn bench(c: &mut Criterion) {
    call("math", "floor", (1.5,)).unwrap();
    let mut g = c.benchmark_group("plain call math.floor(1.5)");

    let floor = Python::attach(|py| py.import("math").unwrap().getattr("floor").unwrap().unbind());
    g.bench_function("pyo3, cached callable", |b| {
        b.iter(|| {
            Python::attach(|py| black_box(floor.bind(py).call1((black_box(1.5),)).unwrap().extract::<i64>().unwrap()))
        })
    });
    g.bench_function("CachedFunction, default profile (120 s armed)", |b| {
        b.iter(|| black_box(FLOOR.call::<i64>((black_box(1.5),)).unwrap()))
    });
    g.bench_function("CachedFunction, no timeout (not armed)", |b| {
        b.iter(|| black_box(FLOOR.call::<i64>(Args::new().arg(black_box(1.5)).no_timeout()).unwrap()))
    });
    g.bench_function("CachedFunction, default profile, same Args", |b| {
        b.iter(|| black_box(FLOOR.call::<i64>(Args::new().arg(black_box(1.5))).unwrap()))
    });
    g.bench_function("call(), default profile", |b| {
        b.iter(|| black_box(call("math", "floor", (black_box(1.5),)).unwrap()))
    });
    // Same calls with `batch_job` (no limit) as the default profile: nothing is armed.
    let armed = snakebridge::TimeoutConfig::current().unwrap();
    armed.clone().default_profile("batch_job").install().unwrap();
    g.bench_function("CachedFunction, batch_job default (not armed)", |b| {
        b.iter(|| black_box(FLOOR.call::<i64>((black_box(1.5),)).unwrap()))
    });
    g.bench_function("call(), batch_job default (not armed)", |b| {
        b.iter(|| black_box(call("math", "floor", (black_box(1.5),)).unwrap()))
    });
    armed.install().unwrap();
    g.finish();
}

/// Interleaved A/B rounds, reported as min and median ns per call: on a shared machine the
/// minimum of many short rounds is what the code costs, whatever else is running.
fn interleaved() {
    const ROUNDS: usize = 300;
    const CALLS: u32 = 2000;
    call("math", "floor", (1.5,)).unwrap(); // starts the interpreter
    let floor = Python::attach(|py| py.import("math").unwrap().getattr("floor").unwrap().unbind());
    let armed = snakebridge::TimeoutConfig::current().unwrap();
    let unarmed = armed.clone().default_profile("batch_job");
    let mut times: [Vec<f64>; 3] = Default::default();
    let per_call = |f: &mut dyn FnMut()| {
        let t = std::time::Instant::now();
        for _ in 0..CALLS {
            f();
        }
        t.elapsed().as_nanos() as f64 / f64::from(CALLS)
    };
    for round in 0..ROUNDS {
        for k in 0..3 {
            let which = (k + round) % 3;
            let ns = match which {
                0 => per_call(&mut || {
                    Python::attach(|py| {
                        black_box(floor.bind(py).call1((black_box(1.5),)).unwrap().extract::<i64>().unwrap())
                    });
                }),
                1 => {
                    armed.clone().install().unwrap();
                    per_call(&mut || {
                        black_box(FLOOR.call::<i64>((black_box(1.5),)).unwrap());
                    })
                }
                _ => {
                    unarmed.clone().install().unwrap();
                    per_call(&mut || {
                        black_box(FLOOR.call::<i64>((black_box(1.5),)).unwrap());
                    })
                }
            };
            times[which].push(ns);
        }
    }
    armed.install().unwrap();
    for (name, mut t) in
        ["pyo3, cached callable", "CachedFunction, default profile (armed)", "CachedFunction, batch_job (not armed)"]
            .into_iter()
            .zip(times)
    {
        t.sort_by(f64::total_cmp);
        println!("interleaved {name:<42} min {:>6.1} ns  median {:>6.1} ns", t[0], t[t.len() / 2]);
    }
}

fn bench_all(c: &mut Criterion) {
    interleaved();
    bench(c);
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(2));
    targets = bench_all
}
criterion_main!(benches);
