//! Dask from Rust: a local cluster of two worker processes, `submit`, `map` and `gather`, a
//! future awaited from tokio, and a timeout that cancels the task on the cluster.
//!
//! Needs `dask[distributed]` in the venv: `cargo run --example dask`

use std::time::Duration;

use snakebridge::{args, get, method, python, python_module, r#async, with_session, CallOptions, Ref, Session, Value};

#[python_module("distributed", include = ["Client", "LocalCluster"])]
mod distributed {}

#[tokio::main]
async fn main() -> snakebridge::Result<()> {
    // Refs belong to a session; async jobs run in the explicit session current where their
    // future is made, so everything here uses one.
    let session = Session::with_id("dask_example");
    let client: Ref = with_session(&session, || -> snakebridge::Result<Ref> {
        let cluster: Ref = distributed::LocalCluster::new_with(args!(
            n_workers = 2,
            threads_per_worker = 1,
            processes = true,
            dashboard_address = Value::None
        ))?
        .into();
        Ok(distributed::Client::new_with(args!(cluster))?.into())
    })?;

    let (future, slow) = with_session(&session, || -> snakebridge::Result<(Ref, Ref)> {
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
        let slow: Ref = method(&client, "submit", (get("time", "sleep")?, 60))?.extract()?;
        Ok((future, slow))
    })?;
    let squared = with_session(&session, || r#async::await_coroutine(&future)).await?;
    println!("square(12), awaited from tokio = {}", squared.extract::<i64>()?);

    with_session(&session, || -> snakebridge::Result<()> {
        // A timeout cancels the task on the cluster too.
        let err = CallOptions::new().timeout(Duration::from_millis(500)).run(|| snakebridge::await_coroutine(&slow));
        let cancelled: bool = method(&slow, "cancelled", ())?.extract()?;
        println!("after the timeout: {}; cancelled on the cluster: {cancelled}", err.unwrap_err());
        method(&client, "close", ())?;
        Ok(())
    })
}
