//! The compile-time core of snakebridge: runs `python/introspect.py`, keeps the manifest cache
//! in `.snakebridge/`, converts docstrings and renders the tokens of `#[python_module]`.
//!
//! Empty until the `#[python_module]` issue lands; it never depends on the runtime.

pub mod docs;
pub mod inline;
pub mod telemetry;
