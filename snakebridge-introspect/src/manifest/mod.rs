//! The manifest cache: one pretty JSON file per library configuration in the crate's
//! `.snakebridge/` directory, meant to be committed (like sqlx's `.sqlx/`).

mod freshness;
mod load;
mod prepare;
mod store;

pub use self::freshness::{installed_version, staleness, Staleness};
pub use self::load::{load, Loaded, Mode, Origin};
pub use self::prepare::{prepare, Entry, Status};
pub use self::store::{read, write_if_changed};

use serde::{Deserialize, Serialize};

use crate::config::LibraryConfig;
use crate::model::{Introspection, ModuleInfo, PackageInfo};

/// The directory, relative to the crate, that holds the manifests.
pub const DIR_NAME: &str = ".snakebridge";

/// One manifest file: the inputs it was generated from and the introspected module.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The introspection schema version.
    pub schema_version: u32,
    /// The Python module.
    pub module: String,
    /// The configuration it was introspected with (checked on load, so two configurations
    /// can never share a file).
    pub config: LibraryConfig,
    /// The distribution and version that was installed.
    pub package: PackageInfo,
    /// The Python version that introspected.
    pub python_version: String,
    /// What the module contains.
    pub introspection: ModuleInfo,
}

impl Manifest {
    /// A manifest for `config` from an introspection result.
    pub fn new(config: &LibraryConfig, result: Introspection) -> Self {
        Manifest {
            schema_version: result.schema_version,
            module: config.module.clone(),
            config: config.clone(),
            package: result.package,
            python_version: result.python_version,
            introspection: result.module,
        }
    }
}
