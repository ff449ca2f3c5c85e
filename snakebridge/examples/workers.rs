//! Crash isolation: the same calls in a pool of Python worker processes, where a segfault in
//! a C extension costs one worker, not the program.
//!
//! `cargo run --example workers` (or run any program with `SNAKEBRIDGE_BACKEND=workers`).

use snakebridge::backend::{Backend, WorkerConfig, WorkerPool};
use snakebridge::{call, call_as, method_as, with_session, Error, Ref, Session};

fn main() -> snakebridge::Result<()> {
    let pool = WorkerPool::start(WorkerConfig::new(2))?;
    println!("started {} workers: {:?}", pool.size(), pool.pids());
    let session = Session::builder().backend(Backend::Workers(pool.clone())).build();

    with_session(&session, || -> snakebridge::Result<()> {
        // Written exactly as in-process code.
        let root: f64 = call_as("math", "sqrt", (16.0,))?;
        let worker_pid: u32 = call_as("os", "getpid", ())?;
        println!("sqrt(16) = {root}, computed in worker pid {worker_pid} (this process is {})", std::process::id());

        // Objects stay in the worker that made them; the ref's id names it.
        let deque: Ref = call_as("collections", "deque", (vec![1, 2, 3],))?;
        method_as::<()>(&deque, "rotate", (1,))?;
        println!("{deque:?} holds {}", deque.repr()?);

        // A segfault in Python's C layer: an error here, a fresh worker for the next call.
        match call("ctypes", "string_at", (0,)) {
            Err(e @ Error::WorkerCrashed { .. }) => println!("contained: {e}"),
            other => println!("unexpected: {other:?}"),
        }
        let again: u32 = call_as("os", "getpid", ())?;
        println!("the next call runs in a fresh worker, pid {again}");
        match deque.repr() {
            Err(e @ Error::RefNotFound { .. }) => println!("the old worker's objects are gone: {e}"),
            other => println!("unexpected: {other:?}"),
        }
        Ok(())
    })?;
    // Dropping the last handle of the pool stops its workers.
    drop(session);
    drop(pool);
    Ok(())
}
