//! Ray from Rust: a local `ray.init()`, remote tasks and an actor over functions of the user's
//! own module (tests/python/sb_work.py), ObjectRefs held as `Ref`s and awaited from tokio, our
//! timeouts and cancellation reaching the task (`ray.cancel`), a killed worker as a typed error.
//!
//! Starting Ray takes seconds, so the binary starts it once (`ray_from_rust`) and runs the
//! cases in turn. Workers are the venv's Python (`sys.executable`) and import
//! `sb_work` through `PYTHONPATH` (scripts/test sets it; Ray workers do not get the driver's
//! `sys.path`).

use std::time::{Duration, Instant};

use snakebridge::{args, attr, call, get, method, python_module, r#async, CallOptions, Error, Ref, Value};

#[python_module("ray", include = ["init", "get", "put", "remote", "cancel", "is_initialized", "wait", "shutdown"])]
mod ray {}

/// `ray.remote(f)` for `sb_work.<name>`.
fn remote(name: &str) -> Ref {
    ray::remote_with(args!(get("sb_work", name).unwrap())).unwrap().extract().unwrap()
}

fn submit(task: &Ref, args: impl snakebridge::IntoArgs) -> Ref {
    method(task, "remote", args).unwrap().extract().unwrap()
}

fn remote_tasks_run_and_their_object_refs_are_refs() {
    let task = remote("count_primes");
    let refs: Vec<Ref> = [100, 1_000, 2_000].iter().map(|&n| submit(&task, (n,))).collect();
    assert!(refs.iter().all(|r| r.type_name() == "ObjectRef"), "{refs:?}");
    let got: Vec<i64> = ray::get(refs.clone()).unwrap().extract().unwrap();
    let here: Vec<i64> = [100, 1_000, 2_000]
        .iter()
        .map(|&n| call("sb_work", "count_primes", (n,)).unwrap().extract().unwrap())
        .collect();
    assert_eq!(got, here);
    let put: Ref = ray::put(vec![1, 2, 3]).unwrap().extract().unwrap();
    assert_eq!(ray::get(put).unwrap().extract::<Vec<i64>>().unwrap(), vec![1, 2, 3]);
    let who = ray::get(submit(&remote("identity"), ())).unwrap();
    let who: std::collections::HashMap<String, Value> = who.extract().unwrap();
    let ours = snakebridge::init(snakebridge::RuntimeConfig::default()).unwrap();
    assert_eq!(who["executable"].clone().extract::<String>().unwrap(), ours.executable.to_string_lossy());
}

fn an_actor_keeps_its_state_between_calls() {
    let counter_class = remote("Counter");
    let counter: Ref = method(&counter_class, "remote", (10,)).unwrap().extract().unwrap();
    let add: Ref = attr(&counter, "add").unwrap().extract().unwrap();
    let mut total = 10;
    for n in 1..=3 {
        total += n;
        let r = submit(&add, (n,));
        assert_eq!(ray::get(r).unwrap().extract::<i64>().unwrap(), total);
    }
}

async fn object_refs_are_awaited_from_tokio() {
    // Refs belong to a session; the async job runs in the one current where its future is made.
    let session = snakebridge::Session::with_id("ray_tokio");
    let r = {
        let session = snakebridge::Session::join("ray_tokio").unwrap();
        tokio::task::spawn_blocking(move || {
            snakebridge::with_session(&session, || submit(&remote("count_primes"), (1_000,)))
        })
        .await
        .unwrap()
    };
    let v = snakebridge::with_session(&session, || r#async::await_coroutine(&r)).await.unwrap();
    assert_eq!(v.extract::<i64>().unwrap(), 168);
}

fn a_timeout_cancels_the_remote_task() {
    let r = submit(&remote("slow"), (60,));
    let started = Instant::now();
    let err = CallOptions::new().timeout(Duration::from_secs(2)).run(|| snakebridge::await_coroutine(&r)).unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());
    // The timeout reached the task: ray.cancel was called, so getting it says so at once,
    // not when the 60 s sleep would have ended.
    let err = ray::get(r).unwrap_err();
    assert!(err.is_python("TaskCancelledError"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(40), "cancelled promptly: {:?}", started.elapsed());
}

fn ray_cancel_from_rust_and_a_killed_worker_are_typed_errors_and_the_next_call_works() {
    let r = submit(&remote("slow"), (60,));
    let started = Instant::now();
    ray::cancel_with(r.clone(), args!(force = true)).unwrap();
    let err = ray::get(r).unwrap_err();
    assert!(err.is_python("TaskCancelledError") || err.is_python("WorkerCrashedError"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(40), "{:?}", started.elapsed());

    let die = remote("die");
    let die: Ref = method(&die, "options", args!(max_retries = 0)).unwrap().extract().unwrap();
    let err = ray::get(submit(&die, ())).unwrap_err();
    assert!(err.is_python("WorkerCrashedError"), "{err}");
    assert_eq!(ray::get(submit(&remote("count_primes"), (10,))).unwrap().extract::<i64>().unwrap(), 4);
}

/// A Ray task round trip (`ray.get(f.remote(x))`) from Rust and from Python in the same
/// cluster; printed for docs/scaling-out.md, and Rust must stay within 2× of Python.
fn a_round_trip_from_rust_is_close_to_one_from_python() {
    let task = remote("count_primes");
    let n = 30;
    for _ in 0..5 {
        ray::get(submit(&task, (10,))).unwrap();
    }
    let started = Instant::now();
    for _ in 0..n {
        ray::get(submit(&task, (10,))).unwrap();
    }
    let rust = started.elapsed() / n;
    // The same loop in Python, over the same remote function.
    let python: f64 = snakebridge::python! {
        import ray, time
        def timing(task, n):
            for _ in range(5):
                ray.get(task.remote(10))
            started = time.perf_counter()
            for _ in range(n):
                ray.get(task.remote(10))
            return (time.perf_counter() - started) / n
        timing(#(task.clone()), #n)
    }
    .unwrap()
    .extract()
    .unwrap();
    let python = Duration::from_secs_f64(python);
    eprintln!("ray round trip: from Rust {rust:?}, from Python {python:?}");
    assert!(rust < python * 2, "from Rust {rust:?} vs from Python {python:?}");
}

/// One test: starting Ray takes seconds, so it starts once and the cases run in turn on this
/// thread. Ray's processes are started with `PR_SET_PDEATHSIG`, which Linux fires when the
/// *thread* that started them exits, and Python's atexit hooks (ray's own shutdown) never run
/// in an embedded interpreter that is not finalised: so the thread that calls `ray.init` must
/// outlive the use of Ray, and `ray.shutdown()` must be called before the process exits
/// (Ray's C++ exit handler aborts otherwise).
#[test]
fn ray_from_rust() {
    let started = Instant::now();
    ray::init_with(args!(num_cpus = 2, include_dashboard = false, log_to_driver = false, configure_logging = false))
        .unwrap();
    eprintln!("ray.init took {:?}", started.elapsed());
    remote_tasks_run_and_their_object_refs_are_refs();
    an_actor_keeps_its_state_between_calls();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(object_refs_are_awaited_from_tokio());
    a_timeout_cancels_the_remote_task();
    ray_cancel_from_rust_and_a_killed_worker_are_typed_errors_and_the_next_call_works();
    a_round_trip_from_rust_is_close_to_one_from_python();
    ray::shutdown().unwrap();
    assert_eq!(call("math", "sqrt", (4,)).unwrap().extract::<f64>().unwrap(), 2.0, "the host keeps running");
}
