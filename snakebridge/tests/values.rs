//! Python values to `Value` and back, against the real interpreter.

use std::collections::{BTreeMap, HashMap, HashSet};

use snakebridge::{call, get, Bytes, Date, DateTime, Error, Int, Serde, Time, Value};

/// Evaluates a Python expression (through `builtins.eval`, so that tests read like Python).
fn eval(expr: &str) -> Value {
    call("builtins", "eval", (expr, Value::Dict(vec![]))).unwrap_or_else(|e| panic!("{expr}: {e}"))
}

/// Sends `value` to Python and reads it back (identity function on the Python side).
fn round_trip(value: &Value) -> Value {
    call("copy", "copy", (value,)).expect("round trip")
}

#[test]
fn every_builtin_kind_converts_exactly() {
    assert_eq!(eval("None"), Value::None);
    assert_eq!(eval("True"), Value::Bool(true));
    assert_eq!(eval("-42"), Value::Int(Int::from(-42)));
    assert_eq!(eval("1.5"), Value::Float(1.5));
    assert_eq!(eval("'héllo'"), Value::Str("héllo".into()));
    assert_eq!(eval("b'\\x00\\xff'"), Value::Bytes(Bytes(vec![0, 255])));
    assert_eq!(eval("[1, 'a']"), Value::List(vec![1.into(), "a".into()]));
    assert_eq!(eval("(1, None)"), Value::Tuple(vec![1.into(), Value::None]));
    assert_eq!(eval("{1}"), Value::Set(vec![1.into()]));
    assert_eq!(eval("frozenset({2})"), Value::FrozenSet(vec![2.into()]));
    assert_eq!(eval("complex(1, -2)"), Value::Complex { re: 1.0, im: -2.0 });
    assert_eq!(eval("__import__('datetime').date(2024, 2, 29)"), Value::Date(Date { year: 2024, month: 2, day: 29 }));
}

#[test]
fn ints_beyond_64_bits_are_not_truncated() {
    let big = eval("2**100 + 1");
    assert_eq!(format!("{big:?}"), "1267650600228229401496703205377");
    let Value::Int(i) = &big else { panic!("{big:?}") };
    assert!(i.is_big());
    // And it goes back to Python as the same int.
    let back: String = call("builtins", "str", (&big,)).unwrap().extract().unwrap();
    assert_eq!(back, "1267650600228229401496703205377");
    let negative = eval("-(2**70)");
    assert_eq!(round_trip(&negative), negative);
    assert!(matches!(big.extract::<i64>(), Err(Error::Conversion { .. })));
    assert_eq!(eval("2**64 - 1").extract::<u64>().unwrap(), u64::MAX);
}

#[test]
fn special_floats_survive() {
    assert_eq!(eval("float('inf')"), Value::Float(f64::INFINITY));
    assert_eq!(eval("float('-inf')"), Value::Float(f64::NEG_INFINITY));
    assert!(matches!(eval("float('nan')"), Value::Float(f) if f.is_nan()));
    let is_nan: bool = call("math", "isnan", (f64::NAN,)).unwrap().extract().unwrap();
    assert!(is_nan);
}

#[test]
fn dicts_keep_order_and_any_hashable_keys() {
    let d = eval("{3: 'c', 'b': 2, (1, 2): None, 1.5: True}");
    let Value::Dict(items) = &d else { panic!("{d:?}") };
    let keys: Vec<_> = items.iter().map(|(k, _)| k.clone()).collect();
    assert_eq!(keys, vec![3.into(), "b".into(), Value::Tuple(vec![1.into(), 2.into()]), 1.5.into()]);
    assert_eq!(round_trip(&d), d);
    assert_eq!(d.get("b"), Some(&Value::from(2)));
}

#[test]
fn datetimes_with_and_without_offsets() {
    let naive = eval("__import__('datetime').datetime(2024, 1, 2, 3, 4, 5, 678)");
    assert_eq!(
        naive,
        Value::DateTime(DateTime {
            date: Date { year: 2024, month: 1, day: 2 },
            time: Time { hour: 3, minute: 4, second: 5, microsecond: 678, utc_offset: None }
        })
    );
    let aware = eval("__import__('datetime').datetime(2024, 1, 2, 3, 4, 5, tzinfo=__import__('datetime').timezone(__import__('datetime').timedelta(hours=-5, minutes=-30)))");
    let Value::DateTime(dt) = &aware else { panic!("{aware:?}") };
    assert_eq!(dt.time.utc_offset, Some(-(5 * 3600 + 30 * 60)));
    assert_eq!(round_trip(&aware), aware);
    let iso: String = call("builtins", "str", (&aware,)).unwrap().extract().unwrap();
    assert_eq!(iso, "2024-01-02 03:04:05-05:30");
    let time = eval("__import__('datetime').time(23, 59, 1, tzinfo=__import__('datetime').timezone.utc)");
    assert_eq!(round_trip(&time), time);
    // A named zone would lose its rules: the whole object stays a ref.
    let named = eval("__import__('datetime').datetime(2024, 1, 1, tzinfo=__import__('datetime').timezone(__import__('datetime').timedelta(0), 'GMT'))");
    assert!(named.as_ref().is_some(), "{named:?}");
}

#[test]
fn what_does_not_convert_losslessly_is_one_ref_to_the_whole() {
    // A subclass of a builtin (an OrderedDict, an IntEnum member) keeps its type as a ref.
    let ordered = eval("__import__('collections').OrderedDict(a=1)");
    assert_eq!(ordered.as_ref().map(|r| r.type_name()), Some("OrderedDict"));
    let member = eval("__import__('enum').IntEnum('E', 'A B').A");
    assert!(member.as_ref().is_some(), "{member:?}");
    // A list holding one object: the list as a whole is the ref, never half-converted.
    let mixed = eval("[1, 2, object()]");
    let r = mixed.as_ref().expect("the whole list is a ref");
    assert_eq!(r.type_name(), "list");
    let len: usize = call("builtins", "len", (r,)).unwrap().extract().unwrap();
    assert_eq!(len, 3);
    // A str with a lone surrogate has no UTF-8 form.
    assert!(eval("'\\ud800'").as_ref().is_some());
    // Cycles do not recurse forever: past the nesting limit, a typed error that says to ask for a ref.
    call("builtins", "exec", ("import builtins; l = []; l.append(l); builtins._sb_cycle = l", Value::Dict(vec![])))
        .unwrap();
    let err = get("builtins", "_sb_cycle").unwrap_err();
    assert!(matches!(err, Error::Conversion { .. }) && err.to_string().contains("Ref"), "{err}");
    let cyclic: snakebridge::Ref =
        snakebridge::call_as("builtins", "eval", ("__import__('builtins')._sb_cycle", Value::Dict(vec![]))).unwrap();
    assert_eq!(cyclic.type_name(), "list");
}

#[test]
fn rust_types_convert_both_ways() {
    let map: HashMap<String, Vec<i32>> = [("a".to_string(), vec![1, 2])].into();
    let back: HashMap<String, Vec<i32>> = call("copy", "deepcopy", (&map,)).unwrap().extract().unwrap();
    assert_eq!(back, map);
    let tree: BTreeMap<i64, Option<String>> = [(1, Some("x".to_string())), (2, None)].into();
    let back: BTreeMap<i64, Option<String>> = call("copy", "copy", (&tree,)).unwrap().extract().unwrap();
    assert_eq!(back, tree);
    let set: HashSet<u8> = [1, 2, 3].into();
    let back: HashSet<u8> = call("builtins", "set", (&set,)).unwrap().extract().unwrap();
    assert_eq!(back, set);
    let tuple: (i32, String, bool) =
        call("builtins", "tuple", (vec![Value::from(1), "s".into(), true.into()],)).unwrap().extract().unwrap();
    assert_eq!(tuple, (1, "s".to_string(), true));
    let typed: f64 = snakebridge::call_as("math", "hypot", (3.0, 4.0)).unwrap();
    assert_eq!(typed, 5.0);
}

#[test]
fn wrong_rust_types_are_conversion_errors_that_say_what_was_found() {
    let err = call("math", "sqrt", (4,)).unwrap().extract::<String>().unwrap_err();
    assert!(matches!(err, Error::Conversion { .. }));
    assert!(err.to_string().contains("expected String, found Python float"), "{err}");
    let err = snakebridge::call_as::<i32>("builtins", "pow", (2, 40)).unwrap_err();
    assert!(err.to_string().contains("an int that fits i32"), "{err}");
}

#[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
struct Point {
    x: f64,
    label: String,
    tags: Vec<String>,
}

#[test]
fn any_serde_type_crosses() {
    let p = Point { x: 1.5, label: "origin".into(), tags: vec!["a".into()] };
    let text: String =
        call("json", "dumps", snakebridge::args!(Serde(&p), sort_keys = true)).unwrap().extract().unwrap();
    assert_eq!(text, r#"{"label": "origin", "tags": ["a"], "x": 1.5}"#);
    let back: Serde<Point> = snakebridge::call_as("json", "loads", (text,)).unwrap();
    assert_eq!(back.0, p);
    let v = Value::from_serde(&p).unwrap();
    assert_eq!(v.get("label"), Some(&Value::from("origin")));
    assert_eq!(v.to_serde::<Point>().unwrap(), p);
}

#[test]
fn scalars_behind_refs_extract_through_python_protocols() {
    // numpy.float64 subclasses float and numpy.int64 has __index__: refs, but they extract.
    let mean = call("numpy", "mean", (vec![1.0, 2.0, 4.5],)).unwrap();
    assert!(mean.as_ref().is_some(), "{mean:?}");
    assert_eq!(mean.extract::<f64>().unwrap(), 2.5);
    let total = call("numpy", "int64", (41,)).unwrap();
    assert_eq!(total.extract::<i64>().unwrap(), 41);
    // Still a typed error when the object has no such protocol.
    let obj = call("builtins", "object", ()).unwrap();
    assert!(matches!(obj.extract::<f64>(), Err(Error::Conversion { .. })));
}
