//! Sizes that the code generator and the runtime must agree on.

/// The longest Python tuple that maps to a Rust tuple.
///
/// The generator maps `tuple[A, B, …]` annotations up to this many items to a Rust tuple, and
/// the runtime implements its conversion traits for Rust tuples up to the same length; longer
/// tuples stay `Value`.
pub const MAX_TUPLE_ARITY: usize = 12;

/// The deepest nesting of containers (lists, tuples, dicts, sets) that any converter accepts.
///
/// Python → `Value`, `Value` → Python, `Serde` in both directions and the wire format's
/// encoder and decoder all count the same way (a scalar is depth 0, `[1]` depth 1, `[[1]]`
/// depth 2; a tagged wire object is one level, not two) and return a typed error beyond this
/// depth, so that whatever one of them accepts the others accept too, and none recurses deep
/// enough to overflow a 2 MiB thread stack.
pub const MAX_NESTING_DEPTH: usize = 128;
