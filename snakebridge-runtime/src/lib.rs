//! The runtime of [snakebridge](https://docs.rs/snakebridge): CPython embedded in the Rust
//! process, [`Value`]s that cross losslessly, [`Ref`] handles in session-scoped registries,
//! and the universal calls [`call`], [`get`], [`method`], [`attr`] and [`set_attr`].
//!
//! Users depend on the `snakebridge` facade, which re-exports this crate.

#![warn(missing_docs)]

pub mod array;
pub mod backend;
#[doc(hidden)]
pub mod binding;
mod call;
mod callback;
mod context;
mod coroutine;
pub mod docs;
mod error;
mod exception_class;
mod helpers;
mod import;
#[doc(hidden)]
pub mod inline;
pub mod interpreter;
mod ledger;
mod locks;
mod pickling;
mod protocols;
mod raise;
mod refs;
mod session;
mod stream;
mod suggest;
mod supervise;
pub mod telemetry;
pub mod timeout;
pub mod translate;
pub mod value;

/// The async API on tokio: calls run on tokio's blocking pool, Python coroutines are awaited,
/// and dropping a future interrupts its Python work. Enabled by the `tokio` feature.
#[cfg(feature = "tokio")]
#[path = "async_calls.rs"]
pub mod r#async;

/// The public modules that exist only with a feature of this crate, for the facade to re-export
/// by one glob: a feature of the runtime can be enabled by any crate in the build (feature
/// unification), so the facade cannot tell from its own features which of them are there.
#[doc(hidden)]
pub mod optional {
    #[cfg(feature = "tokio")]
    pub use crate::r#async;
}

pub use call::{
    attr, attr_as, call, call_as, call_ref, call_ref_as, get, get_as, idempotent_stats, invalidate_idempotent, is_ref,
    method, method_as, set_attr, Args, CachedFunction, CallOptions, IdempotentCache, IdempotentStats, IntoArgs, PyArgs,
};
pub use callback::{Callback, CallbackArgs, CallbackReturn, IntoCallback};
pub use context::with_python;
pub use coroutine::{await_coroutine, call_awaiting, call_awaiting_as};
pub use error::{Error, PythonError, RefGone, Result};
pub use exception_class::ExceptionClass;
pub use helpers::{call_helper, call_helper_as, configure_helpers, helpers, reload_helpers, HelperConfig, HelperInfo};
pub use interpreter::{init, InterpreterInfo, RuntimeConfig, VenvSource};
pub use ledger::ledger_path;
pub use raise::RustPanic;
pub use refs::{live_ref_count, strict_mode_threshold, Ref, RegistryLimits, DEFAULT_STRICT_THRESHOLD};
pub use session::{
    current_session, release_auto_session, release_ref, release_session, session_ref_count, with_session, Session,
    SessionBuilder,
};
/// For build scripts: the rpath to the linked `libpython` (see
/// [docs/interpreter.md](https://github.com/snakebridge/snakebridge/blob/main/docs/interpreter.md)).
pub use snakebridge_meta::build;
pub use stream::{iterate, stream, StreamRef, DEFAULT_MAX_BATCH};
pub use suggest::closest as did_you_mean;
pub use timeout::{CallTimeout, TimeoutConfig, TimeoutProfile};
pub use translate::MlError;
pub use value::{bytes, wire, Bytes, Date, DateTime, FromPython, FromValue, Int, Serde, Time, ToPython, Value};

/// The pyo3 crate this runtime is built on, for code that drops down to it.
pub use pyo3;

/// Runs `f` with the interpreter attached, starting it first if needed: the way down to raw
/// pyo3 for what the runtime does not cover.
pub fn with_gil<R>(f: impl for<'py> FnOnce(pyo3::Python<'py>) -> Result<R>) -> Result<R> {
    interpreter::with_gil(f)
}

/// The version of snakebridge.
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
