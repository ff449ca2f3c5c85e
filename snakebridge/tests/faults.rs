//! Faults a careful user can cause: start-up configurations that would make CPython exit the
//! process, `init` after start, callback recursion past the stack, and refs used across the
//! session boundary. None aborts the process: the start-up and recursion cases run this test
//! binary again as a child process.

use std::process::Command;

use snakebridge::pyo3::prelude::PyAnyMethods;

use snakebridge::{
    call, call_as, call_ref, current_session, method, release_ref, release_session, session_ref_count, wire,
    with_session, Callback, Error, Ref, RuntimeConfig, Session, Value,
};

/// Runs the test `name` of this binary in a child process with `env`; its exit status and output.
fn child(name: &str, env: &[(&str, &str)]) -> (bool, String) {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", name, "--nocapture", "--include-ignored"]).env("SB_FAULT_CHILD", name);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

fn is_child(name: &str) -> bool {
    std::env::var("SB_FAULT_CHILD").ok().as_deref() == Some(name)
}

fn new_ref(module: &str, class: &str, args: impl snakebridge::IntoArgs) -> Ref {
    call(module, class, args).unwrap().as_ref().expect("a ref").clone()
}

#[test]
#[ignore = "run as a child process by start_up_configurations_that_would_exit_are_errors"]
fn child_start_error() {
    if !is_child("child_start_error") {
        return;
    }
    let err = call("math", "sqrt", (4,)).unwrap_err();
    assert!(matches!(err, Error::Interpreter { .. }), "{err:?}");
    println!("START ERROR: {err}");
    assert!(matches!(call("math", "pi", ()), Err(Error::Interpreter { .. })), "later calls say the same");
}

#[test]
fn start_up_configurations_that_would_exit_are_errors() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("lib")).unwrap();
    let home = home.path().to_str().unwrap().to_owned();
    let cases: [(&str, &str, &str); 6] = [
        ("PYTHONHOME", &home, "unset PYTHONHOME"),
        ("PYTHONMALLOC", "bogus", "fix or unset PYTHONMALLOC"),
        ("PYTHONIOENCODING", "bogus", "fix or unset PYTHONIOENCODING"),
        ("PYTHONHASHSEED", "seven", "fix or unset PYTHONHASHSEED"),
        ("PYTHONUTF8", "yes", "fix or unset PYTHONUTF8"),
        ("PYTHONPLATLIBDIR", "nolib", "unset PYTHONPLATLIBDIR"),
    ];
    for (name, value, fix) in cases {
        let (ok, out) = child("child_start_error", &[(name, value)]);
        assert!(ok, "{name}={value}: the child did not come back with an error:\n{out}");
        assert!(!out.contains("Fatal Python error"), "{name}={value}: CPython got to abort:\n{out}");
        assert!(out.contains("START ERROR: Python interpreter:") && out.contains(fix), "{name}={value}:\n{out}");
    }
}

#[test]
fn init_with_another_config_after_start_is_an_error() {
    call("math", "sqrt", (4,)).unwrap();
    assert!(snakebridge::init(RuntimeConfig::default()).is_ok(), "the same config again is fine");
    let err = snakebridge::init(RuntimeConfig::with_venv("/elsewhere/venv")).unwrap_err();
    assert!(matches!(err, Error::Interpreter { .. }) && err.to_string().contains("already started"), "{err}");
    assert_eq!(call("math", "sqrt", (9,)).unwrap(), Value::Float(3.0));
}

const BOUNCE: &str = r#"
import sys
CB = None
def again(n):
    return CB(n)
def start(cb):
    global CB
    CB = cb
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(1_000_000)
    try:
        return again(0)
    finally:
        sys.setrecursionlimit(old)
        CB = None
"#;

#[test]
#[ignore = "run as a child process by callback_recursion_stops_before_the_stack_overflows"]
fn child_recursion() {
    if !is_child("child_recursion") {
        return;
    }
    snakebridge::with_gil(|py| {
        let m = snakebridge::pyo3::types::PyModule::from_code(
            py,
            &std::ffi::CString::new(BOUNCE).unwrap(),
            c"sb_bounce.py",
            c"sb_bounce",
        )?;
        py.import("sys")?.getattr("modules")?.set_item("sb_bounce", m)?;
        Ok(())
    })
    .unwrap();
    // A 2 MiB thread (std's default), the tightest stack calls commonly run on.
    let outcome = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let cb = Callback::new(|n: i64| call_as::<i64>("sb_bounce", "again", (n + 1,)));
            call("sb_bounce", "start", (&cb,))
        })
        .unwrap()
        .join()
        .unwrap();
    let err = outcome.unwrap_err();
    assert!(err.to_string().contains("RecursionError"), "{err}");
    println!("RECURSION: {err}");
    assert_eq!(call("math", "sqrt", (16,)).unwrap(), Value::Float(4.0), "the interpreter still works");
}

#[test]
fn callback_recursion_stops_before_the_stack_overflows() {
    let (ok, out) = child("child_recursion", &[]);
    assert!(ok && out.contains("RECURSION:"), "{out}");
}

// Sessions as a boundary.

/// A ref made on another thread, in that thread's auto-session, and the session's id.
fn foreign_ref() -> (Ref, String, std::sync::mpsc::Sender<()>, std::thread::JoinHandle<()>) {
    let (tx, rx) = std::sync::mpsc::channel();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let handle = std::thread::spawn(move || {
        let r = new_ref("collections", "deque", ([1, 2, 3],));
        tx.send((r, current_session())).unwrap();
        // Keep the thread (and its auto-session) alive until told.
        let _ = done_rx.recv();
    });
    let (r, id) = rx.recv().unwrap();
    (r, id, done_tx, handle)
}

#[test]
fn another_threads_auto_session_cannot_be_joined_used_or_released() {
    let (r, their_id, done, handle) = foreign_ref();
    assert!(their_id.starts_with("auto_") && their_id.len() == 5 + 32, "{their_id}");
    assert!(their_id[5..].bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{their_id}");
    assert_ne!(their_id, current_session());

    assert!(matches!(Session::join(&their_id), Err(Error::SessionNotFound { .. })));
    // An explicit session with the same text is another session.
    let imposter = Session::with_id(their_id.clone());
    assert_eq!(imposter.ref_count(), 0);
    let err = with_session(&imposter, || method(&r, "__len__", ())).unwrap_err();
    assert!(matches!(err, Error::SessionMismatch { .. }), "{err:?}");
    drop(imposter);
    assert_eq!(release_session(&their_id), 0, "another thread's auto-session is out of reach");
    assert_eq!(session_ref_count(&their_id), 0);

    // Every use of the ref from here checks the session, like `method` does.
    assert!(matches!(r.len(), Err(Error::SessionMismatch { .. })));
    assert!(matches!(r.str(), Err(Error::SessionMismatch { .. })));
    assert!(matches!(r.repr(), Err(Error::SessionMismatch { .. })));
    assert!(matches!(r.get_item(0), Err(Error::SessionMismatch { .. })));
    assert!(matches!(r.contains(1), Err(Error::SessionMismatch { .. })));
    assert!(matches!(r.py_hash(), Err(Error::SessionMismatch { .. })));
    assert!(matches!(r.iter(), Err(Error::SessionMismatch { .. })));
    assert!(matches!(call_ref(&r, ()), Err(Error::SessionMismatch { .. })));
    assert!(matches!(call("builtins", "len", (&r,)), Err(Error::SessionMismatch { .. })));
    // Debug is the handle only; Display says why it cannot show str().
    let debug = format!("{r:?}");
    assert!(debug.starts_with("<Ref collections.deque ref_") && !debug.contains("[1, 2, 3]"), "{debug}");
    let shown = r.to_string();
    assert!(shown.contains("str() failed") && !shown.contains("[1, 2, 3]"), "{shown}");
    // release_ref from here leaves it alone.
    release_ref(&r);
    assert!(r.is_alive(), "a ref of another session was released");

    done.send(()).unwrap();
    handle.join().unwrap();
    assert!(!r.is_alive(), "the thread's end released its auto-session");
}

#[test]
fn auto_session_ids_are_not_sequential() {
    let ids: Vec<String> = (0..4).map(|_| std::thread::spawn(current_session).join().unwrap()).collect();
    for pair in ids.windows(2) {
        assert_ne!(pair[0], pair[1]);
        // No shared prefix beyond chance: the old ids were `auto_{n}_{unix_ms}`.
        let common = pair[0].bytes().zip(pair[1].bytes()).take_while(|(a, b)| a == b).count();
        assert!(common < 5 + 8, "{ids:?}");
    }
}

#[test]
fn forged_and_non_canonical_ids_are_typed_errors() {
    let r = new_ref("collections", "OrderedDict", ());
    let text = wire::to_string(&Value::Ref(r.clone())).unwrap();
    let upper = text.replace(&r.id(), &r.id().to_uppercase().replacen("REF_", "ref_", 1));
    assert_ne!(upper, text);
    assert!(matches!(wire::from_str(&upper), Err(Error::InvalidRef { .. })), "one ref has one id");
    let forged = text.replace(&r.id()[4..], &"0".repeat(32));
    let forged = wire::from_str(&forged).unwrap();
    let err = method(forged.as_ref().unwrap(), "keys", ()).unwrap_err();
    assert!(matches!(err, Error::RefNotFound { .. }), "{err:?}");
    // The real one, read back, still works in its own session.
    let back = wire::from_str(&text).unwrap();
    assert!(method(back.as_ref().unwrap(), "keys", ()).is_ok());
}

#[test]
fn releasing_a_live_session_keeps_its_limits() {
    let session = Session::builder().max_refs(2).build();
    let refs: Vec<Value> = (0..3).map(|_| session.run(|| call("builtins", "object", ())).unwrap()).collect();
    assert_eq!(session.ref_count(), 2);
    assert_eq!(release_session(session.id()), 2);
    let more: Vec<Value> = (0..3).map(|_| session.run(|| call("builtins", "object", ())).unwrap()).collect();
    assert_eq!(session.ref_count(), 2, "the cap still holds after release_session");
    drop((refs, more));
}
