//! Dask from Rust: a `LocalCluster` of worker processes and a `Client`, `submit`/`map`/`gather`
//! over the user's own module (tests/python/sb_work.py), futures held as `Ref`s and awaited from
//! tokio, our timeouts and `Future.cancel` reaching the task, a killed worker and a cluster that
//! goes away mid-call as typed errors; and Ray or Dask missing from the venv.
//!
//! Starting a cluster takes seconds, so the binary starts one (`client`) that the tests share.

use std::collections::HashMap;
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use snakebridge::{args, call, get, method, python_module, r#async, CallOptions, Error, Ref, Session, Value};

#[python_module("distributed", include = ["Client", "LocalCluster", "wait", "Future"])]
mod distributed {}

/// Refs that live as long as the test binary (the shared cluster), in a session of their own.
fn shared() -> &'static Session {
    static SESSION: OnceLock<Session> = OnceLock::new();
    SESSION.get_or_init(|| Session::with_id("dask_cluster"))
}

fn client() -> &'static Ref {
    static CLIENT: OnceLock<(Ref, Ref)> = OnceLock::new();
    &CLIENT
        .get_or_init(|| {
            snakebridge::with_session(shared(), || {
                // A task whose worker dies fails at once instead of being retried three times.
                call("dask.config", "set", (HashMap::from([("distributed.scheduler.allowed-failures", 0)]),)).unwrap();
                let started = Instant::now();
                let cluster: Ref = distributed::LocalCluster::new_with(args!(
                    n_workers = 2,
                    threads_per_worker = 1,
                    processes = true,
                    dashboard_address = Value::None
                ))
                .unwrap()
                .into();
                let client: Ref = distributed::Client::new_with(args!(cluster.clone())).unwrap().into();
                eprintln!("LocalCluster + Client took {:?}", started.elapsed());
                (cluster, client)
            })
        })
        .1
}

/// Runs `body` with the shared client, in the session its refs belong to.
fn in_cluster<R>(body: impl FnOnce(&Ref) -> R) -> R {
    let client = client();
    snakebridge::with_session(shared(), || body(client))
}

fn f(name: &str) -> Value {
    get("sb_work", name).unwrap()
}

#[test]
fn submit_map_and_gather_run_the_users_module_on_worker_processes() {
    in_cluster(|client| {
        let future: Ref = method(client, "submit", (f("count_primes"), 1_000)).unwrap().extract().unwrap();
        assert_eq!(future.type_name(), "Future");
        assert_eq!(method(&future, "result", ()).unwrap().extract::<i64>().unwrap(), 168);
        let futures = method(client, "map", (f("count_primes"), vec![10, 100, 1_000])).unwrap();
        let got: Vec<i64> = method(client, "gather", (futures,)).unwrap().extract().unwrap();
        assert_eq!(got, vec![4, 25, 168]);
        let who: HashMap<String, Value> =
            method(&method(client, "submit", (f("identity"),)).unwrap().extract::<Ref>().unwrap(), "result", ())
                .unwrap()
                .extract()
                .unwrap();
        assert_ne!(who["pid"].clone().extract::<u32>().unwrap(), std::process::id());
        let ours = snakebridge::init(snakebridge::RuntimeConfig::default()).unwrap();
        assert_eq!(who["executable"].clone().extract::<String>().unwrap(), ours.executable.to_string_lossy());
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn futures_are_awaited_from_tokio() {
    let future: Ref = tokio::task::spawn_blocking(|| {
        in_cluster(|client| method(client, "submit", (f("count_primes"), 2_000)).unwrap().extract::<Ref>().unwrap())
    })
    .await
    .unwrap();
    // The async job runs in the session current where its future is made.
    let v = snakebridge::with_session(shared(), || r#async::await_coroutine(&future)).await.unwrap();
    assert_eq!(v.extract::<i64>().unwrap(), 303);
}

#[test]
fn a_timeout_cancels_the_future_and_so_does_cancel() {
    in_cluster(|client| {
        let future: Ref = method(client, "submit", (f("slow"), 60)).unwrap().extract().unwrap();
        let started = Instant::now();
        let err = CallOptions::new()
            .timeout(Duration::from_secs(2))
            .run(|| snakebridge::await_coroutine(&future))
            .unwrap_err();
        assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
        assert!(method(&future, "cancelled", ()).unwrap().extract::<bool>().unwrap(), "the timeout reached the future");

        let other: Ref = method(client, "submit", (f("slow"), 60)).unwrap().extract().unwrap();
        method(&other, "cancel", ()).unwrap();
        let err = method(&other, "result", args!(timeout = 30)).unwrap_err();
        assert!(err.is_python("CancelledError"), "{err}");
    })
}

#[test]
fn a_killed_worker_is_a_typed_error_and_the_next_task_runs() {
    in_cluster(|client| {
        let doomed: Ref = method(client, "submit", (f("die"),)).unwrap().extract().unwrap();
        let err = method(&doomed, "result", args!(timeout = 60)).unwrap_err();
        assert!(err.is_python("KilledWorker"), "{err}");
        let next: Ref = method(client, "submit", (f("count_primes"), 10)).unwrap().extract().unwrap();
        assert_eq!(method(&next, "result", args!(timeout = 60)).unwrap().extract::<i64>().unwrap(), 4);
    })
}

#[test]
fn a_cluster_that_goes_away_mid_call_is_a_typed_error() {
    // A cluster of its own (threads: cheap), closed from another thread while a call waits.
    snakebridge::with_session(&Session::with_id("dask_mid_call"), || {
        let cluster: Ref = distributed::LocalCluster::new_with(args!(
            n_workers = 1,
            processes = false,
            dashboard_address = Value::None
        ))
        .unwrap()
        .into();
        let client: Ref = distributed::Client::new_with(args!(cluster.clone())).unwrap().into();
        let future: Ref = method(&client, "submit", (f("slow"), 30)).unwrap().extract().unwrap();
        let closer = {
            let session = Session::join("dask_mid_call").unwrap();
            let client = client.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(500));
                snakebridge::with_session(&session, || method(&client, "close", ()))
            })
        };
        let err = method(&future, "result", args!(timeout = 60)).unwrap_err();
        assert!(matches!(err, Error::Python(_)), "{err:?}");
        closer.join().unwrap().unwrap();
        method(&cluster, "close", ()).unwrap();
        assert_eq!(call("math", "sqrt", (16,)).unwrap().extract::<f64>().unwrap(), 4.0, "the host keeps running");
    })
}

#[test]
#[ignore = "run as a child process by missing_ray_or_dask_is_a_typed_error"]
fn child_without_cluster_packages() {
    if std::env::var_os("SB_CHILD").is_none() {
        return;
    }
    for module in ["ray", "dask.distributed"] {
        let err = get(module, "__name__").unwrap_err();
        println!("ERROR {module}: {err}");
        assert!(matches!(err, Error::ModuleNotFound { .. }), "{err:?}");
    }
    assert_eq!(call("math", "sqrt", (4,)).unwrap().extract::<f64>().unwrap(), 2.0);
}

#[test]
fn missing_ray_or_dask_is_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    let venv = dir.path().join("bare");
    let base = snakebridge::interpreter::linked_libdir().unwrap().parent().unwrap().join("bin/python3");
    assert!(Command::new(base).args(["-m", "venv", "--without-pip"]).arg(&venv).status().unwrap().success());
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_without_cluster_packages", "--nocapture", "--include-ignored"])
        .env("SB_CHILD", "1")
        .env("SNAKEBRIDGE_VENV", &venv)
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{text}");
    assert!(text.contains("`ray` was not found") && text.contains("pip install ray"), "{text}");
    assert!(text.contains("ERROR dask.distributed: ") && text.contains("pip install dask"), "{text}");
}
