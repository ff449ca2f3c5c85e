//! Python objects held for Rust: the registry that owns them and the [`Ref`] handles.

mod handle;
mod id;
mod recent;
mod registry;
mod strict;
mod tombstones;
mod type_names;

pub use self::handle::Ref;
pub(crate) use self::id::RefId;
pub(crate) use self::registry::registry;
pub use self::registry::{live_ref_count, RegistryLimits};
pub(crate) use self::strict::configure as configure_strict_mode;
pub use self::strict::{strict_mode_threshold, DEFAULT_STRICT_THRESHOLD};
