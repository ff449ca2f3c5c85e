//! Prints snakebridge's telemetry with `tracing-subscriber`: one line per runtime event, with
//! the library, function, duration and outcome of each call.
//!
//! `cargo run --example telemetry_print`

use std::time::Duration;

use snakebridge::{call, Args};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

fn main() -> snakebridge::Result<()> {
    // Only snakebridge's runtime events, at DEBUG (they are silent at the usual INFO).
    let filter = Targets::new().with_target(snakebridge::telemetry::TARGET, LevelFilter::DEBUG);
    tracing_subscriber::registry().with(tracing_subscriber::fmt::layer().with_target(false)).with(filter).init();

    call("math", "sqrt", (2,))?;
    let _ = call("json", "loads", ("{not json",)); // an exception event with error = JSONDecodeError
    let _ = call("time", "sleep", Args::new().arg(5).timeout(Duration::from_millis(100))); // outcome = timeout
    Ok(())
}
