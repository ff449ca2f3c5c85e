//! Timeouts: a call past its limit is interrupted inside Python and the interpreter carries on;
//! profiles per call and per library.
//!
//! `cargo run --example timeouts`

use std::time::{Duration, Instant};

use snakebridge::{call, Args, Error, TimeoutConfig};

fn main() -> snakebridge::Result<()> {
    // Per call: 100 ms for a 60 s sleep.
    let start = Instant::now();
    match call("time", "sleep", Args::new().arg(60).timeout(Duration::from_millis(100))) {
        Err(e @ Error::Timeout { .. }) => println!("after {:?}: {e}", start.elapsed()),
        other => println!("unexpected: {other:?}"),
    }
    // The interpreter is fine: the next call runs normally.
    let root: f64 = call("math", "sqrt", (2,))?.extract()?;
    println!("math.sqrt(2) = {root}");

    // Per library: everything in `time` runs under `ml_inference` (10 min) from now on.
    TimeoutConfig::current()?.library("time", "ml_inference").install()?;
    let (limit, profile) = snakebridge::timeout::call_timeout("time", None)?;
    println!("calls into `time` now run under `{profile}`: {limit:?}");

    // Per call, by profile name.
    call("time", "sleep", Args::new().arg(0.01).timeout_profile("batch_job"))?;
    Ok(())
}
