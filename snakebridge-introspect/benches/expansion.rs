//! Expansion of numpy's whole top level from the committed (warm) manifest: what every build
//! and every rust-analyzer expansion pays. No Python runs (offline).

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use quote::quote;

fn bench(c: &mut Criterion) {
    let facade = Path::new(env!("CARGO_MANIFEST_DIR")).join("../snakebridge");
    let env = |name: &str| (name == "SNAKEBRIDGE_OFFLINE").then(|| "1".to_owned());
    let mut group = c.benchmark_group("expansion");
    group.sample_size(20);
    group.bench_function("numpy top level, warm cache", |b| {
        b.iter(|| {
            snakebridge_introspect::expand::expand_in(
                &facade,
                quote!("numpy"),
                quote!(
                    mod np {}
                ),
                &env,
            )
        })
    });
    group.bench_function("math, warm cache", |b| {
        b.iter(|| {
            snakebridge_introspect::expand::expand_in(
                &facade,
                quote!("math"),
                quote!(
                    mod math {}
                ),
                &env,
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
