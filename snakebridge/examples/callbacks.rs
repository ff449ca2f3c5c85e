//! Rust closures as Python callables: `map`, `sorted(key=...)`, numpy, Python threads.
//!
//! Needs numpy in the project venv (python/requirements-test.txt): `cargo run --example callbacks`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use snakebridge::{args, call, call_as, iterate, Callback};

fn main() -> snakebridge::Result<()> {
    // map(closure, list), read back lazily.
    let square = Callback::named("square", |x: i64| x * x);
    let squares: Vec<i64> =
        iterate("builtins", "map", (&square, vec![1, 2, 3, 4]))?.collect::<snakebridge::Result<_>>()?;
    println!("map(square, [1, 2, 3, 4]) = {squares:?}");

    // sorted(key=closure)
    let words = vec!["banana", "kiwi", "apple", "fig"];
    let by_len = Callback::named("by_len", |s: String| s.len());
    let sorted: Vec<String> = call_as("builtins", "sorted", args!(words, key = &by_len))?;
    println!("sorted by length: {sorted:?}");

    // numpy: vectorize a Rust closure over an array.
    let logistic = Callback::named("logistic", |x: f64| 1.0 / (1.0 + (-x).exp()));
    let f = call("numpy", "vectorize", (&logistic,))?;
    let xs = call("numpy", "linspace", (-2.0, 2.0, 5))?;
    let ys = f.as_ref().expect("a ref").call((xs,))?;
    let ys: Vec<f64> = snakebridge::method_as(ys.as_ref().expect("an ndarray"), "tolist", ())?;
    println!("numpy.vectorize(logistic)(linspace(-2, 2, 5)) = {ys:.3?}");

    // Python threads calling the same closure; it returns Result, so errors become exceptions.
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let work = Callback::named("work", move |n: i64| -> snakebridge::Result<i64> {
        seen.fetch_add(1, Ordering::Relaxed);
        call("math", "factorial", (n,))?.extract()
    });
    let pool = call("concurrent.futures", "ThreadPoolExecutor", args!(max_workers = 4))?;
    let pool = pool.as_ref().expect("a ref");
    let results: Vec<i64> =
        iterate("builtins", "list", (snakebridge::method(pool, "map", (&work, vec![5, 10, 15]))?,))?
            .collect::<snakebridge::Result<_>>()?;
    snakebridge::method(pool, "shutdown", ())?;
    println!("factorials from 4 Python threads: {results:?} ({} calls)", calls.load(Ordering::Relaxed));

    // A panic inside becomes a Python exception (RustPanic, a RuntimeError), then a Rust error.
    std::panic::set_hook(Box::new(|_| {})); // keep the demo output clean
    let fragile = Callback::named("fragile", |x: i64| -> i64 {
        if x == 3 {
            panic!("3 is not allowed")
        } else {
            x
        }
    });
    let err = call("builtins", "list", (call("builtins", "map", (&fragile, vec![1, 2, 3]))?,)).unwrap_err();
    println!("panic came back as: {err}");
    let _ = std::panic::take_hook();

    // Dropping the Callback while Python still holds the callable: a clear error, no crash.
    let keeper = call("collections", "deque", ())?;
    let keeper = keeper.as_ref().expect("a deque is a ref");
    let temporary = Callback::named("temporary", |x: i64| x + 1);
    snakebridge::method(keeper, "append", (&temporary,))?;
    drop(temporary);
    let held = keeper.get_item(0)?;
    println!("calling a dropped callback: {}", held.as_ref().expect("the callable").call((1,)).unwrap_err());
    Ok(())
}
