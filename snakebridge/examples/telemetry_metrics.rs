//! Collects metrics from snakebridge's telemetry with a custom `tracing` Layer: calls, errors,
//! timeouts and total time per library — what a Prometheus exporter would read.
//!
//! `cargo run --example telemetry_metrics`

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use snakebridge::{call, telemetry, Args};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

#[derive(Debug, Default, Clone, Copy)]
struct LibraryMetrics {
    calls: u64,
    errors: u64,
    timeouts: u64,
    total_us: u64,
    max_us: u64,
}

#[derive(Clone, Default)]
struct Metrics(Arc<Mutex<BTreeMap<String, LibraryMetrics>>>);

#[derive(Default)]
struct CallFields {
    library: String,
    outcome: String,
    duration_us: u64,
}

impl Visit for CallFields {
    fn record_debug(&mut self, _field: &Field, _value: &dyn std::fmt::Debug) {}
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "library" => self.library = value.to_owned(),
            "outcome" => self.outcome = value.to_owned(),
            _ => {}
        }
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "duration_us" {
            self.duration_us = value;
        }
    }
}

impl<S: Subscriber> Layer<S> for Metrics {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let name = event.metadata().name();
        if name != telemetry::RUNTIME_CALL_STOP && name != telemetry::RUNTIME_CALL_EXCEPTION {
            return;
        }
        let mut f = CallFields::default();
        event.record(&mut f);
        let mut all = self.0.lock().unwrap();
        let m = all.entry(f.library).or_default();
        m.calls += 1;
        m.total_us += f.duration_us;
        m.max_us = m.max_us.max(f.duration_us);
        match f.outcome.as_str() {
            "timeout" => m.timeouts += 1,
            "ok" => {}
            _ => m.errors += 1,
        }
    }
}

fn main() -> snakebridge::Result<()> {
    let metrics = Metrics::default();
    tracing_subscriber::registry().with(metrics.clone()).init();

    for i in 0..100 {
        call("math", "sqrt", (i,))?;
    }
    for text in ["[1, 2]", "{bad", "3"] {
        let _ = call("json", "loads", (text,));
    }
    let _ = call("time", "sleep", Args::new().arg(1).timeout(Duration::from_millis(50)));
    call("time", "sleep", (0.01,))?;

    println!("{:<8} {:>6} {:>6} {:>8} {:>10} {:>10}", "library", "calls", "errors", "timeouts", "mean µs", "max µs");
    for (library, m) in metrics.0.lock().unwrap().iter() {
        println!(
            "{library:<8} {:>6} {:>6} {:>8} {:>10} {:>10}",
            m.calls,
            m.errors,
            m.timeouts,
            m.total_us / m.calls.max(1),
            m.max_us
        );
    }
    Ok(())
}
