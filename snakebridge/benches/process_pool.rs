//! One interpreter against Python's process pools, on CPU-bound pure-Python work driven from
//! Rust: `sb_work.count_primes` (tests/python/sb_work.py) mapped over the same inputs in the
//! embedded interpreter (one GIL: one core), and with `ProcessPoolExecutor` of 1 and 2 spawn
//! workers (each its own interpreter). Wall-clock time, pools started and warmed outside the
//! measurement, as a long-lived program would keep them. The ratio `in_process / pool_2` is the
//! speed-up from a second core; `pool_1` shows what the process hop costs.
//!
//! `cargo bench -p snakebridge --bench process_pool`; measure on a quiet machine.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_main, Criterion, Throughput};
use snakebridge::{args, call, get, method, Ref, Value};

const INPUTS: [i64; 8] = [15_000; 8];

fn pool(workers: usize) -> Ref {
    let ctx = call("multiprocessing", "get_context", ("spawn",)).unwrap();
    let pool: Ref = call("concurrent.futures", "ProcessPoolExecutor", args!(max_workers = workers, mp_context = ctx))
        .unwrap()
        .extract()
        .unwrap();
    // Start every worker (and import sb_work there) before measuring.
    let warm = method(&pool, "map", (get("sb_work", "count_primes").unwrap(), vec![10; workers * 4])).unwrap();
    call("builtins", "list", (warm,)).unwrap();
    pool
}

fn map_in(pool: &Ref, f: &Value) -> Vec<i64> {
    let results = method(pool, "map", (f.clone(), INPUTS.to_vec())).unwrap();
    call("builtins", "list", (results,)).unwrap().extract().unwrap()
}

fn process_pool(c: &mut Criterion) {
    let f = get("sb_work", "count_primes").unwrap();
    let expected: Vec<i64> =
        INPUTS.iter().map(|&n| call("sb_work", "count_primes", (n,)).unwrap().extract().unwrap()).collect();
    let mut group = c.benchmark_group("process_pool");
    group.throughput(Throughput::Elements(INPUTS.len() as u64));
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(8));

    group.bench_function("in_process", |b| {
        b.iter(|| {
            let out: Vec<i64> =
                INPUTS.iter().map(|&n| call("sb_work", "count_primes", (n,)).unwrap().extract().unwrap()).collect();
            black_box(out)
        })
    });
    for workers in [1, 2] {
        let pool = pool(workers);
        assert_eq!(map_in(&pool, &f), expected);
        group.bench_function(format!("pool_{workers}"), |b| b.iter(|| black_box(map_in(&pool, &f))));
        method(&pool, "shutdown", ()).unwrap();
    }
    group.finish();
}

fn benches() {
    let mut c = Criterion::default().configure_from_args();
    process_pool(&mut c);
}

criterion_main!(benches);
