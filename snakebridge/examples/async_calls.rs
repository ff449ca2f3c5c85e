//! The async API on tokio: calls off the executor, an `async def` awaited from Rust, and
//! cancellation by dropping the future (here through `tokio::time::timeout`).
//!
//! `cargo run --example async_calls`

use std::time::{Duration, Instant};

use snakebridge::r#async;

#[tokio::main]
async fn main() -> snakebridge::Result<()> {
    let root: f64 = r#async::call("math", "sqrt", (16.0,)).await?.extract()?;
    println!("math.sqrt(16) = {root}");

    // asyncio.sleep is an `async def`: the coroutine is awaited on an event loop in the worker.
    let v: String = r#async::call("asyncio", "sleep", (0.05, "awaited")).await?.extract()?;
    println!("asyncio.sleep(0.05, 'awaited') = {v}");

    // Several calls concurrently, each on its own blocking-pool thread.
    let start = Instant::now();
    let sleeps: Vec<_> = (0..4).map(|_| tokio::spawn(r#async::call("time", "sleep", (0.2,)))).collect();
    for s in sleeps {
        s.await.expect("task")?;
    }
    println!("4 x time.sleep(0.2) concurrently took {:?}", start.elapsed());

    // Dropping the future interrupts the Python work.
    let start = Instant::now();
    let r = tokio::time::timeout(Duration::from_millis(100), r#async::call("time", "sleep", (60,))).await;
    println!("gave up after {:?} (elapsed: {})", start.elapsed(), r.is_err());
    Ok(())
}
