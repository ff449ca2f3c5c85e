//! Python's own process pools driven from Rust: `concurrent.futures.ProcessPoolExecutor` and
//! `multiprocessing.Pool` with the spawn, forkserver and fork start methods. Workers are the
//! venv's Python (the embedded interpreter's `sys.executable`), so they import the user's own
//! modules (tests/python/sb_work.py) from the same `sys.path`.

use snakebridge::{args, call, get, method, python, Error, Ref, Value};

const INPUTS: [i64; 4] = [2_000, 3_000, 4_000, 5_000];

fn count_primes_here(n: i64) -> i64 {
    call("sb_work", "count_primes", (n,)).unwrap().extract().unwrap()
}

fn context(start_method: &str) -> Ref {
    call("multiprocessing", "get_context", (start_method,)).unwrap().extract().unwrap()
}

fn executor(start_method: &str) -> Ref {
    call("concurrent.futures", "ProcessPoolExecutor", args!(max_workers = 2, mp_context = context(start_method)))
        .unwrap()
        .extract()
        .unwrap()
}

fn list(iterable: Value) -> Value {
    call("builtins", "list", (iterable,)).unwrap()
}

#[test]
fn process_pool_executor_runs_the_users_module_with_every_start_method() {
    let expected: Vec<i64> = INPUTS.iter().map(|&n| count_primes_here(n)).collect();
    let venv = snakebridge::init(snakebridge::RuntimeConfig::default()).unwrap().executable.clone();
    let f = get("sb_work", "count_primes").unwrap();
    for start_method in ["spawn", "forkserver", "fork"] {
        let pool = executor(start_method);
        let got: Vec<i64> = list(method(&pool, "map", (f.clone(), INPUTS.to_vec())).unwrap()).extract().unwrap();
        assert_eq!(got, expected, "{start_method}");
        let who = method(&pool, "submit", (get("sb_work", "identity").unwrap(),)).unwrap();
        let who: std::collections::HashMap<String, Value> =
            method(who.as_ref().unwrap(), "result", ()).unwrap().extract().unwrap();
        assert_ne!(who["pid"].clone().extract::<u32>().unwrap(), std::process::id(), "{start_method}: ran in a worker");
        assert_eq!(who["executable"].clone().extract::<String>().unwrap(), venv.to_string_lossy(), "{start_method}");
        method(&pool, "shutdown", ()).unwrap();
    }
}

#[test]
fn multiprocessing_pool_maps_with_spawn_and_forkserver() {
    let expected: Vec<i64> = INPUTS.iter().map(|&n| count_primes_here(n)).collect();
    for start_method in ["spawn", "forkserver"] {
        let pool: Ref = method(&context(start_method), "Pool", (2,)).unwrap().extract().unwrap();
        let got: Vec<i64> = method(&pool, "map", (get("sb_work", "count_primes").unwrap(), INPUTS.to_vec()))
            .unwrap()
            .extract()
            .unwrap();
        assert_eq!(got, expected, "{start_method}");
        method(&pool, "close", ()).unwrap();
        method(&pool, "join", ()).unwrap();
    }
}

#[test]
fn a_killed_worker_is_a_typed_error_and_the_next_pool_works() {
    let pool = executor("spawn");
    let future = method(&pool, "submit", (get("sb_work", "die").unwrap(),)).unwrap();
    let err = method(future.as_ref().unwrap(), "result", args!(timeout = 60)).unwrap_err();
    assert!(err.is_python("BrokenProcessPool"), "{err}");
    let err = method(&pool, "submit", (get("sb_work", "count_primes").unwrap(), 10)).unwrap_err();
    assert!(err.is_python("BrokenProcessPool"), "a broken pool says so: {err}");
    method(&pool, "shutdown", ()).unwrap();
    let fresh = executor("spawn");
    let future = method(&fresh, "submit", (get("sb_work", "count_primes").unwrap(), 10)).unwrap();
    assert_eq!(method(future.as_ref().unwrap(), "result", ()).unwrap().extract::<i64>().unwrap(), 4);
    method(&fresh, "shutdown", ()).unwrap();
}

/// A function defined in `python!` (or anywhere without an importable module, such as the
/// embedded `__main__`, which has no file) cannot be found by a spawned worker: pickle sends
/// functions by name. It is a typed error naming the function; fork workers inherit the
/// parent's memory, so there it works only for functions reachable by name. The documented way
/// is a module on `sys.path` (docs/scaling-out.md).
#[test]
fn a_function_without_an_importable_module_is_a_clear_error() {
    let square = python! {
        def square(x):
            return x * x
        square
    }
    .unwrap();
    let square = square.as_ref().expect("a function is a ref").clone();
    let pool = executor("spawn");
    let err = method(&pool, "map", (&square, vec![1, 2, 3])).and_then(list_checked).unwrap_err();
    assert!(matches!(err, Error::Python(_)), "{err:?}");
    assert!(err.to_string().contains("square"), "names the function: {err}");
    eprintln!("python! function in a spawn pool: {err}");
    // In-process it is an ordinary function, and the pool is still usable for importable ones.
    assert_eq!(snakebridge::call_ref(&square, (3,)).unwrap().extract::<i64>().unwrap(), 9);
    let got: Vec<i64> =
        list(method(&pool, "map", (get("sb_work", "count_primes").unwrap(), vec![10])).unwrap()).extract().unwrap();
    assert_eq!(got, vec![4]);
    method(&pool, "shutdown", ()).unwrap();
}

fn list_checked(iterable: Value) -> snakebridge::Result<Value> {
    call("builtins", "list", (iterable,))
}
