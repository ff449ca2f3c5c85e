//! What the worker backend costs and what it buys.
//!
//! `round_trip`: `math.sqrt(16.0)` in-process and in a worker (one session, one worker):
//! the price of isolation per call. `throughput`: a CPU-bound pure-Python function called
//! from two Rust threads, each in its own session, on a pool of one worker and of two: with
//! two, the calls run in parallel (no shared GIL), so the same work takes about half the time
//! on two idle cores. Wall time (the worker's time is the point); measure on a quiet machine.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use snakebridge::backend::{Backend, WorkerConfig, WorkerPool};
use snakebridge::{call_as, with_session, Session};

/// `sb_workers.count_primes` (tests/python/sb_workers.py): pure Python, no C calls, so the GIL
/// is held for the whole call. The workers import it through the `python_path` setting.
const N: u32 = 4000;

fn session_on(pool: &WorkerPool) -> Session {
    Session::builder().backend(Backend::Workers(pool.clone())).build()
}

fn round_trip(c: &mut Criterion) {
    let mut group = c.benchmark_group("workers_round_trip");
    group.bench_function("in_process_sqrt", |b| b.iter(|| black_box(call_as::<f64>("math", "sqrt", (16.0,)).unwrap())));
    let pool = WorkerPool::start(WorkerConfig::new(1)).unwrap();
    let session = session_on(&pool);
    with_session(&session, || {
        group.bench_function("worker_sqrt", |b| b.iter(|| black_box(call_as::<f64>("math", "sqrt", (16.0,)).unwrap())));
    });
    group.finish();
}

/// `iters` calls from each of two threads, on `pool`, wall time.
fn two_threads(sessions: &[Session; 2], iters: u64) -> Duration {
    let start = Instant::now();
    std::thread::scope(|s| {
        for session in sessions {
            s.spawn(move || {
                with_session(session, || {
                    for _ in 0..iters {
                        black_box(call_as::<u64>("sb_workers", "count_primes", (N,)).unwrap());
                    }
                })
            });
        }
    });
    start.elapsed()
}

fn throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("workers_throughput");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    for workers in [1, 2] {
        let pool = WorkerPool::start(WorkerConfig::new(workers)).unwrap();
        let sessions = [session_on(&pool), session_on(&pool)];
        let slots: Vec<usize> = sessions.iter().map(|s| with_session(s, || pool.worker_of_current_session())).collect();
        assert_eq!(slots[0] != slots[1], workers == 2, "two sessions on two workers use both");
        group.bench_function(format!("count_primes_2_threads_{workers}_workers"), |b| {
            b.iter_custom(|iters| two_threads(&sessions, iters))
        });
    }
    group.finish();
}

criterion_group!(benches, round_trip, throughput);
criterion_main!(benches);
