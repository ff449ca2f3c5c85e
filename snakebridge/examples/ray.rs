//! Ray from Rust: a local `ray.init()`, remote tasks (a `python!` function, shipped by value),
//! an actor, an ObjectRef awaited from tokio, and `ray.cancel`.
//!
//! Needs `ray` in the venv: `cargo run --example ray`

use snakebridge::{args, attr, method, python, python_module, r#async, with_session, Ref, Session};

#[python_module("ray", include = ["init", "get", "remote", "cancel", "shutdown"])]
mod ray {}

#[tokio::main]
async fn main() -> snakebridge::Result<()> {
    // On the main thread: Ray's processes die with the thread that started them, and
    // `ray.shutdown()` must run before exit, error or not (docs/scaling-out.md).
    ray::init_with(args!(num_cpus = 2, include_dashboard = false, log_to_driver = false))?;
    let outcome = tour().await;
    ray::shutdown()?;
    outcome
}

async fn tour() -> snakebridge::Result<()> {
    // Refs belong to a session; async jobs run in the explicit session current where their
    // future is made, so everything here uses one.
    let session = Session::with_id("ray_example");
    let (task, counter_class, one) = with_session(&session, || -> snakebridge::Result<(Ref, Ref, Ref)> {
        // Ray pickles functions and classes by value: python! definitions run on its workers.
        let (count_primes, counter_class) = python! {
            def count_primes(n):
                return sum(all(k % d for d in range(2, int(k ** 0.5) + 1)) for k in range(2, n))
            class Counter:
                def __init__(self):
                    self.value = 0
                def add(self, n):
                    self.value += n
                    return self.value
            (count_primes, Counter)
        }?
        .extract::<(Ref, Ref)>()?;
        let task: Ref = ray::remote_with(args!(count_primes))?.extract()?;
        let refs: Vec<Ref> =
            (1..=4).map(|i| method(&task, "remote", (i * 10_000,))?.extract()).collect::<Result<_, _>>()?;
        let counts: Vec<i64> = ray::get(refs)?.extract()?;
        println!("primes below 10k, 20k, 30k, 40k: {counts:?}");
        let one: Ref = method(&task, "remote", (1_000,))?.extract()?;
        Ok((task, counter_class, one))
    })?;

    let awaited = with_session(&session, || r#async::await_coroutine(&one)).await?;
    println!("awaited from tokio: {}", awaited.extract::<i64>()?);

    with_session(&session, || {
        let counter: Ref =
            method(&ray::remote_with(args!(counter_class))?.extract::<Ref>()?, "remote", ())?.extract()?;
        let add: Ref = attr(&counter, "add")?.extract()?;
        for n in [1, 2, 3] {
            let total: i64 = ray::get(method(&add, "remote", (n,))?)?.extract()?;
            println!("actor total after adding {n}: {total}");
        }
        let long: Ref = method(&task, "remote", (10_000_000,))?.extract()?;
        ray::cancel_with(long.clone(), args!(force = true))?;
        println!("after ray.cancel: {}", ray::get(long).unwrap_err());
        Ok(())
    })
}
