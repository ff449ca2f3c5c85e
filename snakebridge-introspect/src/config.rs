//! The configuration of one Python library binding (the seed's `Config.Library`): what is
//! introspected, and so what a manifest is keyed on.

use serde::{Deserialize, Serialize};

/// Which submodules to introspect besides those named in `include`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(untagged)]
pub enum Submodules {
    /// `true`: every public submodule of the package (as deep as `submodule_depth`, one level
    /// by default); `false`: none.
    All(bool),
    /// The named submodules.
    Listed(Vec<String>),
    /// Not given.
    #[default]
    #[serde(skip)]
    Unset,
}

impl Submodules {
    fn is_unset(&self) -> bool {
        matches!(self, Submodules::Unset | Submodules::All(false))
    }
}

/// One library configuration, stored inside its manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LibraryConfig {
    /// The dotted Python module path.
    pub module: String,
    /// Only these names (dotted for submodule members: `"linalg.norm"`); all public names when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// Names left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    /// Submodules to introspect.
    #[serde(default, skip_serializing_if = "Submodules::is_unset")]
    pub submodules: Submodules,
    /// How deep `submodules = true` walks the package: 1 (the default) is its direct
    /// submodules, 2 theirs too, and so on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submodule_depth: Option<u32>,
    /// The version requirement of the package, as written by the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The PyPI distribution, when its name differs from the module's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pypi_package: Option<String>,
    /// PyPI extras.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extras: Vec<String>,
}

impl LibraryConfig {
    /// A configuration of `module` with everything else left at its default.
    pub fn new(module: impl Into<String>) -> Self {
        LibraryConfig { module: module.into(), ..Self::default() }
    }

    /// The JSON argument of `introspect.py`.
    pub fn script_argument(&self) -> String {
        let submodules = match &self.submodules {
            Submodules::All(all) => serde_json::Value::Bool(*all),
            Submodules::Listed(names) => serde_json::json!(names),
            Submodules::Unset => serde_json::json!([]),
        };
        serde_json::json!({
            "module": self.module,
            "include": self.include,
            "exclude": self.exclude,
            "submodules": submodules,
            "submodule_depth": self.submodule_depth.unwrap_or(1),
        })
        .to_string()
    }

    /// A short stable hash of the configuration, for the manifest's file name.
    pub fn fingerprint(&self) -> String {
        // FNV-1a: stable across Rust versions and platforms, unlike `DefaultHasher`.
        let text = serde_json::to_string(self).unwrap_or_default();
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in text.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{:08x}", hash >> 32)
    }

    /// The manifest's file name: `<module>.<fingerprint>.json`.
    pub fn manifest_file_name(&self) -> String {
        format!("{}.{}.json", self.module, self.fingerprint())
    }
}
