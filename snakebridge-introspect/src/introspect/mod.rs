//! Running `snakebridge-introspect/python/introspect.py` in a subprocess of the project's Python.

mod error;
mod python;
mod runner;

pub use self::error::{IntrospectError, IntrospectErrorKind};
pub use self::python::{find_python, PythonEnv, PythonSource};
pub use self::runner::{introspect, timeout_from_env, DEFAULT_TIMEOUT};

/// The introspection script, shipped inside this crate.
pub const SCRIPT: &str = concat!(
    include_str!("../../python/stubs.py"),
    "\n",
    include_str!("../../python/returns.py"),
    "\n",
    include_str!("../../python/introspect.py")
);
