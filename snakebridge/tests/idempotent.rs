//! Idempotent calls: a marked call with the same arguments is answered from the cache without
//! reaching Python (`tests/python/sb_idempotent.py` counts its calls), only plain data is
//! cached, the cache is bounded and invalidated on demand, and hits and misses are counted.

use std::sync::Mutex;
use std::time::Duration;

use snakebridge::{
    args, call, call_as, idempotent_stats, invalidate_idempotent, python_module, Args, IdempotentCache, Value,
};

#[python_module("sb_idempotent", include = ["double", "echo", "count"], idempotent = ["double"])]
mod sb {}

/// The cache and its counters are process-wide: the tests take turns.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    let guard = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    IdempotentCache::default().configure();
    invalidate_idempotent(None);
    guard
}

fn count(name: &str) -> i64 {
    call_as("sb_idempotent", "count", (name,)).unwrap()
}

#[test]
fn a_marked_call_is_answered_from_the_cache() {
    let _turn = serial();
    let before = (count("echo"), idempotent_stats());
    let first: Value = call("sb_idempotent", "echo", args!(vec![1, 2, 3], tag = "a").idempotent()).unwrap();
    let second: Value = call("sb_idempotent", "echo", args!(vec![1, 2, 3], tag = "a").idempotent()).unwrap();
    assert_eq!(first, second);
    assert_eq!(count("echo") - before.0, 1, "the second call must not reach Python");
    let stats = idempotent_stats();
    assert_eq!(stats.hits - before.1.hits, 1);
    assert_eq!(stats.misses - before.1.misses, 1);

    // Other arguments, another key: 1, 1.0 and True differ, and so do keyword values.
    for a in
        [args!(1).idempotent(), args!(1.0).idempotent(), args!(true).idempotent(), args!(1, tag = "b").idempotent()]
    {
        call("sb_idempotent", "echo", a).unwrap();
    }
    assert_eq!(count("echo") - before.0, 5);
    // Unmarked calls always run.
    call("sb_idempotent", "echo", (vec![1, 2, 3],)).unwrap();
    call("sb_idempotent", "echo", (vec![1, 2, 3],)).unwrap();
    assert_eq!(count("echo") - before.0, 7);
}

#[test]
fn functions_marked_in_python_module_are_cached() {
    let _turn = serial();
    let before = count("double");
    assert_eq!(sb::double(21).unwrap().extract::<i64>().unwrap(), 42);
    assert_eq!(sb::double(21).unwrap().extract::<i64>().unwrap(), 42);
    assert_eq!(sb::double("ab").unwrap().extract::<String>().unwrap(), "abab");
    assert_eq!(count("double") - before, 2, "double(21) runs once, double(\"ab\") once");
    // A function not listed is not cached.
    let echoes = count("echo");
    sb::echo(1).unwrap();
    sb::echo(1).unwrap();
    assert_eq!(count("echo") - echoes, 2);
}

#[test]
fn refs_and_objects_are_never_cached() {
    let _turn = serial();
    let before = (count("fresh"), count("echo"), idempotent_stats());
    // A result that is not plain data runs every time and each caller gets its own object.
    let a = call("sb_idempotent", "fresh", Args::new().idempotent()).unwrap();
    let b = call("sb_idempotent", "fresh", Args::new().idempotent()).unwrap();
    assert!(a.as_ref().is_some() && b.as_ref().is_some());
    assert_ne!(a, b);
    assert_eq!(count("fresh") - before.0, 2);
    // A ref argument cannot be a key: the call runs, uncached.
    call("sb_idempotent", "echo", Args::new().arg(a.clone()).idempotent()).unwrap();
    call("sb_idempotent", "echo", Args::new().arg(a).idempotent()).unwrap();
    assert_eq!(count("echo") - before.1, 2);
    assert_eq!(idempotent_stats().uncacheable - before.2.uncacheable, 2);
    assert_eq!(idempotent_stats().entries, 0, "nothing was kept");
}

#[test]
fn a_cached_mutable_result_is_a_fresh_copy_each_time() {
    let _turn = serial();
    let first: snakebridge::Ref = call_as("sb_idempotent", "echo", args!(5).idempotent()).unwrap();
    snakebridge::method(&first, "append", ("changed",)).unwrap();
    let second: Value = call("sb_idempotent", "echo", args!(5).idempotent()).unwrap();
    assert_eq!(second, Value::List(vec![Value::from(5), Value::None]), "the caller's change must not reach the cache");
}

#[test]
fn bounds_and_invalidation() {
    let _turn = serial();
    IdempotentCache { max_entries: 2, ttl: None }.configure();
    let before = count("echo");
    for n in 0..3 {
        call("sb_idempotent", "echo", args!(n).idempotent()).unwrap();
    }
    assert_eq!(idempotent_stats().entries, 2, "the oldest is dropped past max_entries");
    call("sb_idempotent", "echo", args!(0).idempotent()).unwrap();
    assert_eq!(count("echo") - before, 4, "echo(0) was evicted and runs again");
    call("sb_idempotent", "echo", args!(2).idempotent()).unwrap();
    assert_eq!(count("echo") - before, 4, "echo(2) is still kept");

    assert!(invalidate_idempotent(Some(("sb_idempotent", "echo"))) >= 1);
    call("sb_idempotent", "echo", args!(2).idempotent()).unwrap();
    assert_eq!(count("echo") - before, 5, "invalidated, so it runs");

    IdempotentCache { max_entries: 10, ttl: Some(Duration::from_millis(50)) }.configure();
    call("sb_idempotent", "echo", args!(7).idempotent()).unwrap();
    call("sb_idempotent", "echo", args!(7).idempotent()).unwrap();
    assert_eq!(count("echo") - before, 6);
    std::thread::sleep(Duration::from_millis(80));
    call("sb_idempotent", "echo", args!(7).idempotent()).unwrap();
    assert_eq!(count("echo") - before, 7, "past its TTL the result is not served");
}
