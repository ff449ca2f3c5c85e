//! The worker-process backend: calls, refs and sessions in worker processes behind the same
//! API, and the faults it contains (segfaults, `os._exit`, kill -9, timeouts, a worker that
//! breaks the protocol). Every test runs real Python workers; tests needing their own process
//! run this binary again as a child.

use std::process::Command;
use std::time::{Duration, Instant};

use snakebridge::backend::{Backend, WorkerConfig, WorkerPool, ADAPTER_SOURCE};
use snakebridge::{
    args, attr, call, call_as, get, method, method_as, release_session, set_attr, with_session, Error, Ref, RefGone,
    Session, Value,
};

fn pool(n: usize) -> WorkerPool {
    let config = WorkerConfig::new(n).grace(Duration::from_millis(500));
    WorkerPool::start(config).expect("workers start")
}

fn session_on(pool: &WorkerPool) -> Session {
    Session::builder().backend(Backend::Workers(pool.clone())).build()
}

fn worker_pid(s: &Session) -> u32 {
    with_session(s, || call_as("sb_workers", "pid", ())).unwrap()
}

#[test]
fn calls_gets_and_conversions_run_in_a_worker() {
    let pool = pool(1);
    let s = session_on(&pool);
    with_session(&s, || {
        let root: f64 = call_as("math", "sqrt", (16,)).unwrap();
        assert_eq!(root, 4.0);
        let pi: f64 = get("math", "pi").unwrap().extract().unwrap();
        assert!((pi - std::f64::consts::PI).abs() < 1e-15);
        let rounded = call("builtins", "round", args!(1.23456, ndigits = 2)).unwrap();
        assert_eq!(rounded, Value::Float(1.23));
        let joined: String = call_as("os.path", "join", ("/tmp", "file.txt")).unwrap();
        assert_eq!(joined, "/tmp/file.txt");
        let items: Vec<(String, i64)> = call_as("builtins", "sorted", (vec![("b", 2), ("a", 1)],)).unwrap();
        assert_eq!(items, vec![("a".to_owned(), 1), ("b".to_owned(), 2)]);
        let big: snakebridge::Int = call_as("math", "factorial", (30,)).unwrap();
        assert_eq!(big.to_string(), "265252859812191058636308480000000");
    });
    let pid = worker_pid(&s);
    assert_ne!(pid, std::process::id(), "the call ran in another process");
    assert_eq!(pool.pids(), vec![Some(pid)]);
}

#[test]
fn errors_keep_their_kind() {
    let pool = pool(1);
    let s = session_on(&pool);
    with_session(&s, || {
        let e = call("math", "sqrt", (-1,)).unwrap_err();
        assert!(e.is_python("ValueError"), "{e}");
        assert!(e.is::<snakebridge::pyo3::exceptions::PyValueError>(), "{e:?}");
        assert!(e.as_python().unwrap().traceback.as_deref().unwrap_or_default().contains("math domain error"), "{e:?}");
        match call("math", "sqrtt", (1,)).unwrap_err() {
            Error::AttributeNotFound { owner, name, suggestion } => {
                assert_eq!((owner.as_str(), name.as_str(), suggestion.as_deref()), ("math", "sqrtt", Some("sqrt")))
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(call("no_such_module_xyz", "f", ()), Err(Error::ModuleNotFound { .. })));
        assert!(matches!(call("math", "pi", ()), Err(Error::NotCallable { .. })));
    });
}

#[test]
fn refs_live_in_the_worker_that_made_them() {
    let pool = pool(2);
    let s = session_on(&pool);
    let counter: Ref = with_session(&s, || call_as("sb_workers", "Counter", (10,))).unwrap();
    with_session(&s, || {
        assert!(counter.id().starts_with("ref_"), "{counter:?}");
        assert_eq!(counter.type_name(), "Counter");
        assert_eq!(counter.python_module(), Some("sb_workers"));
        assert_eq!(method_as::<i64>(&counter, "add", (5,)).unwrap(), 15);
        assert_eq!(method_as::<i64>(&counter, "add", args!(n = 2)).unwrap(), 17);
        assert_eq!(attr(&counter, "value").unwrap(), Value::from(17));
        set_attr(&counter, "value", 1).unwrap();
        assert_eq!(attr(&counter, "value").unwrap(), Value::from(1));
        // A ref passed back as an argument is the worker's object itself.
        let same: bool = call_as("builtins", "isinstance", (&counter, get("sb_workers", "Counter").unwrap())).unwrap();
        assert!(same);
        assert!(counter.str().unwrap().contains("Counter object"));
        let id_prefix = &counter.id()[4..12];
        assert_ne!(id_prefix, "00000000", "the id names the worker");
        assert!(counter.is_alive());
    });
    assert_eq!(s.ref_count(), 1, "one object in the session's worker");
    assert_eq!(release_session(s.id()), 1);
    assert_eq!(s.ref_count(), 0);
    match with_session(&s, || method(&counter, "add", ())).unwrap_err() {
        Error::RefNotFound { reason, .. } => assert_eq!(reason, RefGone::SessionReleased),
        other => panic!("{other:?}"),
    }
}

#[test]
fn sessions_have_worker_affinity_and_spread_over_the_pool() {
    let pool = pool(2);
    let a = session_on(&pool);
    let b = session_on(&pool);
    let pa = worker_pid(&a);
    for _ in 0..5 {
        assert_eq!(worker_pid(&a), pa, "a session stays on its worker");
    }
    let pb = worker_pid(&b);
    assert_ne!(pa, pb, "two sessions on a pool of two use both workers");
    let r: Ref = with_session(&a, || call_as("sb_workers", "Counter", ())).unwrap();
    let e = with_session(&b, || method(&r, "add", ())).unwrap_err();
    assert!(matches!(e, Error::SessionMismatch { .. }), "{e:?}");
}

#[test]
fn dropped_handles_release_their_objects() {
    let pool = pool(1);
    let s = session_on(&pool);
    with_session(&s, || {
        for _ in 0..3 {
            let _r: Ref = call_as("sb_workers", "Counter", ()).unwrap();
        }
        let kept: Ref = call_as("sb_workers", "Counter", ()).unwrap();
        // The releases travel with the next request.
        call("math", "sqrt", (1,)).unwrap();
        assert_eq!(s.ref_count(), 1);
        drop(kept);
    });
}

#[test]
fn per_worker_lru_limit_evicts_with_the_reason() {
    let limits = snakebridge::RegistryLimits { max_refs: 2, ttl: None };
    let pool = WorkerPool::start(WorkerConfig::new(1).limits(limits)).unwrap();
    let s = session_on(&pool);
    with_session(&s, || {
        let first: Ref = call_as("sb_workers", "Counter", ()).unwrap();
        let _second: Ref = call_as("sb_workers", "Counter", ()).unwrap();
        let _third: Ref = call_as("sb_workers", "Counter", ()).unwrap();
        match method(&first, "add", ()).unwrap_err() {
            Error::RefNotFound { reason, .. } => assert_eq!(reason, RefGone::Evicted),
            other => panic!("{other:?}"),
        }
    });
}

#[test]
fn a_segfault_is_contained_and_the_next_call_gets_a_fresh_worker_fast() {
    let pool = pool(1);
    let s = session_on(&pool);
    let before = worker_pid(&s);
    let counter: Ref = with_session(&s, || call_as("sb_workers", "Counter", ())).unwrap();
    let e = with_session(&s, || call("sb_workers", "segfault", ())).unwrap_err();
    match &e {
        Error::WorkerCrashed { pid, reason, target, .. } => {
            assert_eq!(*pid, before);
            assert!(reason.contains("signal 11"), "{reason}");
            assert_eq!(target, "sb_workers.segfault");
        }
        other => panic!("{other:?}"),
    }
    let t = Instant::now();
    let after = worker_pid(&s);
    let took = t.elapsed();
    assert_ne!(after, before);
    assert!(took < Duration::from_secs(2), "the next call took {took:?}");
    match with_session(&s, || method(&counter, "add", ())).unwrap_err() {
        Error::RefNotFound { reason, .. } => assert_eq!(reason, RefGone::WorkerGone),
        other => panic!("{other:?}"),
    }
    assert!(!counter.is_alive());
}

#[test]
fn os_exit_and_kill_9_are_worker_crashes() {
    let pool = pool(1);
    let s = session_on(&pool);
    match with_session(&s, || call("sb_workers", "exit_now", (3,))).unwrap_err() {
        Error::WorkerCrashed { reason, .. } => assert_eq!(reason, "exited with status 3"),
        other => panic!("{other:?}"),
    }
    let pid = worker_pid(&s);
    let killer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
    });
    match with_session(&s, || call("sb_workers", "sleep", (10,))).unwrap_err() {
        Error::WorkerCrashed { reason, .. } => assert!(reason.contains("signal 9"), "{reason}"),
        other => panic!("{other:?}"),
    }
    killer.join().unwrap();
    assert_eq!(with_session(&s, || call_as::<f64>("math", "sqrt", (4,))).unwrap(), 2.0);
}

#[test]
fn a_timeout_interrupts_the_call_and_keeps_the_worker() {
    let pool = pool(1);
    let s = session_on(&pool);
    let pid = worker_pid(&s);
    let t = Instant::now();
    let e =
        with_session(&s, || call("sb_workers", "sleep", args!(30).timeout(Duration::from_millis(200)))).unwrap_err();
    assert!(matches!(e, Error::Timeout { .. }), "{e:?}");
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    assert_eq!(worker_pid(&s), pid, "an interruptible call leaves the worker running");
}

#[test]
fn a_call_that_ignores_the_interrupt_loses_its_worker_after_the_grace_period() {
    let pool = pool(1);
    let s = session_on(&pool);
    let pid = worker_pid(&s);
    let t = Instant::now();
    let e =
        with_session(&s, || call("sb_workers", "stuck", args!(30).timeout(Duration::from_millis(200)))).unwrap_err();
    assert!(matches!(e, Error::Timeout { .. }), "{e:?}");
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    assert_ne!(worker_pid(&s), pid, "the stuck worker was replaced");
}

#[test]
fn protocol_breaches_are_typed_errors_and_replace_the_worker() {
    let pool = pool(1);
    let s = session_on(&pool);
    for (function, check) in [
        (
            "garbage",
            (|e: &Error| matches!(e, Error::WorkerProtocol { message, .. } if message.contains("malformed")))
                as fn(&Error) -> bool,
        ),
        ("oversized", |e| matches!(e, Error::WorkerProtocol { message, .. } if message.contains("corrupt"))),
        ("wrong_seq", |e| matches!(e, Error::WorkerProtocol { message, .. } if message.contains("999999"))),
        ("undecodable", |e| matches!(e, Error::InvalidWire { .. })),
    ] {
        let pid = worker_pid(&s);
        let e = with_session(&s, || call("sb_workers", function, ())).unwrap_err();
        assert!(check(&e), "{function}: {e:?}");
        assert_ne!(worker_pid(&s), pid, "{function}: the worker was replaced");
    }
    // Printing is not a breach: user output goes to stderr.
    assert_eq!(with_session(&s, || call_as::<i64>("sb_workers", "print_to_stdout", ())).unwrap(), 7);
}

#[test]
fn a_protocol_version_mismatch_is_refused_at_the_handshake() {
    let adapter = ADAPTER_SOURCE.replace("PROTOCOL_VERSION = 1", "PROTOCOL_VERSION = 99");
    let e = WorkerPool::start(WorkerConfig::new(1).adapter(adapter)).unwrap_err();
    match &e {
        Error::WorkerProtocol { message, .. } => assert!(message.contains("protocol mismatch"), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn dropping_the_pool_stops_its_workers() {
    let pool = pool(2);
    let pids: Vec<u32> = pool.pids().into_iter().flatten().collect();
    assert_eq!(pids.len(), 2);
    drop(pool);
    for pid in pids {
        assert!(!alive(pid), "worker {pid} outlived its pool");
    }
}

fn alive(pid: u32) -> bool {
    // A zombie is dead too: /proc shows it as state Z until its parent reaps it.
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat.split_whitespace().nth(2).is_none_or(|s| s != "Z"),
        Err(_) => false,
    }
}

#[test]
fn no_orphans_when_the_host_is_killed() {
    if std::env::var("SB_WORKERS_CHILD").is_ok() {
        let pool = pool(2);
        let pids: Vec<String> = pool.pids().into_iter().flatten().map(|p| p.to_string()).collect();
        println!("PIDS {}", pids.join(" "));
        let s = session_on(&pool);
        // Busy in a call, so only the death signal (not end-of-file on stdin) can end it.
        let _ = with_session(&s, || call("sb_workers", "sleep", (60,)));
        return;
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "no_orphans_when_the_host_is_killed", "--nocapture"])
        .env("SB_WORKERS_CHILD", "1")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::BufRead;
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let pids: Vec<u32> = loop {
        let line = lines.next().expect("the child prints its workers").unwrap();
        if let Some(rest) = line.strip_prefix("PIDS ") {
            break rest.split_whitespace().map(|p| p.parse().unwrap()).collect();
        }
    };
    assert_eq!(pids.len(), 2);
    std::thread::sleep(Duration::from_millis(300));
    assert!(pids.iter().all(|&p| alive(p)));
    child.kill().unwrap();
    child.wait().unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while pids.iter().any(|&p| alive(p)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    for pid in pids {
        assert!(!alive(pid), "worker {pid} outlived its killed host");
    }
}
