//! Many threads calling, creating, sharing and releasing refs at once: no deadlock, no leak.

use std::sync::mpsc;
use std::time::Duration;

use snakebridge::{call, live_ref_count, method, release_ref, with_session, Session, Value};

const THREADS: usize = 8;
const ROUNDS: usize = 300;

fn work(shared: Session, t: usize) {
    for i in 0..ROUNDS {
        let path = call("pathlib", "PurePosixPath", ("/tmp", format!("{t}-{i}"))).unwrap();
        let path = path.as_ref().unwrap().clone();
        let name: String = snakebridge::attr(&path, "name").unwrap().extract().unwrap();
        assert_eq!(name, format!("{t}-{i}"));
        match i % 3 {
            0 => release_ref(&path),
            1 => drop(path),
            _ => {
                let r = with_session(&shared, || call("builtins", "object", ()).unwrap());
                with_session(&shared, || method(r.as_ref().unwrap(), "__repr__", ()).unwrap());
                // Big payloads cross too while others hold refs.
                let n = call("builtins", "sum", (vec![1u64; 64],)).unwrap();
                assert_eq!(n, Value::from(64));
            }
        }
    }
}

#[test]
fn many_threads_no_deadlock_and_the_registry_returns_to_zero() {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let shared = Session::new();
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let shared = shared.clone();
                std::thread::spawn(move || work(shared, t))
            })
            .collect();
        for h in handles {
            h.join().expect("worker panicked");
        }
        drop(shared);
        done.send(live_ref_count()).unwrap();
    });
    let remaining = finished.recv_timeout(Duration::from_secs(120)).expect("deadlock: workers did not finish in 120 s");
    assert_eq!(remaining, 0, "refs leaked");
}
