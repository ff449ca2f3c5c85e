//! `with_python`: Python context managers from Rust, against the real interpreter.

mod support;

use std::panic::{catch_unwind, AssertUnwindSafe};

use snakebridge::pyo3::prelude::*;
use snakebridge::{attr, call, method, with_python, Error, Ref, Value};

fn module(code: &str) -> Ref {
    support::fresh_module("sb_test_ctx", code)
}

/// A context manager that records how `__exit__` was called.
const RECORDER: &str = r#"
class Recorder:
    def __init__(self, suppress=False, raise_in_exit=False, entered=42):
        self.suppress = suppress
        self.raise_in_exit = raise_in_exit
        self.entered = entered
        self.events = []

    def __enter__(self):
        self.events.append("enter")
        return self.entered

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.events.append("exit clean" if exc is None and tb is None else "exit half")
        else:
            assert isinstance(exc, exc_type)
            self.events.append("exit %s: %s (traceback %s)" % (exc_type.__name__, exc, "yes" if tb is not None else "no"))
        if self.raise_in_exit:
            raise KeyError("exit failed")
        return self.suppress

def fail():
    raise ValueError("bad input")

class NoExit:
    def __enter__(self):
        return self
"#;

fn recorder(m: &Ref, kwargs: snakebridge::Args<'_>) -> Ref {
    let r = snakebridge::method(m, "Recorder", kwargs).unwrap();
    r.as_ref().unwrap().clone()
}

fn events(r: &Ref) -> Vec<String> {
    attr(r, "events").unwrap().extract().unwrap()
}

#[test]
fn a_file_opened_for_writing_is_closed_after_the_scope() {
    let path = std::env::temp_dir().join(format!("sb-ctx-{}.txt", std::process::id()));
    let file = call("builtins", "open", (path.to_str().unwrap(), "w")).unwrap();
    let file = file.as_ref().unwrap();
    let written = with_python(file, |f: Ref| {
        method(&f, "write", ("hello\n",))?;
        method(&f, "write", ("world\n",))?;
        Ok(12)
    })
    .unwrap();
    assert_eq!(written, Some(12));
    assert_eq!(attr(file, "closed").unwrap(), Value::Bool(true));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "hello\nworld\n");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn success_calls_exit_with_three_nones_and_passes_the_entered_value() {
    let m = module(RECORDER);
    let r = recorder(&m, snakebridge::args!());
    let got = with_python(&r, |entered: i64| Ok(entered + 1)).unwrap();
    assert_eq!(got, Some(43));
    assert_eq!(events(&r), ["enter", "exit clean"]);
}

#[test]
fn a_python_error_in_the_block_reaches_exit_with_type_value_and_traceback() {
    let m = module(RECORDER);
    let r = recorder(&m, snakebridge::args!());
    let err = with_python(&r, |_: Value| method(&m, "fail", ())).unwrap_err();
    assert!(err.is_python("ValueError"), "{err}");
    assert_eq!(events(&r), ["enter", "exit ValueError: bad input (traceback yes)"]);

    // A C function raising straight to Rust has no Python frame, hence no traceback.
    let r = recorder(&m, snakebridge::args!());
    let err = with_python(&r, |_: Value| call("math", "sqrt", (-1,))).unwrap_err();
    assert!(err.is_python("ValueError"), "{err}");
    assert_eq!(events(&r), ["enter", "exit ValueError: math domain error (traceback no)"]);
}

#[test]
fn exit_returning_true_suppresses_the_error() {
    let m = module(RECORDER);
    let r = recorder(&m, snakebridge::args!(suppress = true));
    let got: Option<()> = with_python(&r, |_: Value| {
        call("math", "sqrt", (-1,))?;
        Ok(())
    })
    .unwrap();
    assert_eq!(got, None, "suppressed: no value, no error");
    assert_eq!(events(&r).len(), 2);
}

#[test]
fn a_rust_error_in_the_block_reaches_exit_as_an_exception() {
    let m = module(RECORDER);
    let r = recorder(&m, snakebridge::args!());
    let err = with_python(&r, |_: Value| call("math", "pi", ()).map(drop)).unwrap_err();
    assert!(matches!(err, Error::NotCallable { .. }), "{err}");
    let ev = events(&r);
    assert!(ev[1].starts_with("exit RuntimeError: `math.pi` is a `float`"), "{ev:?}");
}

#[test]
fn a_panic_in_the_block_calls_exit_then_continues() {
    let m = module(RECORDER);
    let r = recorder(&m, snakebridge::args!(suppress = true));
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let _ = with_python(&r, |_: Value| -> snakebridge::Result<()> { panic!("the block gave up") });
    }));
    let payload = outcome.expect_err("the panic must continue, even though __exit__ returned True");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"the block gave up"));
    assert_eq!(
        events(&r),
        ["enter", "exit RustPanic: the body of with_python panicked: the block gave up (traceback no)"]
    );
}

#[test]
fn an_exit_that_raises_gives_its_own_error_chained_to_the_block_error() {
    let m = module(RECORDER);
    let r = recorder(&m, snakebridge::args!(raise_in_exit = true));
    let err = with_python(&r, |_: Value| call("math", "sqrt", (-1,))).unwrap_err();
    assert!(err.is_python("KeyError"), "{err}");
    let context = snakebridge::with_gil(|py| {
        let exc = err.as_python().unwrap().exception().bind(py).clone();
        Ok(exc.getattr("__context__")?.get_type().name()?.to_string())
    })
    .unwrap();
    assert_eq!(context, "ValueError");

    let r = recorder(&m, snakebridge::args!(raise_in_exit = true));
    let err = with_python(&r, |_: Value| Ok(())).unwrap_err();
    assert!(err.is_python("KeyError"), "an exit that raises after success is an error too: {err}");
}

#[test]
fn an_entered_value_that_does_not_convert_still_exits() {
    let m = module(RECORDER);
    let r = recorder(&m, snakebridge::args!(entered = "text"));
    let err = with_python(&r, |n: i64| Ok(n)).unwrap_err();
    assert!(matches!(err, Error::Conversion { .. }), "{err}");
    assert!(events(&r)[1].starts_with("exit TypeError"), "{:?}", events(&r));
}

#[test]
fn an_object_without_the_protocol_is_a_clear_error_and_is_not_entered() {
    let m = module(RECORDER);
    let obj = method(&m, "NoExit", ()).unwrap();
    let err = with_python(obj.as_ref().unwrap(), |_: Value| Ok(())).unwrap_err();
    assert!(err.to_string().contains("context manager"), "{err}");
}
