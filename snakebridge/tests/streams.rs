//! Python iterators and generators as `StreamRef`, against the real interpreter.

mod support;

use snakebridge::{args, attr, call, call_as, iterate, method_as, stream, Error, Ref, StreamRef, Value};

/// A fresh Python module made of `code`, as a ref.
fn module(code: &str) -> Ref {
    support::fresh_module("sb_test_streams", code)
}

const GENERATORS: &str = r#"
pulled = 0

def numbers(n):
    global pulled
    for i in range(n):
        pulled += 1
        yield i

def fails_after(n):
    for i in range(n):
        yield i
    raise ValueError("generator broke after %d items" % n)

def mixed():
    yield 1
    yield "two"
    yield 3
"#;

#[test]
fn infinite_itertools_count_works_with_take() {
    let counter: StreamRef<i64> = call_as("itertools", "count", ()).unwrap();
    let first: Vec<i64> = counter.take(5).collect::<Result<_, _>>().unwrap();
    assert_eq!(first, [0, 1, 2, 3, 4]);

    let from_ten: Vec<i64> =
        iterate::<i64>("itertools", "count", args!(10, step = 5)).unwrap().take(3).map(Result::unwrap).collect();
    assert_eq!(from_ten, [10, 15, 20]);
}

#[test]
fn a_generator_is_read_in_order_and_ends() {
    let m = module(GENERATORS);
    let items: Vec<i64> =
        method_as::<StreamRef<i64>>(&m, "numbers", (1000,)).unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(items, (0..1000).collect::<Vec<_>>());
}

#[test]
fn values_stream_keeps_python_types() {
    let m = module(GENERATORS);
    let items: Vec<Value> = method_as::<StreamRef>(&m, "mixed", ()).unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(items, [Value::from(1), Value::Str("two".into()), Value::from(3)]);
}

#[test]
fn a_generator_that_raises_midway_gives_its_items_then_the_error_then_ends() {
    let m = module(GENERATORS);
    let mut s = method_as::<StreamRef<i64>>(&m, "fails_after", (5,)).unwrap();
    for expected in 0..5 {
        assert_eq!(s.next().unwrap().unwrap(), expected);
    }
    let err = s.next().unwrap().unwrap_err();
    assert!(err.is_python("ValueError"), "{err}");
    assert!(err.to_string().contains("broke after 5 items"), "{err}");
    assert!(s.next().is_none());
    assert!(s.next().is_none(), "fused: stays ended");
}

#[test]
fn an_item_that_does_not_convert_is_an_error_and_the_stream_goes_on() {
    let m = module(GENERATORS);
    let items: Vec<_> = method_as::<StreamRef<i64>>(&m, "mixed", ()).unwrap().collect();
    assert_eq!(items.len(), 3);
    assert_eq!(*items[0].as_ref().unwrap(), 1);
    assert!(matches!(items[1], Err(Error::Conversion { .. })), "{:?}", items[1]);
    assert_eq!(*items[2].as_ref().unwrap(), 3);
}

#[test]
fn a_non_iterable_is_a_typed_error() {
    let obj = call("builtins", "object", ()).unwrap();
    let err = StreamRef::<Value>::from_ref(obj.as_ref().unwrap()).unwrap_err();
    assert!(matches!(&err, Error::NotIterable { type_name } if type_name == "object"), "{err}");
    assert!(err.to_string().contains("not iterable"), "{err}");

    let err = iterate::<f64>("math", "sqrt", (4,)).unwrap_err();
    assert!(matches!(&err, Error::NotIterable { type_name } if type_name == "float"), "{err}");
}

#[test]
fn len_where_python_knows_it() {
    let range = call("builtins", "range", (10,)).unwrap();
    let mut s = StreamRef::<i64>::from_ref(range.as_ref().unwrap()).unwrap();
    assert_eq!(s.len().unwrap(), Some(10));
    assert_eq!(s.next().unwrap().unwrap(), 0);
    assert_eq!(s.len().unwrap(), Some(9), "pulled-ahead items still count as left");
    assert_eq!(s.by_ref().count(), 9);
    assert_eq!(s.len().unwrap(), Some(0));

    let m = module(GENERATORS);
    let g = method_as::<StreamRef<i64>>(&m, "numbers", (3,)).unwrap();
    assert_eq!(g.len().unwrap(), None, "a generator has no length");
}

#[test]
fn batching_is_bounded_and_batch_size_one_is_strictly_lazy() {
    let m = module(GENERATORS);
    let strict = method_as::<StreamRef<i64>>(&m, "numbers", (1000,)).unwrap().batch_size(1);
    let _: Vec<_> = strict.take(3).collect();
    assert_eq!(attr(&m, "pulled").unwrap().extract::<i64>().unwrap(), 3);

    let m = module(GENERATORS);
    let batched = method_as::<StreamRef<i64>>(&m, "numbers", (1000,)).unwrap();
    let _: Vec<_> = batched.take(3).collect();
    let pulled: i64 = attr(&m, "pulled").unwrap().extract().unwrap();
    assert!((3..=7).contains(&pulled), "batches of 1, 2, 4 pull at most 7 for 3 items, pulled {pulled}");
}

#[test]
fn the_callback_form_sees_every_item() {
    let mut seen = Vec::new();
    let n = stream("builtins", "range", args!(0, 10, 2), |i: i64| seen.push(i)).unwrap();
    assert_eq!(n, 5);
    assert_eq!(seen, [0, 2, 4, 6, 8]);
}

#[test]
fn the_callback_form_stops_at_a_python_error() {
    let m = module(GENERATORS);
    let module_name: String = attr(&m, "__name__").unwrap().extract().unwrap();
    let mut seen = Vec::new();
    let err = stream(&module_name, "fails_after", (3,), |i: i64| seen.push(i)).unwrap_err();
    assert!(err.is_python("ValueError"), "{err}");
    assert_eq!(seen, [0, 1, 2]);
}

#[test]
fn a_large_generator_sums_right() {
    let m = module(GENERATORS);
    let total: i64 = method_as::<StreamRef<i64>>(&m, "numbers", (200_000,)).unwrap().map(Result::unwrap).sum();
    assert_eq!(total, (0..200_000i64).sum::<i64>());
}

#[test]
fn a_stream_can_be_passed_back_to_python() {
    let mut s = call_as::<StreamRef<i64>>("itertools", "count", ()).unwrap().batch_size(1);
    assert_eq!(s.next().unwrap().unwrap(), 0);
    // Python continues the same iterator where Rust left it.
    let rest: Vec<i64> = snakebridge::call_helper_as("snakebridge.take", (s.iterator(), 3)).unwrap();
    assert_eq!(rest, [1, 2, 3]);
}

#[test]
fn threads_iterate_their_own_streams_at_once() {
    let handles: Vec<_> = (0..4i64)
        .map(|t| {
            std::thread::spawn(move || {
                let m = module(GENERATORS);
                let s = method_as::<StreamRef<i64>>(&m, "numbers", (20_000 + t,)).unwrap();
                s.map(Result::unwrap).sum::<i64>()
            })
        })
        .collect();
    for (t, h) in handles.into_iter().enumerate() {
        let n = 20_000 + t as i64;
        assert_eq!(h.join().unwrap(), n * (n - 1) / 2);
    }
}

#[test]
fn a_stream_used_in_another_session_is_a_session_error() {
    let mut s = call_as::<StreamRef<i64>>("itertools", "count", ()).unwrap();
    let other = snakebridge::Session::new();
    let item = other.run(|| s.next()).unwrap();
    assert!(matches!(item, Err(Error::SessionMismatch { .. })), "{item:?}");
    assert!(s.next().is_none(), "the stream ends after the error");
}
