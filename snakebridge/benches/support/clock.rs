//! The clock the benches measure with: wall time (criterion's default), or with
//! `SNAKEBRIDGE_BENCH_CLOCK=thread-cpu` the CPU time of the benchmarking thread.
//!
//! On a busy shared machine the wall clock also counts the time the thread waited for a
//! core, which swamps differences of a few tens of nanoseconds. Every variant here runs on
//! one thread with nothing to wait for (the GIL is uncontended), so on an idle machine both
//! clocks agree; on a loaded one the thread's CPU time is the steadier figure.

use std::time::{Duration, Instant};

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{Criterion, Throughput};

/// Which clock, picked from `SNAKEBRIDGE_BENCH_CLOCK` once at start-up.
#[derive(Clone, Copy)]
pub enum Clock {
    Wall(Instant),
    ThreadCpu,
}

/// Criterion configured with the clock the environment asks for.
pub fn criterion() -> Criterion<Clock> {
    let clock = measurement();
    if let Clock::ThreadCpu = clock {
        eprintln!("measuring the benchmarking thread's CPU time (SNAKEBRIDGE_BENCH_CLOCK=thread-cpu)");
    }
    Criterion::default().with_measurement(clock)
}

/// The clock the environment asks for, for benches that time parts of an iteration
/// themselves (`iter_custom`).
pub fn measurement() -> Clock {
    match std::env::var("SNAKEBRIDGE_BENCH_CLOCK").as_deref() {
        Ok("thread-cpu") if cfg!(unix) => Clock::ThreadCpu,
        Ok("thread-cpu") => {
            eprintln!("SNAKEBRIDGE_BENCH_CLOCK=thread-cpu needs a Unix system; measuring wall time");
            Clock::Wall(Instant::now())
        }
        Ok("wall") | Err(_) => Clock::Wall(Instant::now()),
        Ok(other) => panic!("SNAKEBRIDGE_BENCH_CLOCK={other:?}: use `wall` or `thread-cpu`"),
    }
}

impl Clock {
    fn now(&self) -> Duration {
        match self {
            Clock::Wall(base) => base.elapsed(),
            Clock::ThreadCpu => thread_cpu_time(),
        }
    }
}

#[cfg(unix)]
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid timespec to write to; the clock id is a constant libc defines.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

#[cfg(not(unix))]
fn thread_cpu_time() -> Duration {
    unreachable!("thread-cpu is only selected on Unix")
}

impl Measurement for Clock {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        self.now()
    }
    fn end(&self, start: Duration) -> Duration {
        self.now().saturating_sub(start)
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &Nanos
    }
}

/// Durations in ns/µs/ms, as criterion prints wall time.
struct Nanos;

impl ValueFormatter for Nanos {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = match typical {
            t if t < 1e3 => (1.0, "ns"),
            t if t < 1e6 => (1e-3, "µs"),
            t if t < 1e9 => (1e-6, "ms"),
            _ => (1e-9, "s"),
        };
        values.iter_mut().for_each(|v| *v *= factor);
        unit
    }

    fn scale_throughputs(&self, typical: f64, throughput: &Throughput, values: &mut [f64]) -> &'static str {
        let per_iter = match *throughput {
            Throughput::Bytes(n) | Throughput::BytesDecimal(n) | Throughput::Bits(n) | Throughput::Elements(n) => {
                n as f64
            }
            Throughput::ElementsAndBytes { elements, .. } => elements as f64,
        };
        let _ = typical;
        values.iter_mut().for_each(|v| *v = per_iter * 1e9 / *v);
        "/s"
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}
