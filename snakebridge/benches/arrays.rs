//! 1,000,000 `f64` handed to Python and read back: as a numpy array (no copy) against the same
//! data as a Python list, each through snakebridge and through hand-written pyo3, in one run.
//!
//! Every path calls one Python function that gives its argument back (`numpy.asarray` for the
//! array, `list` for the list) and ends holding the data readable from Rust: a typed view of the
//! array, a `Vec<f64>` for the list. The array paths consume a fresh `Vec` per iteration (it is
//! moved into numpy); that `Vec` is made before the timer starts and the result dropped after it
//! stops, so both paths are timed on the transfer alone.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use pyo3::prelude::*;
use pyo3::types::PyList;
use snakebridge::array::numpy::{PyArray1, PyArrayMethods};
use snakebridge::array::{NdArray, NdArray1};

const LEN: usize = 1_000_000;

fn data() -> Vec<f64> {
    (0..LEN).map(|i| i as f64 * 0.5).collect()
}

/// Times `round_trip` on a fresh copy of the data per iteration, excluding the copy and the
/// freeing of the result (8 MB in every path).
fn timed_on_fresh_vecs<R>(template: &[f64], iters: u64, mut round_trip: impl FnMut(Vec<f64>) -> R) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let fresh = template.to_vec();
        let start = Instant::now();
        let result = black_box(round_trip(black_box(fresh)));
        total += start.elapsed();
        // Attached, so the array is freed here: dropped detached, pyo3 would defer the decref
        // to the next attach, inside the next timed round trip.
        Python::attach(|_| drop(result));
    }
    total
}

fn transfer(c: &mut Criterion) {
    let template = data();
    let expected_last = template[LEN - 1];
    // Check that every path sees the same data before timing any of them.
    let back: NdArray1<f64> =
        snakebridge::call_as("numpy", "asarray", (&NdArray::from_vec(template.clone()).unwrap(),)).unwrap();
    assert_eq!(back.view(|v| v[LEN - 1]).unwrap(), expected_last);
    let list_back: Vec<f64> = snakebridge::call_as("builtins", "list", (&template,)).unwrap();
    assert_eq!(list_back, template);
    let (asarray, list_fn): (Py<PyAny>, Py<PyAny>) = Python::attach(|py| {
        let asarray = py.import("numpy")?.getattr("asarray")?.unbind();
        let list = py.import("builtins")?.getattr("list")?.unbind();
        PyResult::Ok((asarray, list))
    })
    .unwrap();

    let mut group = c.benchmark_group("transfer_1m_f64");
    group.sample_size(20).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1));

    group.bench_function("snakebridge_ndarray", |b| {
        b.iter_custom(|iters| {
            timed_on_fresh_vecs(&template, iters, |vec| {
                let array = NdArray::from_vec(vec).unwrap();
                let back: NdArray1<f64> = snakebridge::call_as("numpy", "asarray", (&array,)).unwrap();
                let last = back.view(|v| v[LEN - 1]).unwrap();
                assert_eq!(last, expected_last);
                back
            })
        })
    });

    // The same, then reading every element in Rust: the list path's extraction reads them all.
    let expected_sum: f64 = template.iter().sum();
    group.bench_function("snakebridge_ndarray_read_all", |b| {
        b.iter_custom(|iters| {
            timed_on_fresh_vecs(&template, iters, |vec| {
                let array = NdArray::from_vec(vec).unwrap();
                let back: NdArray1<f64> = snakebridge::call_as("numpy", "asarray", (&array,)).unwrap();
                let sum = back.with_slice(|s| s.iter().sum::<f64>()).unwrap();
                assert_eq!(sum, expected_sum);
                back
            })
        })
    });

    group.bench_function("pyo3_numpy", |b| {
        b.iter_custom(|iters| {
            timed_on_fresh_vecs(&template, iters, |vec| {
                Python::attach(|py| {
                    let array = PyArray1::from_vec(py, vec);
                    let back = asarray.bind(py).call1((array,)).unwrap().cast_into::<PyArray1<f64>>().unwrap();
                    let last = back.readonly().as_array()[LEN - 1];
                    assert_eq!(last, expected_last);
                    back.unbind()
                })
            })
        })
    });

    group.sampling_mode(SamplingMode::Flat).sample_size(10).measurement_time(Duration::from_secs(3));

    group.bench_function("snakebridge_list", |b| {
        b.iter_custom(|iters| {
            timed_on_fresh_vecs(&template, iters, |vec| {
                let back: Vec<f64> = snakebridge::call_as("builtins", "list", (&vec,)).unwrap();
                assert_eq!(back[LEN - 1], expected_last);
                back
            })
        })
    });

    group.bench_function("pyo3_list", |b| {
        b.iter_custom(|iters| {
            timed_on_fresh_vecs(&template, iters, |vec| {
                Python::attach(|py| {
                    let list = PyList::new(py, &vec).unwrap();
                    let back: Vec<f64> = list_fn.bind(py).call1((list,)).unwrap().extract().unwrap();
                    assert_eq!(back[LEN - 1], expected_last);
                    back
                })
            })
        })
    });

    group.finish();
}

criterion_group!(benches, transfer);
criterion_main!(benches);
