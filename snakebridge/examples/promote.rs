//! From dynamic to generated: run the dynamic calls with the call ledger on, read back what
//! `cargo snakebridge promote` would propose, then make the same calls through the bindings
//! `#[python_module]` generates from those `include` entries.
//!
//! `cargo run --example promote` (standard library only). In a project of your own:
//!
//! ```text
//! SNAKEBRIDGE_LEDGER=calls.jsonl cargo run          # 1. run dynamically, recording calls
//! cargo snakebridge promote --file calls.jsonl      # 2. see the proposed include entries
//! cargo snakebridge promote --file calls.jsonl --write   # 3. write them into your sources
//! ```

use snakebridge::{call, python_module, RuntimeConfig, Value};
use snakebridge_meta::ledger;

// Step 3's result: the entries `promote --write` adds to an attribute that names the module.
#[python_module("json", include = ["dumps", "loads", "JSONDecodeError"])]
mod json {}

#[python_module("collections", include = ["Counter", "OrderedDict", "namedtuple"])]
mod collections {}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("calls.jsonl");
    snakebridge::init(RuntimeConfig::default().ledger(&path))?;

    // 1. Dynamic: names as strings, checked only when the call runs.
    let text: String = call("json", "dumps", (vec![1, 2, 3],))?.extract()?;
    let back: Value = call("json", "loads", (text.as_str(),))?;
    let counter = call("collections", "Counter", ("abracadabra",))?;
    snakebridge::method(counter.as_ref().expect("a Counter is a ref"), "most_common", (1,))?;
    println!("dynamic: json.dumps -> {text}, json.loads -> {back:?}");

    // 2. What promote proposes from the ledger.
    let entries = ledger::read(&path)?;
    println!("the ledger holds {} distinct dynamic calls:", entries.len());
    for e in &entries {
        println!(
            "  {:?} {}.{} ({} args: {}) -> {}",
            e.kind,
            e.module,
            e.name,
            e.arity.map_or("?".into(), |n| n.to_string()),
            e.args,
            e.returns
        );
    }
    for p in ledger::propose(&entries) {
        println!("promote proposes #[python_module(\"{}\", include = {:?})]", p.module, p.include);
    }

    // 3. Generated: the same calls, checked when the program compiles, with rustdoc.
    let text: String = json::dumps(vec![1, 2, 3])?;
    let back: Value = json::loads(text.as_str())?;
    let counter = collections::Counter::new_with(snakebridge::Args::new().arg("abracadabra"))?;
    println!("generated: json.dumps -> {text}, json.loads -> {back:?}, Counter -> {counter:?}");
    Ok(())
}
