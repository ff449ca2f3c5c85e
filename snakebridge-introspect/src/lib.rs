//! The compile-time core of snakebridge: runs `snakebridge-introspect/python/introspect.py`, keeps the manifest cache
//! in `.snakebridge/`, maps Python types to Rust and renders the tokens of `#[python_module]`
//! and `python!`.
//!
//! Part of [snakebridge](https://docs.rs/snakebridge); the crates and what lives where:
//! [docs/architecture.md](https://github.com/snakebridge/snakebridge/blob/main/docs/architecture.md).
//!
//! A normal library, so that all of it is tested without a compiler; `snakebridge-macros`
//! only calls [`expand::expand`] and [`inline::expand_python`]. It never depends on the runtime.

#![warn(missing_docs)]

pub mod attr;
pub mod check;
pub mod config;
pub mod ctxt;
pub mod docs;
pub mod error;
pub mod expand;
pub mod generate;
pub mod inline;
pub mod introspect;
pub mod manifest;
pub mod model;
pub mod plan;
pub mod share;
pub mod stamp;
pub mod suggest;
pub mod telemetry;

pub use error::Error;
