//! Values: every Python builtin type, lossless both ways; serde types; the wire format.
//!
//! `cargo run --example values`

use std::collections::BTreeMap;

use snakebridge::{call, call_as, wire, Serde, Value};

#[derive(serde::Serialize, serde::Deserialize, Debug)]
struct Config {
    name: String,
    retries: u32,
    weights: Vec<f64>,
}

fn main() -> snakebridge::Result<()> {
    // Python ints of any size.
    let big = call("math", "factorial", (30,))?;
    println!("30! = {big:?}");

    // A dict with non-string keys, in order; tuples, sets, special floats.
    let inventory: BTreeMap<(i32, i32), &str> = [((0, 0), "origin"), ((1, 2), "point")].into();
    let copied = call("copy", "deepcopy", (&inventory,))?;
    println!("deepcopy of a tuple-keyed map: {copied:?}");
    let mixed =
        call("builtins", "tuple", (vec![Value::Float(f64::INFINITY), Value::Set(vec![1.into()]), Value::None],))?;
    println!("as JSON on the wire: {}", wire::to_string(&mixed)?);

    // Any serde type crosses as Python data and comes back.
    let config = Config { name: "demo".into(), retries: 3, weights: vec![0.5, 0.25] };
    let text: String = call("json", "dumps", snakebridge::args!(Serde(&config), indent = 1))?.extract()?;
    println!("json.dumps of a Rust struct:\n{text}");
    let back: Serde<Config> = call_as("json", "loads", (text,))?;
    println!("and back: {:?}", back.0);

    // What has no exact Rust form comes back as one ref to the whole object.
    let ordered = call("collections", "OrderedDict", ())?;
    println!("an OrderedDict is a ref: {ordered:?}");
    Ok(())
}
