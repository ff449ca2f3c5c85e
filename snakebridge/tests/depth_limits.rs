//! One nesting limit everywhere, and nothing that recurses without a bound; canonical sets.
//!
//! The deep cases run in a child process (this test binary re-invoked with `SB_CHILD` set), on
//! a thread with a 2 MiB stack, so that a stack overflow fails the test instead of aborting the
//! harness.

use std::process::Command;

use snakebridge::{call, call_as, wire, Error, Serde, Value};
use snakebridge_meta::limits::MAX_NESTING_DEPTH;

const CHILD: &str = "SB_CHILD";

/// Runs the test `name` of this binary again in a child, with `env`, and returns its stdout.
fn child(name: &str, env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", name, "--nocapture", "--test-threads=1"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the test binary runs again");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "child {name} failed ({:?}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn globals() -> Value {
    Value::Dict(vec![])
}

/// A Python list nested `n` deep, built in Python (iteratively).
fn python_nested(n: usize) -> snakebridge::Ref {
    let expr = format!("__import__('functools').reduce(lambda a, _: [a], range({n}), [])");
    call_as("builtins", "eval", (expr, globals())).unwrap()
}

fn rust_nested(n: usize) -> Value {
    let mut v = Value::None;
    for _ in 0..n {
        v = Value::List(vec![v]);
    }
    v
}

/// Drops a deep value without recursing (`Drop` of nested data recurses, as in all Rust).
fn dismantle(mut v: Value) {
    while let Value::List(mut items) = v {
        v = items.pop().unwrap_or(Value::None);
    }
}

fn dismantle_json(mut v: serde_json::Value) {
    while let serde_json::Value::Array(mut items) = v {
        v = items.pop().unwrap_or(serde_json::Value::Null);
    }
}

fn is_typed(result: &Result<impl std::fmt::Debug, Error>) -> bool {
    matches!(result, Err(Error::Conversion { .. } | Error::InvalidWire { .. } | Error::Serialization { .. }))
}

fn deep_paths() {
    // Python → Rust, far beyond the limit: 100,000 deep on every door.
    for n in [30_000, 100_000] {
        let deep = python_nested(n);
        let r = call_as::<Serde<serde_json::Value>>("copy", "copy", (&deep,));
        assert!(is_typed(&r), "Serde<serde_json::Value> {n}: {r:?}");
        let r = call_as::<Serde<Value>>("copy", "copy", (&deep,));
        assert!(is_typed(&r), "Serde<Value> {n}: {r:?}");
        let r = call("copy", "copy", (&deep,));
        assert!(is_typed(&r), "Value {n}: {r:?}");
        assert!(r.unwrap_err().to_string().contains(&MAX_NESTING_DEPTH.to_string()));
    }
    // Rust → Python and the wire, from Rust-built values.
    for n in [10_000, 100_000] {
        let v = rust_nested(n);
        assert!(is_typed(&call("copy", "copy", (&v,))), "Value::List {n} to Python");
        assert!(is_typed(&wire::to_string(&v)), "wire::to_string {n}");
        assert!(is_typed(&wire::to_json(&v)), "wire::to_json {n}");
        assert!(is_typed(&v.to_serde::<serde_json::Value>()), "to_serde {n}");
        assert!(is_typed(&call("copy", "copy", (Serde(&v),))), "Serde(Value) {n}");
        assert!(format!("{v:?}").len() < 10 * MAX_NESTING_DEPTH, "Debug stops at the limit");
        // Compared with itself on purpose: `==` walks the whole value (no pointer shortcut).
        #[allow(clippy::eq_op)]
        let equal = v == v;
        assert!(equal, "== is iterative");
        dismantle(v);
        let mut j = serde_json::Value::Null;
        for _ in 0..n {
            j = serde_json::Value::Array(vec![j]);
        }
        assert!(is_typed(&wire::from_json(&j)), "wire::from_json {n}");
        assert!(is_typed(&Value::from_serde(&j)), "from_serde {n}");
        dismantle_json(j);
        let text = "[".repeat(n) + &"]".repeat(n);
        assert!(is_typed(&wire::from_str(&text)), "wire::from_str {n}");
    }
    let text = r#"{"__type__":"tuple","elements":["#.repeat(6_000) + &"]}".repeat(6_000);
    assert!(is_typed(&wire::from_str(&text)), "tagged tuples 6,000 deep");
}

/// At the limit, every door accepts what the others produce.
fn at_the_limit() {
    for build in ["[a]", "(a,)", "{'k': a}", "{1: a}", "frozenset({a})"] {
        let expr = format!("__import__('functools').reduce(lambda a, _: {build}, range({MAX_NESTING_DEPTH}), 0)");

        let v = call("builtins", "eval", (expr.as_str(), globals())).unwrap_or_else(|e| panic!("{build}: {e}"));

        let text = wire::to_string(&v).unwrap();
        let back = wire::from_str(&text).unwrap_or_else(|e| panic!("{build}: {e}"));
        assert_eq!(back, v, "{build}");
        assert_eq!(wire::from_json(&wire::to_json(&v).unwrap()).unwrap(), v);

        assert_eq!(call("copy", "copy", (&back,)).unwrap(), v, "{build} back to Python");

        if build != "{1: a}" {
            // (serde_json maps have string keys only.)
            let through_serde: serde_json::Value = v.to_serde().unwrap();
            Value::from_serde(&through_serde).unwrap();
        }
        let one_more =
            format!("__import__('functools').reduce(lambda a, _: {build}, range({}), 0)", MAX_NESTING_DEPTH + 1);
        let r = call("builtins", "eval", (one_more.as_str(), globals()));
        assert!(is_typed(&r), "{build} one level deeper: {r:?}");
    }
}

#[test]
fn deep_inputs_are_typed_errors_on_a_small_stack() {
    if std::env::var_os(CHILD).is_some() {
        // Exactly at the limit, shapes that take three JSON levels per value (dicts with
        // non-str keys) need more than 2 MiB in debug builds: checked on the main thread's 8 MiB.
        let limit = std::thread::Builder::new().stack_size(8 << 20).spawn(at_the_limit);
        limit.unwrap().join().expect("no panic at the limit");
        eprintln!("limit ok");
        let worker = std::thread::Builder::new().stack_size(2 << 20).spawn(deep_paths);
        worker.unwrap().join().expect("no panic");
        println!("DEPTH-OK");
        return;
    }
    let out = child("deep_inputs_are_typed_errors_on_a_small_stack", &[(CHILD, "1")]);
    assert!(out.contains("DEPTH-OK"), "{out}");
}

#[test]
fn equal_sets_encode_byte_identically_whatever_the_hash_seed() {
    const EXPR: &str = "[{'pear', 'apple', 'fig', 'kiwi', 'plum', 'date', 1, 2.5, None, (1, 'a'), b'x', frozenset({'q', 'r', 's'})}, frozenset(str(i) for i in range(40))]";
    if std::env::var_os(CHILD).is_some() {
        let v = call("builtins", "eval", (EXPR, globals())).unwrap();
        println!("WIRE={}", wire::to_string(&v).unwrap());
        return;
    }
    let name = "equal_sets_encode_byte_identically_whatever_the_hash_seed";
    let wire_of = |seed: &str| {
        let out = child(name, &[(CHILD, "1"), ("PYTHONHASHSEED", seed)]);
        out.lines()
            .find_map(|l| l.split_once("WIRE="))
            .map(|(_, w)| w.to_owned())
            .expect("the child prints its wire text")
    };
    let (a, b, c) = (wire_of("1"), wire_of("2"), wire_of("12345"));
    assert_eq!(a, b);
    assert_eq!(a, c);
    // And the order really is sorted by encoded form.
    let v = wire::from_str(&a).unwrap();
    let Value::List(items) = v else { panic!() };
    let Value::FrozenSet(digits) = &items[1] else { panic!() };
    let texts: Vec<String> = digits.iter().map(|d| wire::to_string(d).unwrap()).collect();
    let mut sorted = texts.clone();
    sorted.sort();
    assert_eq!(texts, sorted);
}
