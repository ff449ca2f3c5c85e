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

/// Functions and classes of `python!` blocks have no importable module: the runtime sends them
/// by value (cloudpickle) through multiprocessing's pickler, with every start method, values
/// captured from Rust included.
#[test]
fn python_block_functions_and_classes_run_in_worker_processes() {
    let factor = 3_i64;
    let scale = python! {
        class Scaled:
            def __init__(self, x):
                self.value = x * #factor
        def scale(x):
            return Scaled(x).value
        scale
    }
    .unwrap();
    let scale = scale.as_ref().expect("a function is a ref").clone();
    for start_method in ["spawn", "forkserver", "fork"] {
        let pool = executor(start_method);
        let got: Vec<i64> = list(method(&pool, "map", (&scale, vec![1, 2, 3])).unwrap()).extract().unwrap();
        assert_eq!(got, vec![3, 6, 9], "{start_method}");
        method(&pool, "shutdown", ()).unwrap();
    }
    let pool: Ref = method(&context("spawn"), "Pool", (2,)).unwrap().extract().unwrap();
    let got: Vec<i64> = method(&pool, "map", (&scale, vec![4, 5])).unwrap().extract().unwrap();
    assert_eq!(got, vec![12, 15]);
    method(&pool, "close", ()).unwrap();
    method(&pool, "join", ()).unwrap();
}

/// A helper file's functions (module `snakebridge_user_helpers.<stem>`, loaded from a path the
/// worker does not know) reach workers the same way.
#[test]
fn helper_file_functions_run_in_worker_processes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("poolwork.py"),
        "from snakebridge_helpers import helper\n\nOFFSET = 100\n\n\ndef shift(x):\n    return x + OFFSET\n\n\n\
         @helper(\"poolwork.work\")\ndef work(x):\n    return shift(x) * 2\n",
    )
    .unwrap();
    snakebridge::configure_helpers(snakebridge::HelperConfig::empty().path(dir.path()));
    assert_eq!(snakebridge::call_helper("poolwork.work", (1,)).unwrap(), Value::from(202));
    let work = get("snakebridge_user_helpers.poolwork", "work").unwrap();
    let pool = executor("spawn");
    let got: Vec<i64> = list(method(&pool, "map", (work, vec![0, 1])).unwrap()).extract().unwrap();
    assert_eq!(got, vec![200, 202]);
    method(&pool, "shutdown", ()).unwrap();
    // cloudpickle (what Dask and Ray send functions with) sends the helper by value too: a
    // fresh Python that has never seen the helper file runs it.
    let work = get("snakebridge_user_helpers.poolwork", "work").unwrap();
    let ran: i64 = python! {
        import cloudpickle, subprocess, sys
        loader = "import pickle, sys; print(pickle.loads(sys.stdin.buffer.read())(5))"
        out = subprocess.run([sys.executable, "-c", loader], input=cloudpickle.dumps(#work), capture_output=True, check=True)
        int(out.stdout)
    }
    .unwrap()
    .extract()
    .unwrap();
    assert_eq!(ran, 210);
}

const NO_CLOUDPICKLE: &str = "SNAKEBRIDGE_TEST_NO_CLOUDPICKLE_CHILD";

/// Without cloudpickle in the venv, a `python!` function sent to a worker is a typed error that
/// names the function and the fix; the pool stays usable for importable functions. Run in a
/// child process, which hides cloudpickle from its interpreter.
#[test]
fn without_cloudpickle_a_block_function_is_a_clear_error() {
    if std::env::var_os(NO_CLOUDPICKLE).is_none() {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "without_cloudpickle_a_block_function_is_a_clear_error", "--nocapture"])
            .env(NO_CLOUDPICKLE, "1")
            .output()
            .unwrap();
        let text = format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{text}");
        assert!(text.contains("1 passed"), "the child ran the test: {text}");
        return;
    }
    python! {
        import sys
        sys.modules["cloudpickle"] = None
    }
    .unwrap();
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
    let text = err.to_string();
    assert!(text.contains("square") && text.contains("install cloudpickle"), "names the function and the fix: {text}");
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
