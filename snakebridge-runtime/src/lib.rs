//! The runtime of [snakebridge](https://docs.rs/snakebridge): CPython embedded in the Rust
//! process, [`Value`]s that cross losslessly, [`Ref`] handles in session-scoped registries,
//! and the universal calls [`call`], [`get`], [`method`], [`attr`] and [`set_attr`].
//!
//! Users depend on the `snakebridge` facade, which re-exports this crate.

#![warn(missing_docs)]

pub mod array;
mod call;
pub mod docs;
pub mod env;
mod error;
mod interpreter;
mod refs;
mod session;
mod suggest;
pub mod value;

pub use call::{attr, call, call_as, call_ref, get, is_ref, method, method_as, set_attr, Args, CachedFunction, CallOptions, IntoArgs, PyArgs};
pub use error::{Error, PythonError, RefGone, Result};
pub use interpreter::{init, InterpreterInfo, RuntimeConfig, VenvSource};
pub use refs::{live_ref_count, Ref, RegistryLimits};
pub use session::{current_session, release_auto_session, release_ref, release_session, session_ref_count, with_session, Session, SessionBuilder};
pub use suggest::closest as did_you_mean;
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
