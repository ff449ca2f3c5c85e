//! Python iterators and generators as lazy Rust iterators, and the callback form.
//!
//! Standard library only: `cargo run --example streams`.

use snakebridge::{args, call, iterate, stream, StreamRef};

fn main() -> snakebridge::Result<()> {
    // An infinite Python iterator, read lazily: only what `take` asks for is computed.
    let counter: StreamRef<i64> = iterate("itertools", "count", args!(1, step = 3))?;
    let first: Vec<i64> = counter.take(5).collect::<snakebridge::Result<_>>()?;
    println!("itertools.count(1, step=3), first 5: {first:?}");

    // Any iterable ref: Python says how many items are left when it can.
    let range = call("builtins", "range", (0, 1_000_000, 7))?;
    let mut numbers = StreamRef::<i64>::from_ref(range.as_ref().expect("a range is a ref"))?;
    println!("range(0, 1_000_000, 7) has {:?} items", numbers.len()?);
    let total: i64 = numbers.by_ref().take(10).sum::<snakebridge::Result<i64>>()?;
    println!("sum of the first 10 = {total}, {:?} left", numbers.len()?);

    // The callback form: each item handed to a closure, in order.
    let mut lines = Vec::new();
    let n = stream(
        "textwrap",
        "wrap",
        args!("Python iterators become Rust iterators, lazily and in batches.", width = 20),
        |line: String| lines.push(line),
    )?;
    println!("textwrap.wrap gave {n} lines: {lines:?}");

    // An iterator that fails midway: its items, then the error, then the end.
    let int = snakebridge::get("builtins", "int")?;
    let parsed: Vec<snakebridge::Result<i64>> = iterate("builtins", "map", (int, vec!["1", "2", "x", "4"]))?.collect();
    for item in &parsed {
        match item {
            Ok(n) => println!("parsed {n}"),
            Err(e) => println!("then the error: {e}"),
        }
    }
    match iterate::<snakebridge::Value>("math", "sqrt", (2,)) {
        Err(e) => println!("a float is not iterable: {e}"),
        Ok(_) => unreachable!("math.sqrt returns a float"),
    }
    Ok(())
}
