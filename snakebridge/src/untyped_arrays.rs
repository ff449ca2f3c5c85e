//! What generated code names for numpy array annotations when the `numpy` feature is off:
//! the dynamic types it would use for any other annotation (`impl ToPython` parameters,
//! `Value` results), so that bindings of numpy-annotated modules still compile.

use snakebridge_runtime::{ToPython, Value};

/// Any argument (there is no element type to check without the `numpy` feature).
pub trait ArrayArg<T>: ToPython {}

impl<T, A: ToPython> ArrayArg<T> for A {}

#[doc(hidden)]
pub trait Untyped {
    type Result;
}

impl<T, D> Untyped for (T, D) {
    type Result = Value;
}

/// `Value`: a typed array needs the `numpy` feature.
pub type NdArray<T, D> = <(T, D) as Untyped>::Result;
/// `Value`: a typed array needs the `numpy` feature.
pub type AnyArray = Value;

/// Stand-ins for the type arguments of [`NdArray`]; never constructed.
pub enum IxDyn {}
/// Stand-in, never constructed.
pub enum Complex32 {}
/// Stand-in, never constructed.
pub enum Complex64 {}
