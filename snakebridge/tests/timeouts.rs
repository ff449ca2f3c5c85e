//! Timeouts: interruption inside Python of `time.sleep` and of a pure-Python busy loop, the
//! interpreter staying usable, profiles, per-library mapping, per-call overrides, bad input.

mod support;

use std::time::{Duration, Instant};

use snakebridge::{call, get, Args, Error, TimeoutConfig, TimeoutProfile};
use support::define_module;

const SLOW: &str = r#"
import time
from time import sleep   # bound at import: still interruptible, time.sleep is patched first

state = "idle"

def nap(seconds):
    sleep(seconds)
    return "woke"

def spin():
    while True:
        pass

def spin_catching_exceptions():
    while True:
        try:
            while True:
                pass
        except Exception:
            pass

def stubborn():
    # Swallows the interrupt twice: the watchdog repeats it until the call gives up.
    caught = 0
    while caught < 2:
        try:
            while True:
                pass
        except BaseException:
            caught += 1
    return "survived"

def busy_for(seconds):
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        n += 1
    return n

def slow_gen(n, delay):
    for i in range(n):
        time.sleep(delay)
        yield i

def spin_gen():
    yield 0
    while True:
        pass

def tracked_sleep(seconds):
    global state
    state = "running"
    try:
        time.sleep(seconds)
        state = "finished"
    except BaseException as e:
        state = "interrupted:" + type(e).__name__
        raise
"#;

fn setup() {
    define_module("sb_slow", SLOW);
}

fn timeout_after(ms: u64) -> Args<'static> {
    Args::new().timeout(Duration::from_millis(ms))
}

fn assert_timeout(result: snakebridge::Result<snakebridge::Value>, target: &str) {
    match result {
        Err(Error::Timeout { target: t, .. }) => assert_eq!(t, target),
        other => panic!("expected a timeout of {target}, got {other:?}"),
    }
}

#[test]
fn a_sleep_of_60s_with_a_100ms_timeout_returns_within_500ms_and_the_next_call_works() {
    setup();
    let start = Instant::now();
    let r = call("time", "sleep", timeout_after(100).arg(60));
    let took = start.elapsed();
    assert_timeout(r, "time.sleep");
    assert!(took < Duration::from_millis(500), "took {took:?}");
    assert!(took >= Duration::from_millis(100), "fired early: {took:?}");
    let root: f64 = call("math", "sqrt", (16,)).unwrap().extract().unwrap();
    assert_eq!(root, 4.0);
    // The next sleep sleeps its full length: no interrupt is left pending.
    let start = Instant::now();
    call("time", "sleep", (0.12,)).unwrap();
    assert!(start.elapsed() >= Duration::from_millis(120));
}

#[test]
fn sleep_bound_by_from_import_is_interrupted_too() {
    setup();
    let start = Instant::now();
    assert_timeout(call("sb_slow", "nap", timeout_after(100).arg(30)), "sb_slow.nap");
    assert!(start.elapsed() < Duration::from_millis(500), "took {:?}", start.elapsed());
    assert_eq!(call("sb_slow", "nap", (0.01,)).unwrap().extract::<String>().unwrap(), "woke");
}

#[test]
fn a_pure_python_busy_loop_is_interrupted() {
    setup();
    let start = Instant::now();
    assert_timeout(call("sb_slow", "spin", timeout_after(100)), "sb_slow.spin");
    assert!(start.elapsed() < Duration::from_millis(800), "took {:?}", start.elapsed());
    let n: i64 = call("sb_slow", "busy_for", (0.01,)).unwrap().extract().unwrap();
    assert!(n > 0);
}

#[test]
fn except_exception_does_not_swallow_the_interrupt() {
    setup();
    let start = Instant::now();
    assert_timeout(call("sb_slow", "spin_catching_exceptions", timeout_after(100)), "sb_slow.spin_catching_exceptions");
    assert!(start.elapsed() < Duration::from_millis(800), "took {:?}", start.elapsed());
}

#[test]
fn code_that_swallows_the_interrupt_gets_it_again_and_still_times_out() {
    setup();
    let start = Instant::now();
    assert_timeout(call("sb_slow", "stubborn", timeout_after(100)), "sb_slow.stubborn");
    assert!(start.elapsed() < Duration::from_secs(2), "took {:?}", start.elapsed());
    assert_eq!(call("math", "floor", (2.5,)).unwrap().extract::<i64>().unwrap(), 2);
}

#[test]
fn calls_that_finish_near_their_deadline_never_leak_an_interrupt_into_the_next_call() {
    setup();
    let (mut ok, mut timed_out) = (0, 0);
    for i in 0..160 {
        // Work around a 2 ms limit, races included. The watchdog needs the GIL to fire, which
        // the busy call gives up only at the switch interval (5 ms): calls up to 7 ms race it,
        // the 20 ms ones are sure to be interrupted, so both outcomes happen on any machine.
        let secs = [0.0, 0.001, 0.002, 0.003, 0.005, 0.006, 0.007, 0.020][i % 8];
        match call("sb_slow", "busy_for", Args::new().arg(secs).timeout(Duration::from_millis(2))) {
            Ok(_) => ok += 1,
            Err(Error::Timeout { .. }) => timed_out += 1,
            Err(e) => panic!("unexpected error: {e}"),
        }
        // A plain call right after must never see a stray SnakeBridgeInterrupt.
        let v: i64 = call("builtins", "abs", (-(i as i64),))
            .unwrap_or_else(|e| panic!("leaked into the next call: {e}"))
            .extract()
            .unwrap();
        assert_eq!(v, i as i64);
    }
    assert!(ok > 0, "no call finished ({timed_out} timed out)");
    // Both outcomes must happen, or the loop never raced a deadline at all.
    assert!(timed_out > 0, "no call timed out ({ok} finished): the watchdog never fired");
}

#[test]
fn the_python_side_sees_the_interrupt_and_cleans_up() {
    setup();
    assert_timeout(call("sb_slow", "tracked_sleep", timeout_after(100).arg(30)), "sb_slow.tracked_sleep");
    let state: String = get("sb_slow", "state").unwrap().extract().unwrap();
    assert_eq!(state, "interrupted:SnakeBridgeInterrupt");
}

#[test]
fn the_timeout_message_says_what_and_how_to_raise_it() {
    let err = call("time", "sleep", timeout_after(50).arg(5)).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("`time.sleep` did not finish within 50ms"), "{text}");
    assert!(text.contains("timeout profile `custom`") && text.contains("no_timeout"), "{text}");
}

#[test]
fn per_call_profiles_and_no_timeout() {
    // Inside a scope whose limit (100 ms) a 300 ms sleep exceeds, a per-call profile or
    // `no_timeout` must replace that limit: batch_job has none, ml_inference a long one.
    snakebridge::CallOptions::new().timeout(Duration::from_millis(100)).run(|| {
        assert_timeout(call("time", "sleep", (0.3,)), "time.sleep");
        call("time", "sleep", Args::new().arg(0.3).timeout_profile("batch_job")).unwrap();
        call("time", "sleep", Args::new().arg(0.3).timeout_profile("ml_inference")).unwrap();
        call("time", "sleep", Args::new().arg(0.3).no_timeout()).unwrap();
    });
    let (t, profile) = snakebridge::timeout::call_timeout("numpy", None).unwrap();
    assert_eq!((t, profile.as_str()), (Some(Duration::from_secs(120)), "default"));
}

#[test]
fn bad_timeouts_are_typed_errors() {
    let err = call("math", "sqrt", Args::new().arg(4).timeout(Duration::ZERO)).unwrap_err();
    assert!(matches!(err, Error::InvalidOption { .. }) && err.to_string().contains("zero"), "{err}");
    let err = call("math", "sqrt", Args::new().arg(4).timeout_profile("ml_inferance")).unwrap_err();
    assert!(err.to_string().contains("did you mean `ml_inference`"), "{err}");
    // An absurdly long limit is no limit, and leaves the watchdog working for the next call.
    call("math", "sqrt", Args::new().arg(4).timeout(Duration::from_secs(u64::MAX))).unwrap();
    call("time", "sleep", Args::new().arg(0.05).timeout(Duration::MAX)).unwrap();
    // A sub-millisecond limit is a real limit, not "none".
    assert_timeout(call("time", "sleep", Args::new().arg(5).timeout(Duration::from_micros(10))), "time.sleep");
}

#[test]
fn a_library_mapped_to_a_short_profile_times_out_without_per_call_options() {
    define_module("sb_mapped_lib", "import time\ndef wait(s):\n    time.sleep(s)\n    return s\n");
    TimeoutConfig::current()
        .unwrap()
        .profile("tight", TimeoutProfile::new(Some(Duration::from_millis(150)), None))
        .library("sb_mapped_lib", "tight")
        .install()
        .unwrap();
    let start = Instant::now();
    match call("sb_mapped_lib", "wait", (10,)) {
        Err(Error::Timeout { profile, timeout, .. }) => {
            assert_eq!((profile.as_str(), timeout), ("tight", Duration::from_millis(150)));
        }
        other => panic!("{other:?}"),
    }
    assert!(start.elapsed() < Duration::from_millis(600), "took {:?}", start.elapsed());
    // A per-call override beats the library's profile.
    assert_eq!(
        call("sb_mapped_lib", "wait", Args::new().arg(0.3).timeout_profile("default"))
            .unwrap()
            .extract::<f64>()
            .unwrap(),
        0.3
    );
}

#[test]
fn timeouts_on_many_threads_at_once() {
    setup();
    const THREADS: u32 = 6;
    let limit = Duration::from_millis(200);
    let all = Instant::now();
    let handles: Vec<_> = (0..THREADS)
        .map(|i| {
            std::thread::spawn(move || {
                let start = Instant::now();
                let r = if i % 2 == 0 {
                    call("time", "sleep", timeout_after(200).arg(30))
                } else {
                    call("sb_slow", "spin", timeout_after(200))
                };
                (matches!(r, Err(Error::Timeout { .. })), start.elapsed())
            })
        })
        .collect();
    for h in handles {
        let (timed_out, took) = h.join().unwrap();
        assert!(timed_out);
        assert!(took >= limit, "interrupted before its limit: {took:?}");
    }
    // Served one after another, the limits would add up to THREADS × 200 ms = 1.2 s.
    let total = all.elapsed();
    assert!(total < limit * THREADS / 2, "the limits ran one after another: {total:?} for {THREADS} threads");
}

#[test]
fn a_blocking_c_wait_is_interrupted_only_when_it_returns_as_documented() {
    define_module("sb_blocking", "import threading\ndef wait(s):\n    threading.Event().wait(s)\n    return 'done'\n");
    let start = Instant::now();
    assert_timeout(call("sb_blocking", "wait", timeout_after(100).arg(0.6)), "sb_blocking.wait");
    let took = start.elapsed();
    // Event.wait blocks in C: the interrupt lands when it returns, not at 100 ms.
    assert!(took >= Duration::from_millis(550), "took {took:?}");
    assert_eq!(call("sb_blocking", "wait", (0.01,)).unwrap().extract::<String>().unwrap(), "done");
}

#[test]
fn a_stream_past_its_stream_limit_is_interrupted_and_ends_with_a_timeout() {
    setup();
    let start = Instant::now();
    let items: Vec<snakebridge::Result<i64>> =
        snakebridge::iterate("sb_slow", "slow_gen", timeout_after(300).arg(1000).arg(0.05)).unwrap().collect();
    let took = start.elapsed();
    let (ok, errors): (Vec<_>, Vec<_>) = items.into_iter().partition(|r| r.is_ok());
    assert!(ok.len() >= 2 && ok.len() < 10, "{} items", ok.len());
    assert_eq!(errors.len(), 1);
    match &errors[0] {
        Err(Error::Timeout { target, timeout, .. }) => {
            assert_eq!((target.as_str(), *timeout), ("sb_slow.slow_gen (stream)", Duration::from_millis(300)));
        }
        other => panic!("{other:?}"),
    }
    assert!(took < Duration::from_millis(900), "took {took:?}");

    // A generator that spins inside `next` is interrupted too; the interpreter carries on.
    let items: Vec<snakebridge::Result<i64>> =
        snakebridge::iterate("sb_slow", "spin_gen", timeout_after(200)).unwrap().collect();
    assert!(matches!(items.as_slice(), [Ok(0), Err(Error::Timeout { .. })]), "{items:?}");
    let total: i64 = snakebridge::iterate::<i64>("builtins", "range", (5,)).unwrap().map(|r| r.unwrap()).sum();
    assert_eq!(total, 10);
}
