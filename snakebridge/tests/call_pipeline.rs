//! One call pipeline: every way into Python ("door") runs under the call's limit, inside a
//! telemetry span, in the per-call session. Each case of the table below is run three times:
//! against a 60 s sleep cut short at 100 ms, under a span recorder, and in a per-call session.
//!
//! The last test reads the runtime's sources: a door used there that this table does not
//! cover, or a new direct `with_gil` outside the files allowed one, fails it.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use snakebridge::{
    attr, call, call_as, call_awaiting, call_helper, call_ref, configure_helpers, get, iterate, method, python,
    python_module, set_attr, with_python, CallOptions, Error, HelperConfig, Ref, Session, StreamRef, Value,
};
use tracing::span::{Attributes, Id};
use tracing::Subscriber;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

#[python_module("sb_pipeline")]
mod pipe {}

/// What a case works on: refs made (in `session`) before the case runs.
struct Fixture {
    slow: Ref,
    hinted: Ref,
    coroutine: Ref,
}

type Op = fn(&Fixture) -> snakebridge::Result<Option<Ref>>;

/// One way into Python: the door it belongs to and a call through it.
struct Case {
    door: &'static str,
    name: &'static str,
    op: Op,
    /// Whether the call takes a ref of the fixture (else it makes one): how the per-call
    /// session is seen to be honoured.
    uses_fixture: bool,
}

fn made(v: Value) -> Option<Ref> {
    match v {
        Value::Ref(r) => Some(r),
        _ => None,
    }
}

const fn case(door: &'static str, name: &'static str, uses_fixture: bool, op: Op) -> Case {
    Case { door, name, op, uses_fixture }
}

static CASES: &[Case] = &[
    case("Call", "call", false, |_| call("sb_pipeline", "nap", (1,)).map(made)),
    case("Call", "call_as", false, |_| call_as::<Value>("sb_pipeline", "nap", (1,)).map(made)),
    case("Call", "generated positional", false, |_| pipe::nap(1).map(|s| Some(Ref::from(s)))),
    case("Call", "generated _with", false, |_| {
        pipe::nap_with(1, snakebridge::Args::new().arg(2)).map(|s| Some(Ref::from(s)))
    }),
    case("Call", "generated constructor", false, |_| pipe::Slow::new().map(|s| Some(Ref::from(s)))),
    case("Get", "get", false, |_| get("sb_pipeline", "lazy_value").map(made)),
    case("Method", "method", true, |f| method(&f.slow, "meth", (1,)).map(made)),
    case("Method", "generated method", true, |f| {
        pipe::Slow::try_from(f.slow.clone())?.meth(1).map(|s| Some(Ref::from(s)))
    }),
    case("Attr", "attr", true, |f| attr(&f.slow, "prop").map(made)),
    case("Attr", "generated property", true, |f| pipe::Slow::try_from(f.slow.clone())?.prop().map(|_| None)),
    case("SetAttr", "set_attr", true, |f| set_attr(&f.slow, "prop", 1).map(|()| None)),
    case("CallRef", "call_ref", true, |f| call_ref(&f.slow, ()).map(made)),
    case("CallRef", "Ref::call", true, |f| f.slow.call(()).map(made)),
    case("Protocol", "str", true, |f| f.slow.str().map(|_| None)),
    case("Protocol", "repr", true, |f| f.slow.repr().map(|_| None)),
    case("Protocol", "len", true, |f| f.slow.len().map(|_| None)),
    case("Protocol", "get_item", true, |f| f.slow.get_item(0).map(made)),
    case("Protocol", "set_item", true, |f| f.slow.set_item(0, 1).map(|()| None)),
    case("Protocol", "del_item", true, |f| f.slow.del_item(0).map(|()| None)),
    case("Protocol", "contains", true, |f| f.slow.contains(0).map(|_| None)),
    case("Protocol", "py_eq", true, |f| f.slow.py_eq(0).map(|_| None)),
    case("Protocol", "py_hash", true, |f| f.slow.py_hash().map(|_| None)),
    case("Protocol", "Display", true, |f| {
        // Display cannot fail: a cut-short `str()` shows as the handle and the reason.
        let text = f.slow.to_string();
        if text == "Slow" {
            Ok(None)
        } else {
            Err(Error::Cancelled { target: text })
        }
    }),
    case("Stream", "iterate + next", false, |_| {
        let mut s: StreamRef = iterate("sb_pipeline", "naps", (2,))?;
        s.next().transpose().map(|v| v.and_then(made))
    }),
    case("Stream", "Ref::iter", true, |f| f.slow.iter().map(|_| None)),
    case("Stream", "StreamRef::len", true, |f| f.hinted.iter()?.len().map(|_| None)),
    case("Context", "with_python", true, |f| with_python(&f.slow, |_: Ref| Ok(())).map(|_| None)),
    case("Inline", "python! expression", false, |_| python!(sb_pipeline.nap(1)).map(made)),
    case("Inline", "python! block", false, |_| {
        python! {
            import sb_pipeline
            sb_pipeline.nap(1)
        }
        .map(made)
    }),
    case("Helper", "call_helper", false, |_| call_helper("pipeline.nap", (1,)).map(made)),
    case("Await", "call_awaiting", false, |_| call_awaiting("sb_pipeline", "anap", (1,)).map(made)),
    case("Await", "await_coroutine", true, |f| snakebridge::await_coroutine(&f.coroutine).map(made)),
];

const HELPERS: &str = r#"
from snakebridge_helpers import helper
import sb_pipeline

@helper("pipeline.nap")
def nap(x):
    return sb_pipeline.nap(x)
"#;

/// Sets up once, and returns a guard that runs the tests of this file one at a time: they
/// share the fixture module's sleep setting.
fn setup() -> std::sync::MutexGuard<'static, ()> {
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let helpers = tempfile::tempdir().unwrap().keep();
        std::fs::write(helpers.join("pipeline_helpers.py"), HELPERS).unwrap();
        configure_helpers(HelperConfig::empty().path(&helpers));
    });
    serial
}

fn set_sleep(seconds: f64) {
    call("sb_pipeline", "set_sleep", (seconds,)).unwrap();
}

fn fixture() -> Fixture {
    Fixture {
        slow: call("sb_pipeline", "Slow", ()).unwrap().extract::<Ref>().unwrap(),
        hinted: call("sb_pipeline", "Hinted", ()).unwrap().extract::<Ref>().unwrap(),
        coroutine: call("sb_pipeline", "anap", (1,)).unwrap().extract::<Ref>().unwrap(),
    }
}

/// The whole table in one test: the cases share the module's sleep setting.
#[test]
fn every_door_is_supervised() {
    let _serial = setup();
    let mut failures = Vec::new();
    for case in CASES {
        if let Err(why) = limit_cuts_sleep_short(case) {
            failures.push(format!("{} ({}): time limit: {why}", case.name, case.door));
        }
        if let Err(why) = span_is_recorded(case) {
            failures.push(format!("{} ({}): telemetry: {why}", case.name, case.door));
        }
        if let Err(why) = session_is_honoured(case) {
            failures.push(format!("{} ({}): per-call session: {why}", case.name, case.door));
        }
    }
    assert!(failures.is_empty(), "doors that skip the pipeline:\n{}", failures.join("\n"));
}

fn limit_cuts_sleep_short(case: &Case) -> Result<(), String> {
    set_sleep(0.0);
    let f = fixture();
    set_sleep(60.0);
    let start = Instant::now();
    let outcome = CallOptions::new().timeout(Duration::from_millis(100)).run(|| (case.op)(&f));
    let took = start.elapsed();
    set_sleep(0.0);
    if took > Duration::from_secs(20) {
        return Err(format!("took {took:?}: the 60 s sleep was not interrupted"));
    }
    match outcome {
        Err(Error::Timeout { .. }) | Err(Error::Cancelled { .. }) => {}
        other => return Err(format!("wanted Error::Timeout, got {other:?}")),
    }
    // The interpreter is usable for the next call.
    call("math", "sqrt", (4.0,)).map(|_| ()).map_err(|e| format!("the next call failed: {e}"))
}

#[derive(Clone, Default)]
struct Spans(Arc<Mutex<Vec<String>>>);

impl<S: Subscriber> Layer<S> for Spans {
    fn on_new_span(&self, attrs: &Attributes<'_>, _id: &Id, _ctx: Context<'_, S>) {
        if attrs.metadata().name() == "snakebridge.runtime.call" {
            self.0.lock().unwrap().push(format!("{attrs:?}"));
        }
    }
}

fn span_is_recorded(case: &Case) -> Result<(), String> {
    set_sleep(0.0);
    let f = fixture();
    let spans = Spans::default();
    let subscriber = tracing_subscriber::registry().with(spans.clone());
    let outcome = tracing::subscriber::with_default(subscriber, || (case.op)(&f));
    outcome.map_err(|e| format!("the call failed: {e}"))?;
    if spans.0.lock().unwrap().is_empty() {
        return Err("no snakebridge.runtime.call span".into());
    }
    Ok(())
}

fn session_is_honoured(case: &Case) -> Result<(), String> {
    set_sleep(0.0);
    let session = Session::new();
    let in_session = CallOptions::new().session(&session);
    if case.uses_fixture {
        // The fixture's refs belong to `session`: the call reaches them only through it.
        let f = session.run(fixture);
        in_session.run(|| (case.op)(&f)).map_err(|e| format!("failed inside its session: {e}"))?;
        match (case.op)(&f) {
            Err(Error::SessionMismatch { .. }) => Ok(()),
            // Display cannot fail: the mismatch shows in the text it falls back to.
            Err(e) if case.name == "Display" && e.to_string().contains("belongs to session") => Ok(()),
            other => Err(format!("outside its session, wanted SessionMismatch, got {other:?}")),
        }
    } else {
        let f = fixture();
        let made = in_session.run(|| (case.op)(&f)).map_err(|e| format!("the call failed: {e}"))?;
        match made {
            Some(r) if r.session_id() == session.id() => Ok(()),
            Some(r) => Err(format!("its ref is in {}, not in {}", r.session_id(), session.id())),
            None => Err("the case made no ref to check".into()),
        }
    }
}

/// Files of the runtime that may attach the interpreter without a door, and why.
const DIRECT_ATTACH: &[(&str, &str)] = &[
    ("interpreter.rs", "defines with_gil"),
    ("supervise.rs", "the door itself"),
    ("lib.rs", "the public escape hatch `with_gil` to raw pyo3"),
    ("error.rs", "reads a held exception's class"),
    ("exception_class.rs", "isinstance and issubclass of exception classes"),
    ("binding/class.rs", "isinstance checks of generated structs"),
    ("refs/handle.rs", "a ref's Debug form"),
    ("timeout/watchdog.rs", "the watchdog's interrupt"),
    ("docs.rs", "docstring lookup by import and inspect"),
    ("value/from_value.rs", "converting a Value's ref"),
    ("value/serde_bridge.rs", "serde through Python data"),
    ("array/nd_array.rs", "array metadata and views (no Python call)"),
    ("array/any_array.rs", "array metadata (no Python call)"),
    ("array/ref_source.rs", "views of a ref's buffer"),
    ("array/buffer.rs", "buffer protocol access"),
    ("helpers.rs", "loading and listing the helper registry"),
    ("refs/registry_tests.rs", "unit tests of the registry's tables"),
    ("refs/registry.rs", "strict mode's warning reads the session's object types (a diagnostic, no call)"),
    ("value/from_python.rs", "converting a worker's reply with the one conversion table (no user code)"),
    ("backend/request.rs", "converting a worker call's arguments, inside supervise::remote"),
    ("backend/worker/protocol.rs", "the host-side stand-in of a worker's exception"),
    ("backend/double.rs", "the stand-in exception a test double raises"),
];

#[test]
fn the_table_covers_every_door_the_runtime_uses() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../snakebridge-runtime/src");
    let mut used = BTreeSet::new();
    let mut stray = Vec::new();
    for file in rust_files(&src) {
        let rel = file.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        if rel.starts_with("env/") {
            continue; // provisioning runs Python in subprocesses, not in the embedded interpreter
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, _) in text.match_indices("Door::") {
            let name: String = text[i + 6..].chars().take_while(|c| c.is_alphanumeric()).collect();
            if rel != "supervise.rs" {
                used.insert(name);
            }
        }
        let attaches = text.contains("with_gil(") || text.contains("Python::attach(");
        if attaches && !DIRECT_ATTACH.iter().any(|(f, _)| *f == rel) {
            stray.push(rel);
        }
    }
    let covered: BTreeSet<String> = CASES.iter().map(|c| c.door.to_owned()).collect();
    let missing: Vec<_> = used.difference(&covered).collect();
    assert!(missing.is_empty(), "doors with no case in CASES: {missing:?}");
    assert!(stray.is_empty(), "files that attach the interpreter outside the call pipeline: {stray:?}");
}

fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// A stream started with a per-call session is read in that session, not the thread's.
#[test]
fn a_stream_with_a_per_call_session_is_read_in_it() {
    let session = Session::new();
    let mut total = 0;
    let args = snakebridge::Args::new().arg(3).session(&session);
    let count = snakebridge::stream("builtins", "range", args, |n: i64| total += n).unwrap();
    assert_eq!((count, total), (3, 3));
    let args = snakebridge::Args::new().arg(2).session(&session);
    let items: Vec<i64> = iterate::<i64>("builtins", "range", args).unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(items, [0, 1]);
}

/// Options given with the arguments are laid over those of an enclosing scope: the scope's
/// session stays, the call's own limit wins.
#[test]
fn call_options_nest_field_by_field() {
    let _serial = setup();
    set_sleep(0.0);
    let session = Session::new();
    let outer = CallOptions::new().session(&session).timeout(Duration::from_secs(30));
    let made = outer.run(|| {
        let args = snakebridge::Args::new().arg(1).timeout(Duration::from_secs(5));
        call("sb_pipeline", "nap", args)
    });
    assert_eq!(made.unwrap().as_ref().unwrap().session_id(), session.id());
}
