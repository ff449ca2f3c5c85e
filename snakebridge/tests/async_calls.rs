//! The async API: calls off the executor, awaiting coroutines, timeouts, cancellation by
//! dropping the future, and use outside a tokio runtime.

mod support;

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use snakebridge::{args, call, call_awaiting, get, r#async, Args, Error};
use support::define_module;

const ASYNC_MOD: &str = r#"
import asyncio, time

state = {}

async def add_later(a, b):
    await asyncio.sleep(0.05)
    return a + b

async def fails():
    await asyncio.sleep(0)
    raise ValueError("bad input from a coroutine")

async def long_await(key):
    state[key] = "running"
    try:
        await asyncio.sleep(30)
        state[key] = "finished"
    except asyncio.CancelledError:
        state[key] = "cancelled"
        raise

async def busy_coroutine(key):
    state[key] = "running"
    try:
        while True:
            pass
    except BaseException as e:
        state[key] = "interrupted:" + type(e).__name__
        raise

def tracked_sleep(key, seconds):
    state[key] = "running"
    try:
        time.sleep(seconds)
        state[key] = "finished"
    except BaseException as e:
        state[key] = "interrupted:" + type(e).__name__
        raise

def tracked_spin(key):
    state[key] = "running"
    try:
        while True:
            pass
    except BaseException as e:
        state[key] = "interrupted:" + type(e).__name__
        raise

def get_state(key):
    return state.get(key, "absent")
"#;

fn setup() {
    define_module("sb_async", ASYNC_MOD);
}

fn state(key: &str) -> String {
    call("sb_async", "get_state", (key,)).unwrap().extract().unwrap()
}

/// Waits up to `within` for the Python side to report `expected` for `key`.
fn wait_for_state(key: &str, expected: &str, within: Duration) {
    let start = Instant::now();
    loop {
        let s = state(key);
        if s == expected {
            return;
        }
        assert!(start.elapsed() < within, "state of {key} is {s:?}, expected {expected:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[tokio::test]
async fn plain_calls() {
    let root: f64 = r#async::call("math", "sqrt", (16.0,)).await.unwrap().extract().unwrap();
    assert_eq!(root, 4.0);
    let rounded: f64 =
        r#async::run(|| call("builtins", "round", args!(1.23456, ndigits = 2))).await.unwrap().extract().unwrap();
    assert_eq!(rounded, 1.23);
    let n: i64 = r#async::call_as("builtins", "len", ("four",)).await.unwrap();
    assert_eq!(n, 4);
}

#[tokio::test(flavor = "current_thread")]
async fn python_work_does_not_block_the_executor() {
    // One executor thread: if the 300 ms Python sleep ran on it, the ticker could not tick.
    let ticks = Arc::new(AtomicUsize::new(0));
    let t = ticks.clone();
    let ticker = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(10)).await;
            t.fetch_add(1, Ordering::SeqCst);
        }
    });
    r#async::call("time", "sleep", (0.3,)).await.unwrap();
    ticker.abort();
    assert!(ticks.load(Ordering::SeqCst) >= 10, "only {} ticks", ticks.load(Ordering::SeqCst));
}

#[tokio::test]
async fn coroutines_are_awaited() {
    setup();
    let sum: i64 = r#async::call("sb_async", "add_later", (1, 2)).await.unwrap().extract().unwrap();
    assert_eq!(sum, 3);
    // asyncio's own coroutine functions too.
    let v: String = r#async::call("asyncio", "sleep", (0.01, "done")).await.unwrap().extract().unwrap();
    assert_eq!(v, "done");
    // A coroutine object obtained from a sync call, awaited later: an explicit session lets
    // the ref cross from sync code into the async job.
    let session = snakebridge::Session::new();
    let coro = snakebridge::with_session(&session, || call("sb_async", "add_later", (20, 22))).unwrap();
    let fut = snakebridge::with_session(&session, || r#async::await_coroutine(coro.as_ref().unwrap()));
    let v: i64 = fut.await.unwrap().extract().unwrap();
    assert_eq!(v, 42);
    // Refs made by async jobs outside any explicit session live in the shared async session.
    let path = r#async::call("pathlib", "Path", ("/tmp",)).await.unwrap();
    let path = path.as_ref().unwrap();
    assert_eq!(path.session_id(), r#async::ASYNC_SESSION_ID);
    let exists: bool = r#async::method(path, "exists", ()).await.unwrap().extract().unwrap();
    assert!(exists);
}

#[test]
fn coroutines_are_awaited_from_sync_code_without_tokio() {
    setup();
    let sum: i64 = call_awaiting("sb_async", "add_later", (5, 6)).unwrap().extract().unwrap();
    assert_eq!(sum, 11);
    let coro = call("sb_async", "add_later", (1, 1)).unwrap();
    assert_eq!(snakebridge::await_coroutine(coro.as_ref().unwrap()).unwrap().extract::<i64>().unwrap(), 2);
}

#[tokio::test]
async fn a_coroutine_that_raises_is_a_python_error() {
    setup();
    let err = r#async::call("sb_async", "fails", ()).await.unwrap_err();
    assert!(err.is_python("ValueError"), "{err}");
    assert!(err.to_string().contains("bad input from a coroutine"), "{err}");
    // Then the next coroutine runs fine on a fresh loop.
    assert_eq!(r#async::call("sb_async", "add_later", (2, 2)).await.unwrap().extract::<i64>().unwrap(), 4);
}

#[tokio::test]
async fn a_coroutine_past_its_timeout_is_cancelled_at_its_await() {
    setup();
    let start = Instant::now();
    let r = r#async::run(|| {
        call_awaiting("sb_async", "long_await", Args::new().arg("timeout").timeout(Duration::from_millis(100)))
    })
    .await;
    assert!(matches!(r, Err(Error::Timeout { .. })), "{r:?}");
    assert!(start.elapsed() < Duration::from_millis(800), "took {:?}", start.elapsed());
    assert_eq!(state("timeout"), "cancelled");
}

#[tokio::test]
async fn sync_call_timeouts_hold_inside_async_jobs() {
    let start = Instant::now();
    let r = r#async::run(|| call("time", "sleep", Args::new().arg(60).timeout(Duration::from_millis(100)))).await;
    assert!(matches!(r, Err(Error::Timeout { .. })), "{r:?}");
    assert!(start.elapsed() < Duration::from_millis(500), "took {:?}", start.elapsed());
}

#[tokio::test]
async fn dropping_the_future_interrupts_a_sleep() {
    setup();
    let fut = r#async::call("sb_async", "tracked_sleep", ("drop-sleep", 30));
    assert!(tokio::time::timeout(Duration::from_millis(200), fut).await.is_err());
    wait_for_state("drop-sleep", "interrupted:SnakeBridgeInterrupt", Duration::from_millis(800));
}

#[tokio::test]
async fn dropping_the_future_interrupts_a_busy_loop_without_a_time_limit() {
    setup();
    let fut = r#async::run(|| call("sb_async", "tracked_spin", Args::new().arg("drop-spin").no_timeout()));
    assert!(tokio::time::timeout(Duration::from_millis(200), fut).await.is_err());
    wait_for_state("drop-spin", "interrupted:SnakeBridgeInterrupt", Duration::from_secs(1));
}

#[tokio::test]
async fn dropping_the_future_cancels_an_awaiting_coroutine_and_a_busy_one() {
    setup();
    let fut = r#async::call("sb_async", "long_await", ("drop-coro",));
    assert!(tokio::time::timeout(Duration::from_millis(200), fut).await.is_err());
    wait_for_state("drop-coro", "cancelled", Duration::from_millis(800));

    // A coroutine that never awaits cannot see the task cancel: the interrupt follows.
    let fut = r#async::call("sb_async", "busy_coroutine", ("drop-busy-coro",));
    assert!(tokio::time::timeout(Duration::from_millis(200), fut).await.is_err());
    wait_for_state("drop-busy-coro", "interrupted:SnakeBridgeInterrupt", Duration::from_secs(1));
}

#[tokio::test]
async fn an_aborted_task_interrupts_its_python_work_and_later_calls_work() {
    setup();
    let task = tokio::spawn(r#async::call("sb_async", "tracked_sleep", ("abort", 30)));
    tokio::time::sleep(Duration::from_millis(150)).await;
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    wait_for_state("abort", "interrupted:SnakeBridgeInterrupt", Duration::from_millis(800));
    // Many calls after cancellations: the blocking pool's threads are clean.
    for i in 0..20 {
        let v: i64 = r#async::call("builtins", "abs", (-i,)).await.unwrap().extract().unwrap();
        assert_eq!(v, i);
    }
}

#[test]
fn outside_a_tokio_runtime_the_async_api_says_so() {
    let mut fut = std::pin::pin!(r#async::call("math", "sqrt", (4.0,)));
    let mut cx = Context::from_waker(Waker::noop());
    match fut.as_mut().poll(&mut cx) {
        Poll::Ready(Err(Error::NoAsyncRuntime)) => {}
        other => panic!("{other:?}"),
    }
    // The sync API needs no runtime.
    assert_eq!(call("math", "sqrt", (4.0,)).unwrap().extract::<f64>().unwrap(), 2.0);
    let _ = get("math", "pi").unwrap();
}
