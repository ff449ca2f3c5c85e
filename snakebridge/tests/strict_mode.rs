//! Strict mode: a session that goes past the threshold of live refs gets one warning per
//! crossing, naming the session and the types that dominate. (Its own test binary: strict
//! mode is set when the interpreter starts.)

use std::sync::{Arc, Mutex};

use snakebridge::{call, release_session, RuntimeConfig, Session};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

#[derive(Clone, Default)]
struct Warnings(Arc<Mutex<Vec<String>>>);

struct Message<'a>(&'a mut String);

impl Visit for Message<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!("{}={value:?} ", field.name()));
    }
}

impl<S: Subscriber> Layer<S> for Warnings {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if *event.metadata().level() == Level::WARN {
            let mut text = String::new();
            event.record(&mut Message(&mut text));
            self.0.lock().unwrap().push(text);
        }
    }
}

#[test]
fn one_warning_per_crossing_naming_session_and_types() {
    let warnings = Warnings::default();
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(warnings.clone())).unwrap();
    snakebridge::init(RuntimeConfig::default().strict_mode(5)).unwrap();
    assert_eq!(snakebridge::strict_mode_threshold(), Some(5));
    let strict = |w: &Vec<String>| w.iter().filter(|m| m.contains("strict mode")).cloned().collect::<Vec<_>>();

    let session = Session::with_id("strict-leaky");
    let mut kept = Vec::new();
    session.run(|| {
        for _ in 0..5 {
            kept.push(call("builtins", "object", ()).unwrap());
        }
        assert!(strict(&warnings.0.lock().unwrap()).is_empty(), "5 refs is the threshold, not past it");
        kept.push(call("collections", "OrderedDict", ()).unwrap());
        for _ in 0..20 {
            kept.push(call("builtins", "object", ()).unwrap());
        }
    });
    let seen = strict(&warnings.0.lock().unwrap());
    assert_eq!(seen.len(), 1, "once per crossing, not once per ref: {seen:?}");
    assert!(seen[0].contains("strict-leaky"), "names the session: {}", seen[0]);
    assert!(seen[0].contains("most are object ×5"), "names the dominant type: {}", seen[0]);
    assert!(seen[0].contains("collections.OrderedDict ×1"), "{}", seen[0]);

    // Falling back below the threshold and crossing it again warns again.
    kept.clear();
    assert_eq!(session.ref_count(), 0);
    session.run(|| {
        for _ in 0..6 {
            kept.push(call("builtins", "object", ()).unwrap());
        }
    });
    assert_eq!(strict(&warnings.0.lock().unwrap()).len(), 2);

    // Another session is counted on its own.
    let other = Session::with_id("strict-small");
    other.run(|| {
        let _few: Vec<_> = (0..3).map(|_| call("builtins", "object", ()).unwrap()).collect();
    });
    assert_eq!(strict(&warnings.0.lock().unwrap()).len(), 2);
    release_session("strict-leaky");
}
