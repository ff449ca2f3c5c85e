//! Telemetry with [`tracing`], named after the seed's event list.
//!
//! Runtime calls open a span `snakebridge.runtime.call` (target `snakebridge::runtime`, level
//! DEBUG) with the fields `library`, `module`, `function`, and emit the events
//! `snakebridge.runtime.call.start`, then `snakebridge.runtime.call.stop` (fields
//! `duration_us`, `outcome = "ok"`) or `snakebridge.runtime.call.exception` (`duration_us`,
//! `outcome` = `"error"`/`"timeout"`/`"cancelled"`, `error` = the Python class or error kind).
//! With no subscriber, or one that does not enable this target at DEBUG, a call pays one
//! relaxed atomic load for all of it: no clock read, no allocation.
//!
//! Compile phases (`snakebridge.compile.*`) are emitted by the code generator; see
//! `snakebridge_introspect::telemetry`. The docs and lock events have helpers here.

use std::time::{Duration, Instant};

use tracing::Span;

use crate::error::{Error, Result};

/// The `tracing` target of runtime events (filter with `snakebridge::runtime=debug`).
pub const TARGET: &str = "snakebridge::runtime";
/// The span around one call.
pub const RUNTIME_CALL: &str = "snakebridge.runtime.call";
/// A call started (the seed's `[:snakebridge, :runtime, :call, :start]`).
pub const RUNTIME_CALL_START: &str = "snakebridge.runtime.call.start";
/// A call returned (`[:snakebridge, :runtime, :call, :stop]`).
pub const RUNTIME_CALL_STOP: &str = "snakebridge.runtime.call.stop";
/// A call failed, timed out or was cancelled (`[:snakebridge, :runtime, :call, :exception]`).
pub const RUNTIME_CALL_EXCEPTION: &str = "snakebridge.runtime.call.exception";
/// An idempotent call was answered from its cache or not: `outcome` is `"hit"`, `"miss"` or
/// `"uncacheable"` (arguments that cannot be a key).
pub const RUNTIME_CALL_CACHE: &str = "snakebridge.runtime.call.cache";
/// Documentation was fetched (`[:snakebridge, :docs, :fetch]`).
pub const DOCS_FETCH: &str = "snakebridge.docs.fetch";
/// The lock file was verified (`[:snakebridge, :lock, :verify]`).
pub const LOCK_VERIFY: &str = "snakebridge.lock.verify";

/// Emits `snakebridge.runtime.call.cache`.
#[inline]
pub(crate) fn cache_event(module: &str, function: &str, outcome: &'static str) {
    tracing::event!(name: "snakebridge.runtime.call.cache", target: "snakebridge::runtime", tracing::Level::DEBUG,
        module, function, outcome);
}

/// Emits `snakebridge.docs.fetch`: `source` is `"cache"`, `"python"` or `"metadata"`.
pub fn docs_fetch(duration: Duration, module: &str, function: &str, source: &str) {
    tracing::event!(name: "snakebridge.docs.fetch", target: "snakebridge::runtime", tracing::Level::DEBUG,
        duration_us = duration.as_micros() as u64, module, function, source);
}

/// Emits `snakebridge.lock.verify`: `result` is `"ok"`, `"warning"` or `"error"`.
pub fn lock_verify(duration: Duration, result: &str, warnings: &[String]) {
    tracing::event!(name: "snakebridge.lock.verify", target: "snakebridge::runtime", tracing::Level::INFO,
        duration_us = duration.as_micros() as u64, result, warnings = ?warnings);
}

/// The span of one call, `None` when nobody listens: with no subscriber at the debug level
/// that is one load, and no disabled span is built on the per-call path.
#[inline(always)]
pub(crate) fn call_span(target: &crate::supervise::Target<'_>) -> Option<Span> {
    if !tracing::level_enabled!(tracing::Level::DEBUG) {
        return None;
    }
    listened_span(target)
}

#[inline(never)]
fn listened_span(target: &crate::supervise::Target<'_>) -> Option<Span> {
    let (path, module, function) = (target.door.name(), target.module, target.function);
    let span = tracing::debug_span!(target: "snakebridge::runtime", "snakebridge.runtime.call", path,
        library = crate::supervise::library_of(module), module, function);
    (!span.is_disabled()).then_some(span)
}

/// Runs `f` inside `span`, emitting the start and stop/exception events.
pub(crate) fn observe<R>(span: Span, library: &str, function: &str, f: impl FnOnce() -> Result<R>) -> Result<R> {
    let _entered = span.enter();
    tracing::event!(name: "snakebridge.runtime.call.start", target: "snakebridge::runtime", tracing::Level::DEBUG,
        library, function, snakebridge_version = crate::version());
    let start = Instant::now();
    let result = f();
    let duration_us = start.elapsed().as_micros() as u64;
    match &result {
        Ok(_) => {
            tracing::event!(name: "snakebridge.runtime.call.stop", target: "snakebridge::runtime", tracing::Level::DEBUG,
            library, function, duration_us, outcome = "ok")
        }
        Err(e) => {
            let (outcome, error) = classify(e);
            tracing::event!(name: "snakebridge.runtime.call.exception", target: "snakebridge::runtime", tracing::Level::DEBUG,
                library, function, duration_us, outcome, error = %error)
        }
    }
    result
}

fn classify(e: &Error) -> (&'static str, String) {
    match e {
        Error::Timeout { .. } => ("timeout", "Timeout".into()),
        Error::Cancelled { .. } => ("cancelled", "Cancelled".into()),
        Error::Python(p) => ("error", p.class.clone()),
        other => ("error", format!("{other:?}").split([' ', '{', '(']).next().unwrap_or("Error").to_owned()),
    }
}
