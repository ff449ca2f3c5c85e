//! The proc macros of snakebridge. This crate declares only the macros; their logic lives in
//! `snakebridge-introspect` so that it can be tested without a compiler.
//!
//! Nothing is exported yet: `#[python_module]` and `python!` arrive with their issues.
