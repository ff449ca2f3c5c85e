//! Soak and fault suite: the lock-discipline deadlock, the session lifecycle race and a mixed
//! load of calls, refs, sessions, streams and timeouts on 8 threads whose evicted objects run
//! Python when freed.
//!
//! Each scenario runs in a child process of this test binary under two watchdogs: one in the
//! child exits it with a message after its time budget, and the parent kills it a little
//! later. A deadlock fails the test with a message saying which scenario hung; it never
//! hangs the run. `SB_SOAK_ROUNDS` repeats each scenario in the same child (20 for the
//! "20 consecutive runs" check); the default is one round.

use std::ffi::CString;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use snakebridge::pyo3::prelude::PyAnyMethods;
use snakebridge::pyo3::types::PyModule;
use snakebridge::{
    args, call, iterate, live_ref_count, method, release_ref, release_session, with_session, Error, Ref, Session, Value,
};

const SOAK: &str = r#"
import time

freed = 0

class Slow:
    """Runs Python, and gives the GIL away, when freed."""
    def __del__(self):
        global freed
        time.sleep(0.005)
        freed += 1

class Chatty:
    """Runs a little Python when freed."""
    def __init__(self, n=0):
        self.n = n
    def value(self):
        return self.n
    def __del__(self):
        global freed
        freed += sum(1 for _ in range(3)) // 3

def items(n):
    for i in range(n):
        yield Chatty(i) if i % 2 else i

def spin():
    while True:
        pass
"#;

fn define_soak_module() {
    snakebridge::with_gil(|py| {
        let modules = py.import("sys")?.getattr("modules")?;
        if modules.contains("sb_soak")? {
            return Ok(());
        }
        let m = PyModule::from_code(py, &CString::new(SOAK).unwrap(), c"sb_soak.py", c"sb_soak")?;
        modules.set_item("sb_soak", m)?;
        Ok(())
    })
    .unwrap();
}

/// Runs the child test `name` with a deadline; the child prints `SOAK …` lines with figures.
fn run_child(name: &str, budget: Duration) -> String {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--nocapture", "--include-ignored", "--test-threads=1"])
        .env("SB_SOAK_CHILD", name)
        .env("SB_SOAK_BUDGET_S", budget.as_secs().to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + budget + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            child.kill().ok();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = child.wait_with_output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    match status {
        None => panic!("DEADLOCK: soak scenario `{name}` did not finish within {budget:?} and was killed:\n{text}"),
        Some(s) if !s.success() => panic!("soak scenario `{name}` failed ({s}):\n{text}"),
        Some(_) => {}
    }
    for line in text.lines().filter_map(|l| l.find("SOAK").map(|at| &l[at..])) {
        println!("{line}");
    }
    text
}

/// In the child: whether this is the scenario to run; starts the in-process watchdog.
fn child_of(name: &str) -> bool {
    if std::env::var("SB_SOAK_CHILD").ok().as_deref() != Some(name) {
        return false;
    }
    let budget: u64 = std::env::var("SB_SOAK_BUDGET_S").ok().and_then(|s| s.parse().ok()).unwrap_or(120);
    let name = name.to_owned();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(budget));
        eprintln!("DEADLOCK: soak scenario `{name}` still running after {budget} s; exiting");
        std::process::exit(3);
    });
    define_soak_module();
    true
}

fn rounds() -> usize {
    std::env::var("SB_SOAK_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(1)
}

fn the_ref(v: Value) -> Ref {
    v.as_ref().expect("a ref").clone()
}

/// Resident memory, from `/proc/self/statm`.
fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn collect_garbage() {
    call("gc", "collect", ()).unwrap();
}

// The deadlock of issue 14: an evicted `Slow` freed under the registry's lock waits for the
// GIL, which a thread waiting for that lock holds.

fn deadlock_round(run_for: Duration) -> (usize, usize, usize) {
    let stop = Arc::new(AtomicBool::new(false));
    let session = Session::builder().id("x").max_refs(2).build();
    let filler = {
        let (stop, session) = (stop.clone(), session.clone());
        std::thread::spawn(move || {
            // Handles are kept, so each insert goes over the cap and evicts the oldest object,
            // whose `__del__` then runs inside the registry's insert.
            let mut kept = std::collections::VecDeque::new();
            let mut made = 0;
            while !stop.load(Ordering::Relaxed) {
                kept.push_back(with_session(&session, || call("sb_soak", "Slow", ())).unwrap());
                if kept.len() > 8 {
                    kept.pop_front();
                }
                made += 1;
            }
            let evicted = kept.iter().filter(|v| !v.as_ref().unwrap().is_alive()).count();
            assert!(made < 4 || evicted > 0, "nothing was evicted");
            made
        })
    };
    let releaser = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                release_session("x");
                drop(Session::new());
                n += 1;
            }
            n
        })
    };
    let caller = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let deque = the_ref(call("collections", "deque", args!(maxlen = 16)).unwrap());
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                method(&deque, "append", (1,)).unwrap();
                n += 1;
            }
            n
        })
    };
    std::thread::sleep(run_for);
    stop.store(true, Ordering::Relaxed);
    let counts = (filler.join().unwrap(), releaser.join().unwrap(), caller.join().unwrap());
    drop(session);
    counts
}

#[test]
#[ignore = "run as a child process by evictions_that_run_python_never_deadlock"]
fn child_deadlock() {
    if !child_of("child_deadlock") {
        return;
    }
    for round in 0..rounds() {
        let (made, released, appended) = deadlock_round(Duration::from_secs(2));
        assert!(made > 2 && appended > 0, "no progress: {made} made, {appended} appended");
        assert_eq!(live_ref_count(), 0, "refs left after round {round}");
        println!("SOAK deadlock round {round}: {made} Slow made and evicted, {released} releases, {appended} appends, registry 0");
    }
}

#[test]
fn evictions_that_run_python_never_deadlock() {
    run_child("child_deadlock", Duration::from_secs(20 + 3 * rounds() as u64));
}

// The race of issue 14: a session dropped on one thread while another makes one with the same
// id must not release the new session's refs.

#[test]
#[ignore = "run as a child process by a_live_session_never_loses_its_refs"]
fn child_race() {
    if !child_of("child_race") {
        return;
    }
    const PER_THREAD: usize = 3000;
    for round in 0..rounds() {
        let lost = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..3)
            .map(|_| {
                let lost = lost.clone();
                std::thread::spawn(move || {
                    for _ in 0..PER_THREAD {
                        let session = Session::with_id("race");
                        let r = session.run(|| call("sb_soak", "Chatty", (7,))).unwrap();
                        match session.run(|| method(r.as_ref().unwrap(), "value", ())) {
                            Ok(v) => assert_eq!(v, Value::from(7)),
                            Err(e) => {
                                lost.fetch_add(1, Ordering::Relaxed);
                                eprintln!("lost a ref of a live session: {e}");
                            }
                        }
                        drop(r);
                        drop(session);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(lost.load(Ordering::Relaxed), 0, "refs of live sessions were released");
        assert_eq!(live_ref_count(), 0);
        println!(
            "SOAK race round {round}: {} sessions made and dropped on 3 threads, 0 lost refs, registry 0",
            3 * PER_THREAD
        );
    }
}

#[test]
fn a_live_session_never_loses_its_refs() {
    run_child("child_race", Duration::from_secs(30 + 10 * rounds() as u64));
}

// Mixed load on 8 threads: calls, refs kept and released, sessions made, joined and dropped
// with ids other threads use too, an evicting session of objects that run Python on free,
// streams and timeouts.

const THREADS: usize = 8;

struct Shared {
    evicting: Session,
    unexpected: AtomicUsize,
    ops: AtomicUsize,
}

fn expect_ok<T>(shared: &Shared, what: &str, r: snakebridge::Result<T>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            shared.unexpected.fetch_add(1, Ordering::Relaxed);
            eprintln!("unexpected error in {what}: {e}");
            None
        }
    }
}

fn mixed_worker(shared: &Shared, t: usize, ops: usize) {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64 ^ (t as u64).wrapping_mul(0x2545_f491_4f6c_dd1d);
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    // Refs of this thread's auto-session, which has no limit here: none may be lost.
    let mut kept: Vec<(Ref, i64)> = Vec::new();
    for i in 0..ops {
        match next() % 10 {
            0 | 1 => {
                let v = expect_ok(shared, "call", call("math", "sqrt", (16,)));
                assert!(v.is_none() || v == Some(Value::Float(4.0)));
            }
            2 => {
                let n = (i % 1000) as i64;
                if let Some(v) = expect_ok(shared, "make", call("sb_soak", "Chatty", (n,))) {
                    kept.push((the_ref(v), n));
                }
                if kept.len() > 32 {
                    let (r, _) = kept.swap_remove((next() % 32) as usize);
                    if next() % 2 == 0 {
                        release_ref(&r);
                    }
                }
            }
            3 => {
                if let Some((r, n)) = kept.get((next() as usize) % kept.len().max(1)) {
                    let v = expect_ok(shared, "use a kept ref", method(r, "value", ()));
                    assert!(v.is_none() || v == Some(Value::from(*n)), "a kept ref changed");
                }
            }
            4 => {
                // Evicting session: refs may be gone by the time they are used (RefNotFound).
                let r = with_session(&shared.evicting, || call("sb_soak", "Chatty", (1,)));
                if let Some(r) = expect_ok(shared, "evicting make", r) {
                    match with_session(&shared.evicting, || method(r.as_ref().unwrap(), "value", ())) {
                        Ok(_) | Err(Error::RefNotFound { .. }) => {}
                        Err(e) => expect_ok(shared, "evicting use", Err::<(), _>(e)).unwrap_or(()),
                    }
                }
            }
            5 => {
                // Ids that other threads use at the same time.
                let session = Session::with_id(format!("mix-{}", next() % 3));
                let r = session.run(|| call("sb_soak", "Chatty", (5,)));
                if let Some(r) = expect_ok(shared, "session make", r) {
                    let v = session.run(|| method(r.as_ref().unwrap(), "value", ()));
                    assert_eq!(expect_ok(shared, "session use", v).unwrap_or(Value::from(5)), Value::from(5));
                }
                if next() % 4 == 0 {
                    // Releasing is for a session this thread alone uses: releasing a shared
                    // one would release the others' refs, as asked.
                    let own = Session::with_id(format!("own-{t}"));
                    own.run(|| call("sb_soak", "Chatty", (2,))).ok();
                    let made = own.ref_count();
                    assert_eq!(release_session(own.id()), made);
                }
            }
            6 => {
                let stream = iterate::<Value>("sb_soak", "items", (6,));
                if let Some(stream) = expect_ok(shared, "stream", stream) {
                    let n = stream.filter_map(|item| expect_ok(shared, "stream item", item)).count();
                    assert_eq!(n, 6);
                }
            }
            7 if i % 50 == 0 => {
                match call("sb_soak", "spin", snakebridge::Args::new().timeout(Duration::from_millis(5))) {
                    Err(Error::Timeout { .. }) => {}
                    other => {
                        expect_ok(shared, "timeout", other.map(drop));
                    }
                }
            }
            _ => {
                let joined = Session::join(shared.evicting.id());
                if let Some(s) = expect_ok(shared, "join", joined) {
                    let v = with_session(&s, || call("builtins", "len", ([1, 2, 3],)));
                    expect_ok(shared, "joined call", v);
                }
            }
        }
        shared.ops.fetch_add(1, Ordering::Relaxed);
    }
    for (r, n) in &kept {
        let v = expect_ok(shared, "final use of a kept ref", method(r, "value", ()));
        assert!(v.is_none() || v == Some(Value::from(*n)), "a kept ref was lost");
    }
}

fn mixed_phase(ops: usize) -> (usize, usize) {
    let shared = Arc::new(Shared {
        evicting: Session::builder().max_refs(4).build(),
        unexpected: AtomicUsize::new(0),
        ops: AtomicUsize::new(0),
    });
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let shared = shared.clone();
            std::thread::spawn(move || mixed_worker(&shared, t, ops))
        })
        .collect();
    for t in threads {
        t.join().expect("a worker panicked");
    }
    (shared.ops.load(Ordering::Relaxed), shared.unexpected.load(Ordering::Relaxed))
}

#[test]
#[ignore = "run as a child process by mixed_load_on_eight_threads_holds"]
fn child_mixed() {
    if !child_of("child_mixed") {
        return;
    }
    // Warm-up: caches, Python's allocator pools and the threads' arenas reach their size.
    mixed_phase(1500);
    collect_garbage();
    assert_eq!(live_ref_count(), 0);
    let before = rss_bytes().unwrap_or(0);
    for round in 0..rounds() {
        let (ops, unexpected) = mixed_phase(3000);
        collect_garbage();
        let refs = live_ref_count();
        let after = rss_bytes().unwrap_or(0);
        let growth = after.saturating_sub(before);
        println!(
            "SOAK mixed round {round}: {ops} ops on {THREADS} threads, {unexpected} unexpected errors, registry {refs}, RSS growth since warm-up {:.2} MiB",
            growth as f64 / (1024.0 * 1024.0)
        );
        assert_eq!(unexpected, 0);
        assert_eq!(refs, 0, "refs leaked");
        assert!(growth <= 5 * 1024 * 1024, "RSS grew by {growth} bytes after warm-up");
    }
}

#[test]
fn mixed_load_on_eight_threads_holds() {
    run_child("child_mixed", Duration::from_secs(90 + 30 * rounds() as u64));
}
