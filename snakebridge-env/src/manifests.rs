//! The generated libraries of a project, read from the manifest cache in `.snakebridge/`
//! (the seed's `Registry`): which Python libraries have bindings, from which manifest, and
//! how much each holds.
//!
//! Only the outline of a manifest is read here, through the reader the `python!` name check
//! uses too (`snakebridge_meta::manifest`), so this listing keeps working as the manifest
//! format grows.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use snakebridge_meta::manifest::{parse_outline, DIR_NAME};

/// One generated library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratedLibrary {
    /// The Python module (`numpy`).
    pub library: String,
    /// The manifest file, relative to the project root (`.snakebridge/numpy.json`).
    pub manifest: String,
    /// `sha256:` of the manifest's bytes.
    pub hash: String,
    /// The library version the manifest was made from, when it says.
    pub version: Option<String>,
    /// Number of functions.
    pub functions: usize,
    /// Number of classes.
    pub classes: usize,
    /// Number of submodules.
    pub submodules: usize,
    /// Why the manifest could not be read, when it could not.
    pub problem: Option<String>,
}

/// The manifests in `<root>/.snakebridge/`, sorted by file name; empty when there is none.
pub fn generated_libraries(root: &Path) -> Vec<GeneratedLibrary> {
    let dir = root.join(DIR_NAME);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut files: Vec<_> =
        entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "json")).collect();
    files.sort();
    files.iter().map(|path| read_one(path)).collect()
}

fn read_one(path: &Path) -> GeneratedLibrary {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let manifest = format!("{DIR_NAME}/{}", path.file_name().map(|s| s.to_string_lossy()).unwrap_or_default());
    let mut lib = GeneratedLibrary {
        library: stem,
        manifest,
        hash: String::new(),
        version: None,
        functions: 0,
        classes: 0,
        submodules: 0,
        problem: None,
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            lib.problem = Some(format!("cannot read it: {e}"));
            return lib;
        }
    };
    lib.hash = sha256_hex(&bytes);
    let outline = match parse_outline(&bytes) {
        Ok(outline) => outline,
        Err(e) => {
            lib.problem = Some(e.to_string());
            return lib;
        }
    };
    if !outline.module.is_empty() {
        lib.library = outline.module;
    }
    lib.version = outline.package.version;
    lib.functions = outline.introspection.functions.len();
    lib.classes = outline.introspection.classes.len();
    lib.submodules = outline.introspection.submodules.len();
    lib
}

/// `sha256:<hex>` of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(7 + 64);
    s.push_str("sha256:");
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_committed_python_module_manifests() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../snakebridge");
        let libs = generated_libraries(&root);
        let math = libs.iter().find(|l| l.library == "math").expect("snakebridge/.snakebridge has a math manifest");
        assert!(math.problem.is_none(), "{math:?}");
        assert!(math.functions > 0, "{math:?}");
        // Several numpy configs are committed; the whole top level has the classes.
        let numpy = libs.iter().filter(|l| l.library == "numpy").max_by_key(|l| l.classes).expect("a numpy manifest");
        assert!(numpy.version.as_deref().is_some_and(|v| v.starts_with(char::is_numeric)), "{numpy:?}");
        assert!(numpy.classes > 0 && numpy.hash.starts_with("sha256:"), "{numpy:?}");
    }
}
