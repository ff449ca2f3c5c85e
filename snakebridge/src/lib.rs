//! # snakebridge
//!
//! Use any Python library from Rust. CPython runs inside your process (through pyo3); values
//! cross directly, objects that have no Rust form come back as [`Ref`] handles owned by a
//! session, and every failure is a typed [`Error`] that says what to do.
//!
//! ```no_run
//! use snakebridge::{args, call, method, Value};
//!
//! # fn main() -> snakebridge::Result<()> {
//! let root: f64 = call("math", "sqrt", (16,))?.extract()?;
//! let rounded = call("builtins", "round", args!(3.14159, ndigits = 2))?;
//! let path = call("pathlib", "Path", ("/tmp",))?;          // a Ref: pathlib.Path has no Rust form
//! let exists: bool = method(path.as_ref().unwrap(), "exists", ())?.extract()?;
//! # Ok(()) }
//! ```
//!
//! The guide ([docs/](https://github.com/snakebridge/snakebridge/tree/main/docs)) starts with
//! [getting started](https://github.com/snakebridge/snakebridge/blob/main/docs/getting-started.md), [typed bindings](https://github.com/snakebridge/snakebridge/blob/main/docs/python-module.md) and
//! [`python!`](https://github.com/snakebridge/snakebridge/blob/main/docs/python-macro.md), then values, refs and sessions, errors and the rest of the runtime.

#![warn(missing_docs)]

// Re-exported one by one: what is listed here is the public API, and the runtime's internals
// (the generated code's support, the `python!` cache) stay behind `__private`.
// `r#async` (feature `tokio`), whichever crate of the build enabled it; empty without features.
/// The Python environment around the embedded interpreter (feature `env`): the project's
/// declared Python dependencies, venv setup with uv or pip, PyTorch wheel selection, the
/// `snakebridge.lock` file and its verification. `cargo snakebridge setup/verify/doctor` are
/// built on it. See the crate [`snakebridge_env`].
#[cfg(feature = "env")]
pub use snakebridge_env as env;
#[allow(unused_imports)]
pub use snakebridge_runtime::optional::*;
pub use snakebridge_runtime::{
    args, array, backend, build, docs, interpreter, pyo3, telemetry, timeout, translate, value,
};
pub use snakebridge_runtime::{
    attr, attr_as, call, call_as, call_ref, call_ref_as, get, get_as, idempotent_stats, invalidate_idempotent, is_ref,
    method, method_as, set_attr, Args, CachedFunction, CallOptions, IdempotentCache, IdempotentStats, IntoArgs, PyArgs,
};
pub use snakebridge_runtime::{
    await_coroutine, call_awaiting, call_awaiting_as, with_python, Callback, CallbackArgs, CallbackReturn, IntoCallback,
};
pub use snakebridge_runtime::{
    bytes, wire, Bytes, Date, DateTime, FromPython, FromValue, Int, Serde, Time, ToPython, Value,
};
pub use snakebridge_runtime::{
    call_helper, call_helper_as, configure_helpers, helpers, reload_helpers, HelperConfig, HelperInfo,
};
pub use snakebridge_runtime::{
    current_session, release_auto_session, release_ref, release_session, session_ref_count, with_session, Session,
    SessionBuilder,
};
pub use snakebridge_runtime::{did_you_mean, init, InterpreterInfo, RuntimeConfig, VenvSource};
pub use snakebridge_runtime::{iterate, stream, StreamRef, DEFAULT_MAX_BATCH};
pub use snakebridge_runtime::{
    ledger_path, live_ref_count, strict_mode_threshold, Ref, RegistryLimits, DEFAULT_STRICT_THRESHOLD,
};
pub use snakebridge_runtime::{version, with_gil};
pub use snakebridge_runtime::{
    CallTimeout, Error, ExceptionClass, MlError, PythonError, RefGone, Result, RustPanic, TimeoutConfig, TimeoutProfile,
};

/// Evaluates a Python expression, or runs a block of Python statements, with Rust values
/// interpolated as `#x` or `#(expression)`; returns [`Result`]`<`[`Value`]`>`.
///
/// ```no_run
/// use snakebridge::python;
///
/// # fn main() -> snakebridge::Result<()> {
/// let x = 2.0;
/// let root: f64 = python!(math.sqrt(#x))?.extract()?;
/// let name = "data.txt";
/// let path: String = python!(os.path.join("/tmp", #name))?.extract()?;
/// let text: String = python!(json.dumps({"a": [1, 2]}, indent = 2, sort_keys = True))?.extract()?;
/// let median: f64 = python! {
///     import statistics
///     values = sorted(#(vec![3, 1, 2]))
///     statistics.median(values)
/// }?
/// .extract()?;
/// # Ok(()) }
/// ```
///
/// The grammar, the caching and the block form are described in
/// [docs/python-macro.md](https://github.com/snakebridge/snakebridge/blob/main/docs/python-macro.md).
pub use snakebridge_macros::python;

/// Typed bindings for a Python module, generated at compile time from a manifest cached in
/// the crate's `.snakebridge/` directory. See [docs/python-module.md](https://github.com/snakebridge/snakebridge/blob/main/docs/python-module.md).
///
/// ```ignore
/// #[snakebridge::python_module("math", include = ["sqrt", "pi"])]
/// pub mod math {}
///
/// let root: snakebridge::Value = math::sqrt(16.0)?;
/// ```
pub use snakebridge_macros::python_module;

/// Internals used by generated code. Not public API: may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use snakebridge_runtime::__python_class as python_class;
    pub use snakebridge_runtime::inline;
    // Short paths for generated signatures (a numpy-sized expansion is mostly these tokens).
    pub use snakebridge_runtime::binding::*;
    pub use snakebridge_runtime::pyo3;
    pub use snakebridge_runtime::{
        attr, call_ref, method_as, set_attr, Args, Bytes, IntoArgs, Ref, Result, ToPython, Value,
    };
    pub use snakebridge_runtime::{CachedFunction, StreamRef};
    // Array annotations (`NDArray[np.float64]`); see docs/arrays.md.
    #[cfg(not(feature = "numpy"))]
    pub use crate::untyped_arrays::*;
    #[cfg(feature = "numpy")]
    pub use snakebridge_runtime::array::{AnyArray, ArrayArg, Complex32, Complex64, IxDyn, NdArray};
}

#[cfg(not(feature = "numpy"))]
mod untyped_arrays;
