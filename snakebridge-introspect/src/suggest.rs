//! "Did you mean": the one rule, kept in `snakebridge-meta` so that the macros' compile errors
//! and the runtime's call errors suggest the same names.

pub use snakebridge_meta::suggest::{closest, did_you_mean};
