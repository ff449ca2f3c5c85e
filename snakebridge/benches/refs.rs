//! What a ref costs: creating one for a Python result and releasing it.
//!
//! `call_object_create_release` is the whole round trip a user sees (`object()` is called in
//! Python, the result registered as a ref, the ref dropped); `pyo3_call_object` is the Python
//! part alone, for subtraction; `ref_register_release` is the registry alone: an existing
//! object registered as a ref and released, with the interpreter held throughout.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};

#[path = "support/clock.rs"]
mod clock;
use clock::Clock;
use pyo3::prelude::*;
use snakebridge::{FromPython, Ref, Value};

fn ref_lifecycle(c: &mut Criterion<Clock>) {
    assert!(snakebridge::call("builtins", "object", ()).unwrap().as_ref().is_some(), "object() comes back as a ref");
    let object: Py<PyAny> =
        Python::attach(|py| py.import("builtins").and_then(|m| m.getattr("object")).map(Bound::unbind)).unwrap();
    // Dropping a ref outside a call already put pyo3's deferred-decref pool in use (see
    // call_overhead.rs), so every variant here runs in the same state.

    let mut group = c.benchmark_group("ref_lifecycle");

    group.bench_function("call_object_create_release", |b| {
        b.iter(|| {
            let v = snakebridge::call("builtins", "object", ()).unwrap();
            debug_assert!(matches!(v, Value::Ref(_)));
            drop(black_box(v));
        })
    });

    group.bench_function("pyo3_call_object", |b| {
        b.iter(|| Python::attach(|py| drop(black_box(object.call0(py).unwrap()))))
    });

    Python::attach(|py| {
        let obj = object.call0(py).unwrap().into_bound(py);
        group.bench_function("ref_register_release", |b| b.iter(|| drop(black_box(Ref::from_python(&obj).unwrap()))));
    });

    group.finish();
    assert_eq!(snakebridge::live_ref_count(), 0, "every ref made by the benches was released");
}

criterion_group! {
    name = benches;
    config = clock::criterion();
    targets = ref_lifecycle
}
criterion_main!(benches);
