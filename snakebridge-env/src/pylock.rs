//! The PEP 751 `pylock.toml` that `setup` writes with uv next to `snakebridge.lock`: every
//! installed distribution with its version and the sha256 of each file it may come from.
//! `snakebridge.lock` records the file's own hash and its packages ([`PylockSection`]), so
//! `verify` notices both an edited `pylock.toml` and a venv that drifted from it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::manifests::sha256_hex;
use super::python::InterpreterDetails;
use super::requirement::normalize_name;

/// The name PEP 751 gives a project's lock file.
pub const PYLOCK_FILE_NAME: &str = "pylock.toml";

/// What `snakebridge.lock` records of `pylock.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PylockSection {
    /// The file, relative to the project root (`pylock.toml`).
    pub file: String,
    /// `sha256:` of its bytes.
    pub hash: String,
    /// Its packages: normalised name → version and file hashes.
    pub packages: BTreeMap<String, PylockPackage>,
}

/// One `[[packages]]` entry of a `pylock.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PylockPackage {
    /// The locked version.
    pub version: String,
    /// `sha256:` of every wheel and sdist listed for it, sorted.
    pub hashes: Vec<String>,
}

impl PylockSection {
    /// Reads `pylock.toml` text; `file` is how the lock names it. An error says what is wrong
    /// with the text.
    pub fn parse(file: &str, text: &str) -> Result<PylockSection, String> {
        let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| format!("not valid TOML: {}", e.message()))?;
        let lock_version = doc.get("lock-version").and_then(toml::Value::as_str).unwrap_or_default();
        if !lock_version.starts_with("1.") {
            return Err(format!("lock-version is `{lock_version}`, not a PEP 751 version 1.x"));
        }
        let mut packages = BTreeMap::new();
        let list = doc.get("packages").and_then(toml::Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for entry in list {
            let name = entry.get("name").and_then(toml::Value::as_str).ok_or("a [[packages]] entry has no name")?;
            let version = entry.get("version").and_then(toml::Value::as_str).unwrap_or_default().to_string();
            let mut hashes: Vec<String> = entry
                .get("wheels")
                .and_then(toml::Value::as_array)
                .into_iter()
                .flatten()
                .chain(entry.get("sdist"))
                .filter_map(|f| f.get("hashes")?.get("sha256")?.as_str())
                .map(|h| format!("sha256:{h}"))
                .collect();
            hashes.sort();
            hashes.dedup();
            packages.insert(normalize_name(name), PylockPackage { version, hashes });
        }
        Ok(PylockSection { file: file.to_string(), hash: sha256_hex(text.as_bytes()), packages })
    }

    /// The problems between this record, the file at `root/file` and the venv's
    /// `interpreter`: `(is_error, message)` pairs; empty when all agree.
    pub fn check(&self, root: &Path, interpreter: Option<&InterpreterDetails>) -> Vec<(bool, String)> {
        let mut problems = Vec::new();
        let path = root.join(&self.file);
        match std::fs::read(&path) {
            Err(e) => problems.push((
                true,
                format!("{} ({e}) is missing; restore it from version control or run `cargo snakebridge setup`", self.file),
            )),
            Ok(bytes) if sha256_hex(&bytes) != self.hash => problems.push((
                true,
                format!(
                    "{} changed since snakebridge.lock was written (its hash differs); run `cargo snakebridge setup` to lock again",
                    self.file
                ),
            )),
            Ok(_) => {}
        }
        let Some(current) = interpreter else { return problems };
        for (name, locked) in &self.packages {
            match current.packages.get(name) {
                None => problems.push((
                    true,
                    format!(
                        "{name} {} from {} is not installed; run `cargo snakebridge setup`",
                        locked.version, self.file
                    ),
                )),
                Some(have) if *have != locked.version => {
                    problems.push((false, format!("{name}: {} has {}, installed is {have}", self.file, locked.version)))
                }
                Some(_) => {}
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"lock-version = "1.0"
created-by = "uv"

[[packages]]
name = "Six"
version = "1.17.0"
sdist = { url = "https://x/six-1.17.0.tar.gz", hashes = { sha256 = "ff70" } }
wheels = [{ url = "https://x/six-1.17.0-py2.py3-none-any.whl", hashes = { sha256 = "4721" } }]
"#;

    #[test]
    fn packages_and_hashes_are_read() {
        let s = PylockSection::parse("pylock.toml", TEXT).unwrap();
        let six = &s.packages["six"];
        assert_eq!(six.version, "1.17.0");
        assert_eq!(six.hashes, vec!["sha256:4721", "sha256:ff70"]);
        assert_eq!(s.hash, sha256_hex(TEXT.as_bytes()));
    }

    #[test]
    fn bad_text_is_an_error_not_a_panic() {
        assert!(PylockSection::parse("p", "lock-version = \"2.0\"").unwrap_err().contains("PEP 751"));
        assert!(PylockSection::parse("p", "[[").unwrap_err().contains("TOML"));
        assert!(PylockSection::parse("p", "lock-version = \"1.0\"\n[[packages]]\nversion = \"1\"\n")
            .unwrap_err()
            .contains("no name"));
    }
}
