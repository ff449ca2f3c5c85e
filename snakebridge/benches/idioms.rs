//! Python idioms from Rust against hand-written pyo3, in the same run:
//! iterating a generator of 1,000,000 ints, and Python calling a Rust closure. The Python
//! module and both sides of each case are those of `support/cases.rs`, which the
//! instruction-count bench measures too.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use snakebridge::pyo3::prelude::*;
use snakebridge::{method_as, StreamRef};

#[path = "support/cases.rs"]
mod cases;

const N: i64 = 1_000_000;
const CALLS: i64 = 10_000;

fn generator(c: &mut Criterion) {
    let (m, raw) = cases::idioms_module();
    let mut group = c.benchmark_group("generator_1e6_ints");
    group.sample_size(10).throughput(Throughput::Elements(N as u64));
    group.bench_function("snakebridge_stream_ref", |b| b.iter(|| black_box(cases::stream_ref_sum(&m, N))));
    group.bench_function("snakebridge_stream_ref_unbatched", |b| {
        b.iter(|| {
            let s: StreamRef<i64> = method_as(&m, "gen", (N,)).unwrap();
            black_box(s.batch_size(1).map(Result::unwrap).sum::<i64>())
        })
    });
    group.bench_function("pyo3_hand_written", |b| b.iter(|| black_box(cases::pyo3_iter_sum(&raw, N))));
    group.finish();
}

fn callback(c: &mut Criterion) {
    let (m, raw) = cases::idioms_module();
    let closure = cases::add_one_callback();
    let expected: i64 = (1..=CALLS).sum();
    let mut group = c.benchmark_group("python_calls_back_10k");
    group.throughput(Throughput::Elements(CALLS as u64));
    group.bench_function("snakebridge_callback", |b| {
        b.iter(|| assert_eq!(cases::snakebridge_drive(&m, &closure, CALLS), expected))
    });
    group.bench_function("pyo3_pyfunction", |b| {
        Python::attach(|py| {
            let f = wrap_pyfunction!(cases::add_one_pyo3, py).unwrap();
            let drive = raw.bind(py).getattr("drive").unwrap();
            b.iter(|| {
                let total: i64 = drive.call1((&f, CALLS)).unwrap().extract().unwrap();
                assert_eq!(total, expected);
            })
        })
    });
    group.bench_function("python_function", |b| {
        Python::attach(|py| {
            let m = raw.bind(py);
            let (drive, f) = (m.getattr("drive").unwrap(), m.getattr("add_one").unwrap());
            b.iter(|| {
                let total: i64 = drive.call1((&f, CALLS)).unwrap().extract().unwrap();
                assert_eq!(total, expected);
            })
        })
    });
    group.finish();
}

criterion_group!(benches, generator, callback);
criterion_main!(benches);
