//! What snakebridge's compile time (`snakebridge-introspect`, the macros, the CLI) and its run
//! time (`snakebridge-runtime`) both know, kept once so that the two sides cannot disagree.
//!
//! Part of [snakebridge](https://docs.rs/snakebridge); the crates and what lives where:
//! [docs/architecture.md](https://github.com/snakebridge/snakebridge/blob/main/docs/architecture.md).
//!
//! Each module holds one table or model; both sides read it from here rather than keeping a
//! copy in step.

pub mod build;
pub mod dtype;
pub mod environment_error;
pub mod ledger;
pub mod limits;
pub mod manifest;
pub mod ops;
pub mod process;
pub mod suggest;
pub mod venv;
