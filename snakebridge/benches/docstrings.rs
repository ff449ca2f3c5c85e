//! Docstring conversion speed: every docstring of numpy's top level (read from the installed
//! numpy) parsed, and parsed + rendered to rustdoc Markdown, compared in the same run with
//! the Python `docstring_parser` package parsing the same docstrings.
//!
//! `cargo bench -p snakebridge --bench docstrings`

#[path = "../tests/support/corpus.rs"]
mod corpus;

use criterion::{criterion_group, criterion_main, Criterion};
use snakebridge::docs::{parse, to_rustdoc};

fn docstrings(c: &mut Criterion) {
    let docs: Vec<String> = corpus::docstrings(&corpus::corpus("numpy_json")).into_iter().map(|(_, d)| d).collect();
    let mut group = c.benchmark_group(format!("numpy top level ({} docstrings)", docs.len()));
    group.sample_size(20);
    group.bench_function("snakebridge parse", |b| b.iter(|| docs.iter().map(|d| parse(d).params.len()).sum::<usize>()));
    group.bench_function("snakebridge parse + render", |b| {
        b.iter(|| docs.iter().map(|d| to_rustdoc(d).len()).sum::<usize>())
    });
    group.bench_function("python docstring_parser.parse", |b| {
        b.iter(|| snakebridge::call_as::<usize>("docstring_corpus", "reference_parse_numpy", ()).unwrap())
    });
    group.finish();
}

criterion_group!(benches, docstrings);
criterion_main!(benches);
