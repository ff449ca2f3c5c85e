//! Support for the code `#[python_module]` generates. Not public API: the facade re-exports it
//! under `snakebridge::__private`, and it may change in any release.

mod class;
mod class_macro;
mod signature;

pub use self::class::{check_ref, display, get_as, instance_ref, value_into_ref};
pub use self::signature::{call_class, Function, Keywords, Method};
