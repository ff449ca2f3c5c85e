//! The fast paths of calls and refs (see docs/performance.md) give the same answers as the
//! slow ones: the per-thread callable cache, shared type names, the ring of removal reasons,
//! the registry without a clock when no TTL is set.

use std::time::Duration;

use snakebridge::{
    attr, call, call_as, call_ref, current_session, release_ref, release_session, session_ref_count, set_attr,
    with_session, Error, Ref, RefGone, Session, Value,
};

fn new_ref(module: &str, function: &str) -> Ref {
    match call(module, function, ()).unwrap() {
        Value::Ref(r) => r,
        other => panic!("{module}.{function}() should come back as a ref, got {other:?}"),
    }
}

fn gone_reason(r: &Ref) -> RefGone {
    match attr(r, "__class__") {
        Err(Error::RefNotFound { reason, .. }) => reason,
        other => panic!("expected RefNotFound, got {other:?}"),
    }
}

#[test]
fn more_callables_than_the_thread_cache_holds_each_give_their_own_result() {
    // Twelve names in turn overflow the eight per-thread slots on every round; `pow` and
    // `floor`-like names in two modules check that the module is part of the key.
    for _ in 0..3 {
        assert_eq!(call_as::<f64>("math", "sqrt", (16.0,)).unwrap(), 4.0);
        assert_eq!(call_as::<i64>("math", "floor", (2.5,)).unwrap(), 2);
        assert_eq!(call_as::<i64>("math", "ceil", (2.5,)).unwrap(), 3);
        assert_eq!(call_as::<f64>("math", "fabs", (-2.0,)).unwrap(), 2.0);
        assert_eq!(call_as::<i64>("builtins", "abs", (-3,)).unwrap(), 3);
        assert_eq!(call_as::<i64>("builtins", "len", ("abcd",)).unwrap(), 4);
        assert_eq!(call_as::<i64>("operator", "neg", (5,)).unwrap(), -5);
        assert_eq!(call_as::<i64>("math", "factorial", (5,)).unwrap(), 120);
        assert_eq!(call_as::<String>("builtins", "str", (7,)).unwrap(), "7");
        assert!(matches!(call("math", "pow", (2, 3)).unwrap(), Value::Float(f) if f == 8.0));
        assert_eq!(call("builtins", "pow", (2, 3)).unwrap(), Value::Int(8.into()));
        assert_eq!(call_as::<String>("os.path", "join", ("a", "b")).unwrap(), "a/b");
    }
}

#[test]
fn threads_resolve_the_same_callables_independently() {
    let handles: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..200i64 {
                    let x = (t * 1000 + i) as f64;
                    assert_eq!(call_as::<f64>("math", "sqrt", (x * x,)).unwrap(), x);
                    assert_eq!(call_as::<i64>("builtins", "abs", (-i,)).unwrap(), i);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn builtin_and_extension_types_report_their_names() {
    for _ in 0..2 {
        let o = new_ref("builtins", "object");
        assert_eq!((o.type_name(), o.python_module(), o.library()), ("object", Some("builtins"), Some("builtins")));
        let d = new_ref("collections", "OrderedDict");
        assert_eq!(
            (d.type_name(), d.python_module(), d.library()),
            ("OrderedDict", Some("collections"), Some("collections"))
        );
    }
    let dec = match call("decimal", "Decimal", ("1.5",)).unwrap() {
        Value::Ref(r) => r,
        other => panic!("Decimal should be a ref, got {other:?}"),
    };
    assert_eq!((dec.type_name(), dec.python_module()), ("Decimal", Some("decimal")));
}

#[test]
fn a_python_class_renamed_between_refs_reports_its_new_name() {
    let cls = new_ref_with("types", "new_class", ("Probe",));
    let before = call_ref(&cls, ()).unwrap();
    assert_eq!(before.as_ref().unwrap().type_name(), "Probe");
    set_attr(&cls, "__qualname__", "Renamed").unwrap();
    let after = call_ref(&cls, ()).unwrap();
    assert_eq!(after.as_ref().unwrap().type_name(), "Renamed");
}

fn new_ref_with(module: &str, function: &str, args: (&str,)) -> Ref {
    match call(module, function, args).unwrap() {
        Value::Ref(r) => r,
        other => panic!("{module}.{function} should come back as a ref, got {other:?}"),
    }
}

#[test]
fn released_evicted_and_session_released_refs_say_why() {
    let r = new_ref("builtins", "object");
    release_ref(&r);
    assert_eq!(gone_reason(&r), RefGone::Released);

    let small = Session::builder().max_refs(2).build();
    with_session(&small, || {
        let first = new_ref("builtins", "object");
        let _second = new_ref("builtins", "object");
        let _third = new_ref("builtins", "object");
        assert_eq!(gone_reason(&first), RefGone::Evicted);
        assert_eq!(small.ref_count(), 2);
    });

    let s = Session::new();
    let kept = with_session(&s, || new_ref("builtins", "object"));
    assert_eq!(release_session(s.id()), 1);
    with_session(&s, || assert_eq!(gone_reason(&kept), RefGone::SessionReleased));
}

#[test]
fn a_session_with_a_ttl_still_expires_unused_refs() {
    let s = Session::builder().ttl(Duration::from_millis(50)).build();
    with_session(&s, || {
        let r = new_ref("builtins", "object");
        assert!(attr(&r, "__class__").is_ok(), "used within the TTL");
        std::thread::sleep(Duration::from_millis(120));
        // Any registry operation on the session prunes what has expired.
        let _trigger = new_ref("builtins", "object");
        assert_eq!(gone_reason(&r), RefGone::Expired);
    });
}

#[test]
fn refs_made_and_dropped_on_many_threads_leave_nothing_behind() {
    let handles: Vec<_> = (0..6)
        .map(|_| {
            std::thread::spawn(|| {
                let mut kept = Vec::new();
                for i in 0..300 {
                    let r = new_ref("builtins", "object");
                    if i % 3 == 0 {
                        kept.push(r);
                    }
                }
                assert_eq!(session_ref_count(&current_session()), 100);
                for (i, r) in kept.iter().enumerate() {
                    if i % 2 == 0 {
                        release_ref(r);
                    }
                }
                assert_eq!(session_ref_count(&current_session()), 50);
                drop(kept);
                session_ref_count(&current_session())
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 0);
    }
}
