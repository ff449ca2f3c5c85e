//! Telemetry: runtime calls emit the seed's events, captured by a test subscriber.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use snakebridge::telemetry;
use snakebridge::{call, method, Args};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

#[derive(Debug, Clone, Default)]
struct Captured {
    name: String,
    target: String,
    fields: Vec<(String, String)>,
}

impl Captured {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_owned(), value.to_owned()));
    }
}

#[derive(Clone, Default)]
struct Recorder {
    events: Arc<Mutex<Vec<Captured>>>,
    spans: Arc<Mutex<Vec<Captured>>>,
}

impl<S: Subscriber> Layer<S> for Recorder {
    fn on_new_span(&self, attrs: &Attributes<'_>, _id: &Id, _ctx: Context<'_, S>) {
        let mut c = Captured {
            name: attrs.metadata().name().into(),
            target: attrs.metadata().target().into(),
            ..Default::default()
        };
        attrs.record(&mut Fields(&mut c.fields));
        self.spans.lock().unwrap().push(c);
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut c = Captured {
            name: event.metadata().name().into(),
            target: event.metadata().target().into(),
            ..Default::default()
        };
        event.record(&mut Fields(&mut c.fields));
        self.events.lock().unwrap().push(c);
    }
}

fn capture(f: impl FnOnce()) -> Recorder {
    let recorder = Recorder::default();
    let subscriber = tracing_subscriber::registry().with(recorder.clone());
    tracing::subscriber::with_default(subscriber, f);
    recorder
}

fn events_named(r: &Recorder, name: &str) -> Vec<Captured> {
    r.events.lock().unwrap().iter().filter(|e| e.name == name).cloned().collect()
}

#[test]
fn a_call_emits_start_and_stop_inside_a_span() {
    let r = capture(|| {
        call("math", "sqrt", (16,)).unwrap();
    });
    let spans = r.spans.lock().unwrap().clone();
    let span = spans.iter().find(|s| s.name == telemetry::RUNTIME_CALL).expect("call span");
    assert_eq!(span.target, telemetry::TARGET);
    assert_eq!(
        (span.field("library"), span.field("module"), span.field("function")),
        (Some("math"), Some("math"), Some("sqrt"))
    );

    let start = events_named(&r, telemetry::RUNTIME_CALL_START);
    assert_eq!(start.len(), 1);
    assert_eq!(start[0].field("snakebridge_version"), Some(snakebridge::version()));
    let stop = events_named(&r, telemetry::RUNTIME_CALL_STOP);
    assert_eq!(stop.len(), 1);
    assert_eq!(
        (stop[0].field("library"), stop[0].field("function"), stop[0].field("outcome")),
        (Some("math"), Some("sqrt"), Some("ok"))
    );
    assert!(stop[0].field("duration_us").unwrap().parse::<u64>().is_ok());
    assert!(events_named(&r, telemetry::RUNTIME_CALL_EXCEPTION).is_empty());
}

#[test]
fn failures_and_timeouts_emit_exception_events_with_their_outcome() {
    let r = capture(|| {
        call("math", "sqrt", (-1,)).unwrap_err();
        call("time", "sleep", Args::new().arg(5).timeout(Duration::from_millis(50))).unwrap_err();
    });
    let exc = events_named(&r, telemetry::RUNTIME_CALL_EXCEPTION);
    assert_eq!(exc.len(), 2, "{exc:?}");
    assert_eq!(
        (exc[0].field("function"), exc[0].field("outcome"), exc[0].field("error")),
        (Some("sqrt"), Some("error"), Some("ValueError"))
    );
    assert_eq!(
        (exc[1].field("function"), exc[1].field("outcome"), exc[1].field("error")),
        (Some("sleep"), Some("timeout"), Some("Timeout"))
    );
    let took: u64 = exc[1].field("duration_us").unwrap().parse().unwrap();
    assert!(took >= 50_000, "{took}");
}

#[test]
fn method_calls_name_the_library_of_the_object() {
    let path = call("pathlib", "Path", ("/tmp",)).unwrap();
    let r = capture(|| {
        method(path.as_ref().unwrap(), "exists", ()).unwrap();
    });
    let stop = events_named(&r, telemetry::RUNTIME_CALL_STOP);
    assert_eq!((stop[0].field("library"), stop[0].field("function")), (Some("pathlib"), Some("exists")));
}

#[test]
fn nothing_is_emitted_without_a_subscriber_and_docs_and_lock_helpers_emit_theirs() {
    // A call on a thread with no subscriber works and reaches no other thread's subscriber.
    let quiet = capture(|| {
        std::thread::spawn(|| call("math", "sqrt", (4,)).unwrap()).join().unwrap();
    });
    assert!(quiet.events.lock().unwrap().is_empty() && quiet.spans.lock().unwrap().is_empty());
    let r = capture(|| {
        telemetry::docs_fetch(Duration::from_millis(3), "numpy", "mean", "cache");
        telemetry::lock_verify(Duration::from_millis(5), "warning", &["numpy changed".into()]);
    });
    let docs = events_named(&r, telemetry::DOCS_FETCH);
    assert_eq!(
        (docs[0].field("module"), docs[0].field("function"), docs[0].field("source")),
        (Some("numpy"), Some("mean"), Some("cache"))
    );
    let lock = events_named(&r, telemetry::LOCK_VERIFY);
    assert_eq!(lock[0].field("result"), Some("warning"));
    assert!(lock[0].field("warnings").unwrap().contains("numpy changed"));
}

#[test]
fn helper_calls_are_observed_under_the_library_helpers() {
    let r = capture(|| {
        snakebridge::call_helper("snakebridge.python_info", ()).unwrap();
    });
    let stop = events_named(&r, telemetry::RUNTIME_CALL_STOP);
    assert_eq!(
        (stop[0].field("library"), stop[0].field("function")),
        (Some("helpers"), Some("snakebridge.python_info"))
    );
}

#[test]
fn idempotent_calls_report_hits_and_misses() {
    let r = capture(|| {
        for _ in 0..3 {
            call("json", "dumps", Args::new().arg("telemetry-idempotent").idempotent()).unwrap();
        }
        call("json", "dumps", Args::new().arg(call("builtins", "object", ()).unwrap()).idempotent()).unwrap_err();
    });
    let outcomes: Vec<String> = events_named(&r, telemetry::RUNTIME_CALL_CACHE)
        .iter()
        .map(|e| {
            format!("{}.{} {}", e.field("module").unwrap(), e.field("function").unwrap(), e.field("outcome").unwrap())
        })
        .collect();
    assert_eq!(outcomes, ["json.dumps miss", "json.dumps hit", "json.dumps hit", "json.dumps uncacheable"]);
}
