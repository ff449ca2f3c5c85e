//! `SNAKEBRIDGE_BACKEND=workers` moves a whole program's calls into worker processes, without
//! changing its code. One test: the program's backend is chosen once per process.

use snakebridge::{call_as, python, Error};

#[test]
fn the_environment_puts_the_program_on_workers() {
    // Before the first call, as a launcher would set it.
    std::env::set_var("SNAKEBRIDGE_BACKEND", "workers");
    std::env::set_var("SNAKEBRIDGE_WORKERS", "2");
    let root: f64 = call_as("math", "sqrt", (16,)).unwrap();
    assert_eq!(root, 4.0);
    let pid = || call_as::<u32>("os", "getpid", ()).unwrap();
    let main_worker = pid();
    assert_ne!(main_worker, std::process::id());
    // Each thread's auto-session gets a worker of its own, round-robin.
    let other = std::thread::spawn(pid).join().unwrap();
    assert_ne!(other, main_worker);
    assert_ne!(other, std::process::id());
    assert!(matches!(python!(1 + 1), Err(Error::Unsupported { backend: "workers", .. })));
}
