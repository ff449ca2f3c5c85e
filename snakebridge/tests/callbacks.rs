//! Rust closures as Python callables, against the real interpreter.

mod support;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use snakebridge::{args, call, call_as, iterate, method, method_as, release_ref, Callback, Error, Ref, Value};

fn module(code: &str) -> Ref {
    support::fresh_module("sb_test_cb", code)
}

const DRIVERS: &str = r#"
import threading

kept = []

def apply(f, *args):
    return f(*args)

def apply_catching(f, *args):
    try:
        return ("ok", f(*args))
    except Exception as e:          # RustPanic must be an Exception, not only a BaseException
        return (type(e).__name__, str(e))

def keep(f):
    kept.append(f)

def call_kept(*args):
    return kept[-1](*args)

def in_threads(f, n):
    results = [None] * n
    def work(i):
        results[i] = (threading.get_ident(), f(i))
    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
"#;

#[test]
fn map_and_sorted_call_rust_closures() {
    let double = Callback::new(|x: i64| x * 2);
    let doubled: Vec<i64> =
        iterate::<i64>("builtins", "map", (&double, vec![1, 2, 3])).unwrap().map(Result::unwrap).collect();
    assert_eq!(doubled, [2, 4, 6]);

    let by_length = Callback::new(|s: String| s.len());
    let sorted: Vec<String> = call_as("builtins", "sorted", args!(vec!["ccc", "a", "bb"], key = &by_length)).unwrap();
    assert_eq!(sorted, ["a", "bb", "ccc"]);

    let add = Callback::named("add", |a: f64, b: f64| a + b);
    let total: f64 = call_as("functools", "reduce", (&add, vec![1.5, 2.0, 3.5])).unwrap();
    assert_eq!(total, 7.0);
}

#[test]
fn numpy_calls_a_rust_callback() {
    let square = Callback::new(|x: f64| x * x);
    let vectorized = call("numpy", "vectorize", (&square,)).unwrap();
    let arr = call("numpy", "arange", (4.0,)).unwrap();
    let out = vectorized.as_ref().unwrap().call((arr,)).unwrap();
    let list: Vec<f64> = method_as(out.as_ref().unwrap(), "tolist", ()).unwrap();
    assert_eq!(list, [0.0, 1.0, 4.0, 9.0]);
}

#[test]
fn scipy_minimizes_a_rust_function() {
    let parabola = Callback::named("parabola", |x: f64| (x - 1.5).powi(2) + 0.25);
    let result = call("scipy.optimize", "minimize_scalar", (&parabola,)).unwrap();
    let result = result.as_ref().expect("an OptimizeResult is a ref");
    let x: f64 = snakebridge::attr(result, "x").unwrap().extract().unwrap();
    let fun: f64 = snakebridge::attr(result, "fun").unwrap().extract().unwrap();
    assert!((x - 1.5).abs() < 1e-6, "{x}");
    assert!((fun - 0.25).abs() < 1e-9, "{fun}");

    // An exception in the objective stops the optimizer and comes back to Rust.
    let fails =
        Callback::named("fails", |x: f64| -> snakebridge::Result<f64> { call("math", "log", (x - 100.0,))?.extract() });
    let err = call("scipy.optimize", "minimize_scalar", (&fails,)).unwrap_err();
    assert!(err.is_python("ValueError"), "{err}");
}

#[test]
fn python_threads_call_a_rust_callback() {
    let m = module(DRIVERS);
    let threads_seen = Arc::new(Mutex::new(HashSet::new()));
    let seen = threads_seen.clone();
    let cb = Callback::named("square_in_thread", move |i: i64| {
        seen.lock().unwrap().insert(std::thread::current().id());
        // A snakebridge call from inside the callback, on the Python thread.
        let root: f64 = call("math", "sqrt", ((i * i) as f64,))?.extract()?;
        // A ref made here lives in the Python thread's auto-session, released when it ends.
        let path = call("pathlib", "PurePosixPath", ("/data", i.to_string()))?;
        assert_eq!(path.as_ref().unwrap().to_string(), format!("/data/{i}"));
        Ok(root as i64 * i)
    });
    let results: Vec<(u64, i64)> = method_as(&m, "in_threads", (&cb, 8)).unwrap();
    assert_eq!(results.iter().map(|r| r.1).collect::<Vec<_>>(), (0..8).map(|i| i * i).collect::<Vec<_>>());
    // Python reuses thread idents once a thread has ended; Rust thread ids are never reused.
    assert_eq!(results.len(), 8);
    let seen = threads_seen.lock().unwrap();
    assert_eq!(seen.len(), 8, "each of the 8 Python threads called the closure: {seen:?}");
    assert!(!seen.contains(&std::thread::current().id()), "not on the calling thread");
}

#[test]
fn a_panic_becomes_a_python_exception_then_a_rust_error() {
    let m = module(DRIVERS);
    let boom = Callback::named("boom", |x: i64| -> i64 { panic!("cannot handle {x}") });

    let caught: (String, String) = method_as(&m, "apply_catching", (&boom, 7)).unwrap();
    assert_eq!(caught.0, "RustPanic");
    assert_eq!(caught.1, "the Rust callback `boom` panicked: cannot handle 7");

    let err = method(&m, "apply", (&boom, 7)).unwrap_err();
    assert!(err.is_python("RustPanic") && err.is_python("RuntimeError"), "{err}");
    assert!(err.is::<snakebridge::RustPanic>());
    assert!(err.to_string().contains("cannot handle 7"), "{err}");

    // The interpreter and the callback are still usable afterwards.
    let fine = Callback::new(|x: i64| x + 1);
    assert_eq!(method(&m, "apply", (&fine, 1)).unwrap(), Value::from(2));
}

#[test]
fn wrong_arity_and_keywords_are_type_errors() {
    let m = module(DRIVERS);
    let one = Callback::named("one", |x: i64| x);
    let err = method(&m, "apply", (&one, 1, 2)).unwrap_err();
    assert!(err.is_python("TypeError"), "{err}");
    assert!(err.to_string().contains("one() takes 1 positional argument but 2 were given"), "{err}");

    let none = Callback::named("none", || 5);
    assert_eq!(method(&m, "apply", (&none,)).unwrap(), Value::from(5));
    let err = method(&m, "apply", (&none, 1)).unwrap_err();
    assert!(err.to_string().contains("none() takes 0 positional arguments but 1 was given"), "{err}");

    let err = call("builtins", "sorted", args!(vec![1, 2], key = &Callback::new(|a: i64, b: i64| a + b))).unwrap_err();
    assert!(err.is_python("TypeError"), "{err}");
}

#[test]
fn an_argument_that_does_not_convert_is_a_type_error() {
    let m = module(DRIVERS);
    let cb = Callback::named("wants_int", |x: i64| x);
    let err = method(&m, "apply", (&cb, "seven")).unwrap_err();
    assert!(err.is_python("TypeError"), "{err}");
    assert!(err.to_string().contains("as argument 1"), "{err}");
}

#[test]
fn a_call_after_the_owner_is_dropped_is_a_clear_error() {
    let m = module(DRIVERS);
    let cb = Callback::named("short_lived", |x: i64| x);
    method(&m, "keep", (&cb,)).unwrap();
    assert_eq!(method(&m, "call_kept", (3,)).unwrap(), Value::from(3));
    drop(cb);
    let err = method(&m, "call_kept", (3,)).unwrap_err();
    assert!(err.is_python("RuntimeError"), "{err}");
    assert!(
        err.to_string().contains("`short_lived` was called after its `snakebridge::Callback` was dropped"),
        "{err}"
    );
}

#[test]
fn a_return_value_python_cannot_take_is_an_exception() {
    let m = module(DRIVERS);
    let path = call("pathlib", "Path", ("/tmp",)).unwrap().as_ref().unwrap().clone();
    release_ref(&path);
    let cb = Callback::named("stale", move || path.clone());
    let err = method(&m, "apply", (&cb,)).unwrap_err();
    assert!(err.is_python("RuntimeError"), "{err}");
    assert!(err.to_string().contains("no longer available"), "{err}");
}

#[test]
fn an_error_result_raises_the_original_python_exception() {
    let m = module(DRIVERS);
    let cb = Callback::new(|x: f64| -> snakebridge::Result<f64> { call("math", "log", (x,))?.extract() });
    assert!((method_as::<f64>(&m, "apply", (&cb, 1.0)).unwrap()).abs() < 1e-12);
    let err = method(&m, "apply", (&cb, -1.0)).unwrap_err();
    assert!(err.is_python("ValueError"), "{err}");

    let caught: (String, String) = method_as(&m, "apply_catching", (&cb, 0.0)).unwrap();
    assert_eq!(caught.0, "ValueError");
}

#[test]
fn variadic_callbacks_take_any_arguments() {
    let m = module(DRIVERS);
    let count = Callback::variadic("count", |args: Vec<Value>| args.len());
    assert_eq!(method(&m, "apply", (&count, 1, "two", 3.0)).unwrap(), Value::from(3));
    assert_eq!(method(&m, "apply", (&count,)).unwrap(), Value::from(0));
}

#[test]
fn the_same_python_object_is_passed_each_time_and_has_a_repr() {
    let cb = Callback::named("ident", |x: i64| x);
    let same: bool = call_as("operator", "is_", (&cb, &cb)).unwrap();
    assert!(same);
    // Python sees a builtin function (called like a `#[pyfunction]`, without an argument
    // tuple) bound to the callback object, whose repr names the closure.
    let repr: String = call_as("builtins", "repr", (&cb,)).unwrap();
    assert!(repr.starts_with("<built-in method ident of snakebridge.RustCallback"), "{repr}");
    let name: String = call_as("builtins", "getattr", (&cb, "__name__")).unwrap();
    assert_eq!(name, "ident");
    let owner = call("builtins", "getattr", (&cb, "__self__")).unwrap();
    let repr: String = call_as("builtins", "repr", (&owner,)).unwrap();
    assert_eq!(repr, "<RustCallback ident>");
    let err: Error = call("builtins", "repr", (&Callback::new(|| 1), 2)).unwrap_err();
    assert!(err.is_python("TypeError"));
}
