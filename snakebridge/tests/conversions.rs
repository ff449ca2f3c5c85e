//! One conversion table per direction: `call_as::<T>` (Python → T) and `call(..)?.extract::<T>()`
//! (Python → `Value` → T) agree for every T, property-tested over generated Python values; and
//! the repros of issue 12 (lossy floats, ranges, 12-tuples, serde) and issue 14 (ints of any
//! size, lone surrogates).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Debug;

use proptest::prelude::*;
use snakebridge::{call, call_as, Bytes, Error, FromValue, Int, Ref, Serde, Value};

fn globals() -> Value {
    Value::Dict(vec![])
}

/// Both doors for `expr`: straight to `T`, and through `Value`.
fn both<T: FromValue>(expr: &str) -> (snakebridge::Result<T>, snakebridge::Result<T>) {
    let direct = call_as::<T>("builtins", "eval", (expr, globals()));
    let via = call("builtins", "eval", (expr, globals())).and_then(Value::extract::<T>);
    (direct, via)
}

/// `Ok` when both doors give the same value or the same kind of error.
fn agree<T: FromValue + PartialEq + Debug>(expr: &str) -> Result<(), String> {
    match both::<T>(expr) {
        (Ok(a), Ok(b)) if a == b => Ok(()),
        (Err(a), Err(b)) if std::mem::discriminant(&a) == std::mem::discriminant(&b) => Ok(()),
        (a, b) => Err(format!("{} of `{expr}`: call_as gave {a:?}, extract gave {b:?}", std::any::type_name::<T>())),
    }
}

fn every_type_agrees(expr: &str) -> Result<(), String> {
    agree::<i8>(expr)?;
    agree::<i32>(expr)?;
    agree::<i64>(expr)?;
    agree::<u8>(expr)?;
    agree::<u64>(expr)?;
    agree::<i128>(expr)?;
    agree::<u128>(expr)?;
    agree::<usize>(expr)?;
    agree::<Int>(expr)?;
    agree::<f64>(expr)?;
    agree::<f32>(expr)?;
    agree::<bool>(expr)?;
    agree::<String>(expr)?;
    agree::<Bytes>(expr)?;
    agree::<()>(expr)?;
    agree::<Vec<i64>>(expr)?;
    agree::<Vec<u8>>(expr)?;
    agree::<Vec<String>>(expr)?;
    agree::<Vec<Vec<i64>>>(expr)?;
    agree::<Vec<Option<f64>>>(expr)?;
    agree::<Option<i64>>(expr)?;
    agree::<Option<String>>(expr)?;
    agree::<HashMap<String, i64>>(expr)?;
    agree::<BTreeMap<i64, String>>(expr)?;
    agree::<HashMap<String, Vec<i64>>>(expr)?;
    agree::<HashSet<i64>>(expr)?;
    agree::<(i64,)>(expr)?;
    agree::<(i64, String)>(expr)?;
    agree::<(i64, i64, i64)>(expr)?;
    agree::<(f64, Option<bool>)>(expr)?;
    agree::<Serde<serde_json::Value>>(expr)?;
    agree::<Serde<Vec<i64>>>(expr)?;
    agree::<Serde<HashMap<String, f64>>>(expr)?;
    Ok(())
}

/// Python expressions: exact builtins, and objects that are refs on the `Value` path.
fn leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("None".to_string()),
        Just("True".to_string()),
        Just("False".to_string()),
        any::<i64>().prop_map(|i| i.to_string()),
        (-300i64..300).prop_map(|i| i.to_string()),
        prop_oneof![
            Just("2**53"),
            Just("2**53 + 1"),
            Just("-(2**53)"),
            Just("2**63"),
            Just("2**64 - 1"),
            Just("2**64"),
            Just("2**70"),
            Just("-(2**127)"),
            Just("2**128"),
            Just("9007199254740993"),
        ]
        .prop_map(str::to_string),
        (-1e6f64..1e6).prop_map(|f| format!("{f:?}")),
        prop_oneof![Just("0.5"), Just("0.1"), Just("1e300"), Just("float('inf')"), Just("-0.0"), Just("3.0")]
            .prop_map(str::to_string),
        "[a-z]{0,5}".prop_map(|s| format!("{s:?}")),
        Just("'\\ud800'".to_string()),
        proptest::collection::vec(any::<u8>(), 0..4).prop_map(|b| format!("bytes({b:?})")),
        prop_oneof![
            Just("range(3)"),
            Just("bytearray(b'ab')"),
            Just("__import__('enum').IntEnum('E', 'A B').B"),
            Just("__import__('collections').OrderedDict(a=1)"),
            Just("(x for x in [1, 2])"),
            Just("type('S', (str,), {})('sub')"),
            Just("object()"),
            Just("complex(1, 2)"),
            Just("__import__('decimal').Decimal('1.5')"),
        ]
        .prop_map(str::to_string),
    ]
}

fn python_value() -> impl Strategy<Value = String> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            proptest::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("({},)", v.join(", "))),
            proptest::collection::vec(inner.clone(), 0..4)
                .prop_map(|v| format!("list(filter(lambda x: x.__hash__, [{}]))", v.join(", "))),
            proptest::collection::vec(("[a-c]{1,2}", inner.clone()), 0..3).prop_map(|kv| {
                format!("{{{}}}", kv.iter().map(|(k, v)| format!("{k:?}: {v}")).collect::<Vec<_>>().join(", "))
            }),
            proptest::collection::vec((-3i64..3, inner), 0..3).prop_map(|kv| {
                format!("{{{}}}", kv.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", "))
            }),
            proptest::collection::vec(-5i64..5, 0..4).prop_map(|v| format!("set({v:?})")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]
    #[test]
    fn call_as_and_extract_agree_for_every_type(expr in python_value()) {
        if let Err(e) = every_type_agrees(&expr) {
            return Err(TestCaseError::fail(e));
        }
    }
}

#[test]
fn the_issue_repros_agree() {
    for expr in ["int('9007199254740993')", "range(3)", "2**53", "True", "[1, True]", "b'ab'", "'\\ud800'"] {
        every_type_agrees(expr).unwrap();
    }
    // Lossy is an error on both paths, naming both types.
    let (direct, via) = both::<f64>("int('9007199254740993')");
    for err in [direct.unwrap_err(), via.unwrap_err()] {
        assert!(matches!(err, Error::Conversion { .. }), "{err:?}");
        assert!(err.to_string().contains("f64") && err.to_string().contains("Python int"), "{err}");
    }
    let (direct, via) = both::<f64>("2**53");
    assert_eq!((direct.unwrap(), via.unwrap()), (9007199254740992.0, 9007199254740992.0));
    assert!(matches!(both::<f32>("0.1").0, Err(Error::Conversion { .. })));
    assert_eq!(both::<f32>("0.5").1.unwrap(), 0.5);
    // A range is an iterable: both doors read it.
    let (direct, via) = both::<Vec<i64>>("range(3)");
    assert_eq!(direct.unwrap(), vec![0, 1, 2]);
    assert_eq!(via.unwrap(), vec![0, 1, 2]);
    // bool is not an int on either door (Value::Bool is no Value::Int).
    assert!(both::<i64>("True").0.is_err() && both::<i64>("True").1.is_err());
}

#[test]
fn tuples_of_the_shared_arity_convert_in_every_trait() {
    assert_eq!(snakebridge_meta::limits::MAX_TUPLE_ARITY, 12);
    type T12 = (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, String);
    let t: T12 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, "twelve".into());
    let direct: T12 = call_as("copy", "copy", (t.clone(),)).unwrap();
    assert_eq!(direct, t);
    let via: T12 = call("copy", "copy", (Value::from(t.clone()),)).unwrap().extract().unwrap();
    assert_eq!(via, t);
    let len: usize = call_as("builtins", "len", (t.clone(),)).unwrap();
    assert_eq!(len, 12);
}

#[test]
fn ints_beyond_the_str_limit_cross_exactly_both_ways() {
    // CPython refuses int <-> str beyond 4,300 digits; the runtime uses int.to_bytes/from_bytes.
    let big = call("builtins", "eval", ("10**5000 + 7", globals())).unwrap();
    let Value::Int(i) = &big else { panic!("a plain int, not {big:?}") };
    assert!(i.is_big());
    let text = i.to_string();
    assert_eq!(text.len(), 5001);
    assert!(text.starts_with('1') && text.ends_with("0007"));
    let same: bool =
        call_as("builtins", "eval", ("x == 10**5000 + 7", Value::Dict(vec![("x".into(), big.clone())]))).unwrap();
    assert!(same);
    let negative: Int = format!("-{text}").parse().unwrap();
    let bits: usize = call_as(
        "builtins",
        "eval",
        ("(-x).bit_length()", Value::Dict(vec![("x".into(), Value::Int(negative.clone()))])),
    )
    .unwrap();
    assert_eq!(bits, 16610);
    let back: Int = call_as("copy", "copy", (Value::Int(negative.clone()),)).unwrap();
    assert_eq!(back, negative);
    assert_eq!(call("copy", "copy", (&big,)).unwrap(), big);
}

#[test]
fn lone_surrogates_are_clear_conversion_errors() {
    let err = call_as::<String>("builtins", "eval", ("'a\\ud800'", globals())).unwrap_err();
    assert!(matches!(err, Error::Conversion { .. }), "{err:?}");
    assert!(err.to_string().contains("unpaired surrogate at index 1"), "{err}");
    let via = call("builtins", "eval", ("'a\\ud800'", globals())).unwrap().extract::<String>().unwrap_err();
    assert_eq!(via.to_string(), err.to_string());
    // Ref::str() does not silently replace them either.
    let obj: Ref =
        call_as("builtins", "eval", ("type('Odd', (), {'__str__': lambda self: 'x\\udc80'})()", globals())).unwrap();
    let err = obj.str().unwrap_err();
    assert!(matches!(err, Error::Conversion { .. }) && err.to_string().contains("unpaired surrogate"), "{err}");
}

#[test]
fn serde_json_values_cross_as_plain_python_data_and_come_back_equal() {
    let text: String = call_as("json", "dumps", (Serde(serde_json::json!({"a": 1})),)).unwrap();
    assert_eq!(text, r#"{"a": 1}"#);
    let big = serde_json::json!({"__type__": "int", "__schema__": 1, "value": "1180591620717411303424"});
    let data = serde_json::json!({
        "small": -3, "u64": u64::MAX, "float": 1.5, "tiny": 1e-300, "big": big,
        "nested": {"list": [1, [2.5, {"deep": [null, true, "s"]}]], "empty": {}},
    });
    // In Python: plain data, the big int an int.
    let check = "type(d['big']) is int and d['big'] == 2**70 and d['u64'] == 2**64 - 1 \
                 and d['nested']['list'][1][1]['deep'] == [None, True, 's'] and d['float'] == 1.5";
    let ok: bool =
        call_as("builtins", "eval", (check, Value::Dict(vec![("d".into(), Value::from_serde(&data).unwrap())])))
            .unwrap();
    assert!(ok);
    let back: Serde<serde_json::Value> = call_as("copy", "deepcopy", (Serde(data.clone()),)).unwrap();
    assert_eq!(back.0, data);
    let via: Serde<serde_json::Value> = call("copy", "deepcopy", (Serde(data.clone()),)).unwrap().extract().unwrap();
    assert_eq!(via.0, data);
    // An i128 field reads a 2**70 directly.
    let wide: Serde<Vec<i128>> = call_as("builtins", "eval", ("[2**70, -2**100]", globals())).unwrap();
    assert_eq!(wide.0, vec![1i128 << 70, -(1i128 << 100)]);
}

#[test]
fn from_serde_and_to_serde_are_plain_rust_data() {
    let v = Value::from_serde(&serde_json::json!({"a": [1, 2.5, null]})).unwrap();
    assert_eq!(v, Value::Dict(vec![("a".into(), Value::List(vec![1.into(), 2.5.into(), Value::None]))]));
    let back: serde_json::Value = v.to_serde().unwrap();
    assert_eq!(back, serde_json::json!({"a": [1, 2.5, null]}));
}

#[test]
fn a_users_serde_json_is_not_changed_by_depending_on_snakebridge() {
    // Under `arbitrary_precision` a Number serializes (outside serde_json) as a private map.
    assert_eq!(Value::from_serde(&serde_json::json!(1)).unwrap(), Value::from(1));
    assert_eq!(Value::from_serde(&serde_json::Number::from(u64::MAX)).unwrap(), Value::from(u64::MAX));
    // Under `arbitrary_precision` this parses; by default an integer beyond u64 becomes a float.
    assert!(serde_json::from_str::<serde_json::Value>("18446744073709551616").unwrap().is_f64());
    // Under `preserve_order` maps keep insertion order; by default keys are sorted.
    assert_eq!(serde_json::json!({"b": 1, "a": 2}).to_string(), r#"{"a":2,"b":1}"#);
    // And the feature set, as cargo resolves it for this build.
    let tree = std::process::Command::new(env!("CARGO"))
        .args(["tree", "-e", "features", "-i", "serde_json", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    if let Ok(out) = tree {
        if out.status.success() {
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(!text.contains("arbitrary_precision") && !text.contains("preserve_order"), "{text}");
        }
    }
}
