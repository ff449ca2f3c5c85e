//! Python idioms from Rust against hand-written pyo3, in the same run:
//! iterating a generator of 1,000,000 ints, and Python calling a Rust closure.

use std::ffi::CString;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use snakebridge::pyo3::prelude::*;
use snakebridge::pyo3::types::PyModule;
use snakebridge::{method_as, Callback, FromPython, Ref, StreamRef};

const N: i64 = 1_000_000;
const CALLS: i64 = 10_000;

const CODE: &str = r#"
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

fn module() -> (Ref, Py<PyModule>) {
    snakebridge::with_gil(|py| {
        let m = PyModule::from_code(py, &CString::new(CODE).unwrap(), c"sb_bench_idioms.py", c"sb_bench_idioms")?;
        Ok((Ref::from_python(m.as_any())?, m.unbind()))
    })
    .unwrap()
}

#[pyfunction]
fn add_one_pyo3(x: i64) -> i64 {
    x + 1
}

fn generator(c: &mut Criterion) {
    let (m, raw) = module();
    let mut group = c.benchmark_group("generator_1e6_ints");
    group.sample_size(10).throughput(Throughput::Elements(N as u64));
    group.bench_function("snakebridge_stream_ref", |b| {
        b.iter(|| {
            let s: StreamRef<i64> = method_as(&m, "gen", (N,)).unwrap();
            black_box(s.map(Result::unwrap).sum::<i64>())
        })
    });
    group.bench_function("snakebridge_stream_ref_unbatched", |b| {
        b.iter(|| {
            let s: StreamRef<i64> = method_as(&m, "gen", (N,)).unwrap();
            black_box(s.batch_size(1).map(Result::unwrap).sum::<i64>())
        })
    });
    group.bench_function("pyo3_hand_written", |b| {
        b.iter(|| {
            Python::attach(|py| {
                let g = raw.bind(py).call_method1("gen", (N,)).unwrap();
                let mut total = 0i64;
                for item in g.try_iter().unwrap() {
                    total += item.unwrap().extract::<i64>().unwrap();
                }
                black_box(total)
            })
        })
    });
    group.finish();
}

fn callback(c: &mut Criterion) {
    let (m, raw) = module();
    let closure = Callback::named("add_one", |x: i64| x + 1);
    let expected: i64 = (1..=CALLS).sum();
    let mut group = c.benchmark_group("python_calls_back_10k");
    group.throughput(Throughput::Elements(CALLS as u64));
    group.bench_function("snakebridge_callback", |b| {
        b.iter(|| {
            let total: i64 = method_as(&m, "drive", (&closure, CALLS)).unwrap();
            assert_eq!(total, expected);
        })
    });
    group.bench_function("pyo3_pyfunction", |b| {
        Python::attach(|py| {
            let f = wrap_pyfunction!(add_one_pyo3, py).unwrap();
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
