//! Sizes that the code generator and the runtime must agree on.

/// The longest Python tuple that maps to a Rust tuple.
///
/// The generator maps `tuple[A, B, …]` annotations up to this many items to a Rust tuple, and
/// the runtime implements its conversion traits for Rust tuples up to the same length; longer
/// tuples stay `Value`.
pub const MAX_TUPLE_ARITY: usize = 12;
