//! The outline of a manifest file in `.snakebridge/`: the module, its configuration's
//! `exclude`, the package version and every recorded name, without the signatures and
//! docstrings that make numpy's manifest 5 MB. The `python!` name check (compile time) and
//! `cargo snakebridge verify`/`doctor` (run time) both read manifests through it; the
//! compile-time core reads and writes the full model with the same field names.

use std::path::Path;

use serde::Deserialize;

/// The directory, relative to the crate, that holds the manifests.
pub const DIR_NAME: &str = ".snakebridge";

/// What a manifest records, in outline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ManifestOutline {
    /// The Python module (`numpy`).
    #[serde(default)]
    pub module: String,
    /// The part of the configuration that tells which names exist.
    #[serde(default)]
    pub config: ConfigOutline,
    /// The distribution that was introspected.
    #[serde(default)]
    pub package: PackageOutline,
    /// The module's recorded names.
    pub introspection: ModuleOutline,
}

/// The configuration, in outline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ConfigOutline {
    /// Names left out of the bindings (they exist in Python).
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// The introspected distribution, in outline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PackageOutline {
    /// Its version (the Python version for the standard library).
    #[serde(default)]
    pub version: Option<String>,
}

/// A module's recorded names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ModuleOutline {
    /// The dotted module name.
    pub name: String,
    /// Functions.
    #[serde(default)]
    pub functions: Vec<Named>,
    /// Classes.
    #[serde(default)]
    pub classes: Vec<Named>,
    /// Constants.
    #[serde(default)]
    pub constants: Vec<Named>,
    /// Submodules that were introspected.
    #[serde(default)]
    pub submodules: Vec<ModuleOutline>,
    /// The module's whole `dir()`, recorded when `include` narrowed the bindings.
    #[serde(default)]
    pub available: Vec<String>,
}

/// One named record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Named {
    /// The Python name.
    pub name: String,
}

/// Why a manifest could not be read in outline.
#[derive(Debug)]
pub enum OutlineError {
    /// The file could not be read.
    Io(std::io::Error),
    /// The file is not a manifest (not JSON, or not the manifest's shape).
    Format(serde_json::Error),
}

impl std::fmt::Display for OutlineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutlineError::Io(e) => write!(f, "cannot read it: {e}"),
            OutlineError::Format(e) => {
                write!(f, "not a snakebridge manifest ({e}); run `cargo snakebridge prepare` to regenerate it")
            }
        }
    }
}

impl std::error::Error for OutlineError {}

/// Reads the outline of manifest text.
pub fn parse_outline(bytes: &[u8]) -> Result<ManifestOutline, OutlineError> {
    serde_json::from_slice(bytes).map_err(OutlineError::Format)
}

/// Reads the outline of the manifest at `path`.
pub fn read_outline(path: &Path) -> Result<ManifestOutline, OutlineError> {
    parse_outline(&std::fs::read(path).map_err(OutlineError::Io)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outline_of_a_manifest_skips_the_rest() {
        let text = br#"{"schema_version": 1, "module": "m", "config": {"module": "m", "exclude": ["x"]},
            "package": {"distribution": null, "version": "3.11"}, "python_version": "3.11",
            "introspection": {"name": "m", "doc": "d", "functions": [{"name": "f", "signature": {}}],
            "submodules": [{"name": "m.sub", "classes": [{"name": "C"}]}]}}"#;
        let outline = parse_outline(text).unwrap();
        assert_eq!((outline.module.as_str(), outline.package.version.as_deref()), ("m", Some("3.11")));
        assert_eq!(outline.config.exclude, ["x"]);
        assert_eq!(outline.introspection.functions[0].name, "f");
        assert_eq!(outline.introspection.submodules[0].classes[0].name, "C");
        let err = parse_outline(b"{\"module\": 1}").unwrap_err().to_string();
        assert!(err.contains("cargo snakebridge prepare"), "{err}");
    }
}
