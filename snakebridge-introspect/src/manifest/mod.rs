//! The manifest cache: one pretty JSON file per library configuration in the crate's
//! `.snakebridge/` directory, meant to be committed (like sqlx's `.sqlx/`).

mod freshness;
pub mod live;
mod load;
mod prepare;
mod store;

pub use self::freshness::{installed_version, staleness, Staleness};
pub use self::load::{load, Loaded, Mode, Origin};
pub use self::prepare::{prepare, Entry, Status};
pub use self::store::{from_bytes, read, write_if_changed};

use serde::{Deserialize, Serialize};

use crate::config::LibraryConfig;
use crate::model::{Introspection, ModuleInfo, PackageInfo};

/// The version of the rustdoc pages stored in manifests (the `rustdoc` fields, converted from
/// the docstrings by `snakebridge-docstring` when a manifest is written). Bump it whenever the
/// converter or [`crate::generate::doc_text`] changes its output: manifests with another
/// version get their pages converted again from the stored docstrings, without Python. The
/// test `committed_manifests_hold_current_docs` fails when a bump was forgotten.
pub const DOCS_VERSION: u32 = 1;

/// The directory, relative to the crate, that holds the manifests.
pub use snakebridge_meta::manifest::DIR_NAME;

/// One manifest file: the inputs it was generated from and the introspected module.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The introspection schema version.
    pub schema_version: u32,
    /// The [`DOCS_VERSION`] of its rustdoc pages (0: none stored).
    #[serde(default)]
    pub docs_version: u32,
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
    /// A manifest for `config` of the crate in `crate_dir` from an introspection result.
    pub fn new(config: &LibraryConfig, mut result: Introspection, crate_dir: &std::path::Path) -> Self {
        freshness::hash_sources(&mut result.package, crate_dir);
        let mut manifest = Manifest {
            schema_version: result.schema_version,
            docs_version: 0,
            module: config.module.clone(),
            config: config.clone(),
            package: result.package,
            python_version: result.python_version,
            introspection: result.module,
        };
        manifest.render_docs();
        manifest
    }

    /// Converts every docstring to its rustdoc page now, so that expansions only read them.
    pub fn render_docs(&mut self) {
        crate::generate::doc_text::render_all(&mut self.introspection);
        self.docs_version = DOCS_VERSION;
    }

    /// Whether the stored rustdoc pages were made by this version of the converter.
    pub fn docs_are_current(&self) -> bool {
        self.docs_version == DOCS_VERSION
    }
}
