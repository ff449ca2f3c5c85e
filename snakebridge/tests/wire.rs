//! The tagged JSON wire format: exact shapes, round trips (property-tested), malformed input.

use proptest::prelude::*;
use serde_json::json;
use snakebridge::{call, wire, Bytes, Date, DateTime, Error, Int, Time, Value};

#[test]
fn tagged_shapes_match_the_seed() {
    let v = Value::Tuple(vec![1.into(), "ok".into()]);
    assert_eq!(wire::to_json(&v).unwrap(), json!({"__type__": "tuple", "__schema__": 1, "elements": [1, "ok"]}));
    let d = Value::Dict(vec![(1.into(), "one".into()), (2.into(), "two".into())]);
    assert_eq!(
        wire::to_json(&d).unwrap(),
        json!({"__type__": "dict", "__schema__": 1, "pairs": [[1, "one"], [2, "two"]]})
    );
    assert_eq!(
        wire::to_json(&Value::Bytes(Bytes(b"hello".to_vec()))).unwrap(),
        json!({"__type__": "bytes", "__schema__": 1, "data": "aGVsbG8="})
    );
    assert_eq!(
        wire::to_json(&Value::Float(f64::NEG_INFINITY)).unwrap(),
        json!({"__type__": "special_float", "__schema__": 1, "value": "neg_infinity"})
    );
    assert_eq!(
        wire::to_json(&Value::Set(vec![1.into()])).unwrap(),
        json!({"__type__": "set", "__schema__": 1, "elements": [1]})
    );
    let plain = Value::Dict(vec![("b".into(), 1.into()), ("a".into(), Value::List(vec![]))]);
    assert_eq!(wire::to_string(&plain).unwrap(), r#"{"b":1,"a":[]}"#, "string keys stay a plain object, in order");
    // A str-keyed dict with a "__type__" key must not be mistaken for a tagged value.
    let tricky = Value::Dict(vec![("__type__".into(), "tuple".into())]);
    assert_eq!(wire::from_json(&wire::to_json(&tricky).unwrap()).unwrap(), tricky);
    // Ints that fit 64 bits are JSON numbers; beyond, a tagged decimal string (a JSON number
    // would be rounded by readers without big-number support).
    assert_eq!(wire::to_string(&Value::from(u64::MAX)).unwrap(), u64::MAX.to_string());
    assert_eq!(wire::to_string(&Value::from(i64::MIN)).unwrap(), i64::MIN.to_string());
    let big: Int = "-123456789012345678901234567890".parse().unwrap();
    let text = wire::to_string(&Value::Int(big.clone())).unwrap();
    assert_eq!(text, r#"{"__type__":"int","__schema__":1,"value":"-123456789012345678901234567890"}"#);
    assert_eq!(wire::from_str(&text).unwrap(), Value::Int(big));
}

#[test]
fn seed_payloads_decode() {
    let v = wire::from_json(&json!({"__type__": "tuple", "elements": [{"__type__": "atom", "value": "ok"}, "result"]}))
        .unwrap();
    assert_eq!(v, Value::Tuple(vec!["ok".into(), "result".into()]));
    let dt =
        wire::from_str(r#"{"__type__":"datetime","__schema__":1,"value":"2024-01-02T03:04:05.000006+01:00"}"#).unwrap();
    assert_eq!(dt, Value::DateTime("2024-01-02T03:04:05.000006+01:00".parse().unwrap()));
}

#[test]
fn refs_round_trip_through_the_wire_and_stay_usable() {
    let path = call("pathlib", "Path", ("/tmp",)).unwrap();
    let text = wire::to_string(&path).unwrap();
    assert!(text.contains(r#""__type__":"ref""#) && text.contains(r#""session_id":"auto_"#), "{text}");
    let back = wire::from_str(&text).unwrap();
    assert_eq!(back, path);
    let name: String = snakebridge::attr(back.as_ref().unwrap(), "name").unwrap().extract().unwrap();
    assert_eq!(name, "tmp");
    // A ref read from the wire does not own the object: dropping it keeps the original alive.
    drop(back);
    assert!(path.as_ref().unwrap().is_alive());
}

#[test]
fn malformed_wire_data_is_an_error_naming_the_place() {
    let cases = [
        (json!({"__type__": "tuple"}), "elements"),
        (json!({"__type__": "nope", "__schema__": 1}), "unknown __type__"),
        (json!({"__type__": "bytes", "__schema__": 1, "data": "!!!"}), "bad base64"),
        (json!({"__type__": "tuple", "__schema__": 99, "elements": []}), "unknown wire schema 99"),
        (json!({"__type__": 5}), "must be a string"),
        (json!([1, {"__type__": "special_float", "value": "huge"}]), "/1/value"),
        (json!({"__type__": "dict", "pairs": [[1]]}), "/pairs/0"),
        (json!({"__type__": "date", "value": "2024-13-40"}), "not ISO 8601"),
        (json!({"a": {"__type__": "set", "elements": 3}}), "/a/elements"),
    ];
    for (input, needle) in cases {
        let err = wire::from_json(&input).unwrap_err();
        assert!(matches!(err, Error::InvalidWire { .. }), "{input}: {err:?}");
        assert!(err.to_string().contains(needle), "{input}: {err}");
    }
    for (input, needle) in [
        (json!({"__type__": "ref", "session_id": "s"}), "no `id`"),
        (json!({"__type__": "ref", "id": "ref_123", "session_id": "s"}), "32 hex"),
        (json!({"__type__": "ref", "id": "ref_00000000000000000000000000000000"}), "session_id"),
    ] {
        let err = wire::from_json(&input).unwrap_err();
        assert!(matches!(err, Error::InvalidRef { .. }), "{input}: {err:?}");
        assert!(err.to_string().contains(needle), "{err}");
    }
    assert!(matches!(wire::from_str("{not json"), Err(Error::InvalidWire { .. })));
}

#[test]
fn a_well_formed_ref_that_was_never_issued_is_ref_not_found() {
    let session = snakebridge::current_session();
    let forged = wire::from_json(
        &json!({"__type__": "ref", "id": "ref_0123456789abcdef0123456789abcdef", "session_id": session}),
    )
    .unwrap();
    let err = snakebridge::method(forged.as_ref().unwrap(), "exists", ()).unwrap_err();
    assert!(matches!(err, Error::RefNotFound { .. }), "{err:?}");
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::None),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<i128>().prop_map(Value::from),
        any::<u128>().prop_map(Value::from),
        any::<f64>().prop_map(Value::Float),
        prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY), Just(-0.0)].prop_map(Value::Float),
        ".*".prop_map(Value::Str),
        proptest::collection::vec(any::<u8>(), 0..16).prop_map(|b| Value::Bytes(Bytes(b))),
        (1i32..=9999, 1u8..=12, 1u8..=28).prop_map(|(year, month, day)| Value::Date(Date { year, month, day })),
        (0u8..24, 0u8..60, 0u8..60, 0u32..1_000_000, proptest::option::of(-86_399i32..86_400)).prop_map(
            |(hour, minute, second, microsecond, utc_offset)| {
                Value::Time(Time { hour, minute, second, microsecond, utc_offset })
            }
        ),
        (1i32..=9999, 1u8..=12, 1u8..=28, 0u8..24).prop_map(|(year, month, day, hour)| Value::DateTime(DateTime {
            date: Date { year, month, day },
            time: Time { hour, minute: 0, second: 0, microsecond: 0, utc_offset: Some(3600) },
        })),
        (any::<f64>(), any::<f64>()).prop_map(|(re, im)| Value::Complex { re, im }),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::List),
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Tuple),
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Set),
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::FrozenSet),
            proptest::collection::vec((inner.clone(), inner.clone()), 0..6).prop_map(Value::Dict),
            proptest::collection::vec((".{0,8}".prop_map(Value::Str), inner), 0..6).prop_map(Value::Dict),
        ]
    })
}

proptest! {
    #[test]
    fn wire_round_trip_is_lossless(v in value()) {
        let text = wire::to_string(&v).unwrap();
        let back = wire::from_str(&text).unwrap();
        prop_assert_eq!(&back, &v, "through {}", text);
        // And through serde, as a field of another structure.
        let nested: Vec<Value> = serde_json::from_str(&serde_json::to_string(&vec![v.clone()]).unwrap()).unwrap();
        prop_assert_eq!(&nested[0], &v);
    }

    #[test]
    fn garbage_never_panics(text in ".{0,64}") {
        let _ = wire::from_str(&text);
        let _ = wire::from_str(&format!(r#"{{"__type__": "tuple", "elements": {text}}}"#));
    }
}

/// Values Python can hold (hashable keys, no NaN keys) also survive Rust → Python → Rust.
fn python_safe_key() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        "[a-z]{0,6}".prop_map(Value::Str),
        any::<bool>().prop_map(Value::Bool)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn python_round_trip_is_lossless(
        items in proptest::collection::vec((python_safe_key(), leaf()), 0..8),
        list in proptest::collection::vec(leaf(), 0..8),
    ) {
        // Python dicts merge equal keys (1 == True): keep the first of each.
        let mut seen: Vec<Value> = Vec::new();
        let items: Vec<(Value, Value)> = items.into_iter().filter(|(k, _)| {
            let key_eq = |a: &Value, b: &Value| a == b || matches!((a, b), (Value::Bool(x), Value::Int(i)) | (Value::Int(i), Value::Bool(x)) if i.as_i64() == Some(*x as i64));
            if seen.iter().any(|s| key_eq(s, k)) { false } else { seen.push(k.clone()); true }
        }).collect();
        let v = Value::Tuple(vec![Value::Dict(items), Value::List(list)]);
        let back = call("copy", "deepcopy", (&v,)).unwrap();
        prop_assert_eq!(back, v);
    }
}
