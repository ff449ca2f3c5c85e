//! Python objects held for Rust: the registry that owns them and the [`Ref`] handles.

mod handle;
mod id;
mod registry;
mod tombstones;
mod type_names;

pub use self::handle::Ref;
pub(crate) use self::id::RefId;
pub(crate) use self::registry::registry;
pub use self::registry::{live_ref_count, RegistryLimits};
