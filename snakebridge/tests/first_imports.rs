//! First imports from many threads at once: numpy imported by 8 threads at the same moment,
//! in 50 fresh processes (a first import happens once per interpreter), without an error.

use std::process::Command;
use std::sync::{Arc, Barrier};

const CHILD: &str = "SNAKEBRIDGE_TEST_FIRST_IMPORT_CHILD";

/// In a child: 8 threads start together, each reaching numpy by another door.
fn child() {
    // The interpreter starts first, so that the threads race on the import, not on start-up.
    snakebridge::call("math", "sqrt", (4.0,)).unwrap();
    let barrier = Arc::new(Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                let outcome = match i % 4 {
                    0 => snakebridge::call("numpy", "zeros", (3,)).map(drop),
                    1 => snakebridge::get("numpy", "pi").map(drop),
                    2 => snakebridge::python!(numpy.linalg.norm([3.0, 4.0])).map(drop),
                    _ => snakebridge::call("numpy.fft", "fftfreq", (4,)).map(drop),
                };
                outcome.map_err(|e| format!("thread {i}: {e}"))
            })
        })
        .collect();
    let errors: Vec<String> = threads.into_iter().filter_map(|t| t.join().unwrap().err()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn numpy_first_imported_from_eight_threads_at_once() {
    if std::env::var_os(CHILD).is_some() {
        return child();
    }
    let exe = std::env::current_exe().unwrap();
    for run in 0..50 {
        let out = Command::new(&exe)
            .args(["--exact", "numpy_first_imported_from_eight_threads_at_once", "--nocapture", "--test-threads=1"])
            .env(CHILD, "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "run {run}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
