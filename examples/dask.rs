//! Dask from Rust: a local cluster of two worker processes, `submit`, `map` and `gather`, a
//! future awaited from tokio, and a timeout that cancels the task on the cluster.
//!
//! Needs `dask[distributed]` in the venv: `cargo run --example dask`

use std::time::Duration;

use snakebridge::{args, call, get, method, python, python_module, r#async, CallOptions, Ref, Value};

#[python_module("distributed", include = ["Client", "LocalCluster"])]
mod distributed {}

#[tokio::main]
async fn main() -> snakebridge::Result<()> {
    let client = tokio::task::spawn_blocking(|| -> snakebridge::Result<Ref> {
        let cluster: Ref = distributed::LocalCluster::new_with(args!(
            n_workers = 2,
            threads_per_worker = 1,
            processes = true,
            dashboard_address = Value::None
        ))?
        .into();
        Ok(distributed::Client::new_with(args!(cluster))?.into())
    })
    .await
    .expect("start-up")?;

    // An importable function runs on the workers as it is.
    let factorial = get("math", "factorial")?;
    let future: Ref = method(&client, "submit", (factorial.clone(), 20))?.extract()?;
    println!("math.factorial(20) on a worker = {}", method(&future, "result", ())?.extract::<i64>()?);
    let many = method(&client, "map", (factorial, vec![5, 10, 15]))?;
    let values: Vec<i64> = method(&client, "gather", (many,))?.extract()?;
    println!("map + gather = {values:?}");

    // Dask pickles functions by value, so a python! function works too.
    let square = python! {
        def square(x):
            return x * x
        square
    }?;
    let future: Ref = method(&client, "submit", (square, 12))?.extract()?;
    println!("square(12), awaited from tokio = {}", r#async::await_coroutine(&future).await?.extract::<i64>()?);

    // A timeout cancels the task on the cluster too.
    let slow: Ref = method(&client, "submit", (get("time", "sleep")?, 60))?.extract()?;
    let err = CallOptions::new().timeout(Duration::from_millis(500)).run(|| snakebridge::await_coroutine(&slow));
    println!("after the timeout: {}; cancelled on the cluster: {}", err.unwrap_err(), method(&slow, "cancelled", ())?);
    method(&client, "close", ())?;
    call("builtins", "print", ("done",))?;
    Ok(())
}
