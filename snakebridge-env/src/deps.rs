//! Python dependencies and environment settings declared in a `Cargo.toml`, the analogue of
//! the seed's `python_deps`:
//!
//! ```toml
//! [package.metadata.snakebridge]
//! auto_install = "dev_test"        # never | dev | dev_test | always
//! strict = false
//! venv = ".venv"
//! pytorch_index_base_url = "https://download.pytorch.org/whl/"
//! cuda_thresholds = [{ variant = "cu124", min = 124 }, { variant = "cu121", min = 120 }]
//! wheel_variants = "wheel_variants.json"
//!
//! [package.metadata.snakebridge.python_deps]
//! numpy = "1.26.4"                                   # numpy==1.26.4
//! pandas = ">=2.0,<3"                                # as written
//! json = "stdlib"                                    # nothing to install
//! PIL = { version = "10.2.0", pypi_package = "pillow" }
//! requests = { version = "*", extras = ["socks"] }   # requests[socks]
//! ```

use std::path::{Path, PathBuf};

use snakebridge_meta::venv::VenvSearch;

use snakebridge_meta::suggest::closest;
use snakebridge_runtime::{Error, Result};

use super::policy::{strict_from_env, AutoInstall};
use super::wheel::{CudaThreshold, WheelConfig};

/// What version of a Python dependency the project wants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DepVersion {
    /// Any version (`"*"` or no version).
    Any,
    /// Part of the Python standard library: nothing to install.
    Stdlib,
    /// A PEP 440 specifier (`"==1.26.4"`, `">=2.0,<3"`); a bare version becomes `==version`.
    Spec(String),
}

/// One entry of `[package.metadata.snakebridge.python_deps]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonDep {
    /// The Python module name, the table key (`PIL`).
    pub name: String,
    /// The wanted version.
    pub version: DepVersion,
    /// The distribution to install when it differs from the module name (`pillow`).
    pub pypi_package: Option<String>,
    /// Extras to install (`["socks"]`).
    pub extras: Vec<String>,
}

impl PythonDep {
    /// The distribution that provides the module.
    pub fn distribution(&self) -> &str {
        self.pypi_package.as_deref().unwrap_or(&self.name)
    }

    /// The PEP 508 requirement string (`requests[socks]>=2`); `None` for the standard library.
    pub fn requirement(&self) -> Option<String> {
        let extras = if self.extras.is_empty() { String::new() } else { format!("[{}]", self.extras.join(",")) };
        match &self.version {
            DepVersion::Stdlib => None,
            DepVersion::Any => Some(format!("{}{extras}", self.distribution())),
            DepVersion::Spec(spec) => Some(format!("{}{extras}{spec}", self.distribution())),
        }
    }
}

/// The snakebridge settings of one Cargo package (or workspace).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ProjectConfig {
    /// The `Cargo.toml` that was read.
    pub manifest_path: PathBuf,
    /// Its directory: relative paths in the configuration are taken from here.
    pub root: PathBuf,
    /// The declared Python dependencies, in file order.
    pub python_deps: Vec<PythonDep>,
    /// `auto_install`, before `SNAKEBRIDGE_AUTO_INSTALL` is applied.
    pub auto_install: Option<AutoInstall>,
    /// `strict = true` in the file.
    pub strict: bool,
    /// `venv`, resolved against [`root`](Self::root).
    pub venv: Option<PathBuf>,
    /// Wheel selection settings (thresholds, mirror, `wheel_variants.json`).
    pub wheels: WheelConfig,
}

const SETTINGS: [&str; 7] =
    ["auto_install", "strict", "venv", "pytorch_index_base_url", "cuda_thresholds", "wheel_variants", "python_deps"];
/// Keys of a dependency table; `include`..`streaming` belong to `#[python_module]` and are accepted here.
const DEP_KEYS: [&str; 8] =
    ["version", "pypi_package", "extras", "include", "exclude", "submodules", "streaming", "module"];

impl ProjectConfig {
    /// Reads the `Cargo.toml` at `manifest_path`.
    ///
    /// A manifest without `[package.metadata.snakebridge]` (or `[workspace.metadata.snakebridge]`)
    /// gives an empty configuration; a malformed one an [`Error::InvalidConfig`] that names the key.
    pub fn load(manifest_path: impl AsRef<Path>) -> Result<ProjectConfig> {
        let path = manifest_path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| invalid(path, format!("cannot read it: {e}")))?;
        Self::parse(path, &text)
    }

    /// The configuration of the nearest `Cargo.toml` at `start` or above it.
    pub fn discover(start: impl AsRef<Path>) -> Result<ProjectConfig> {
        let start = start.as_ref();
        let found = start.ancestors().map(|d| d.join("Cargo.toml")).find(|p| p.is_file()).ok_or_else(|| Error::InvalidConfig {
            path: start.to_path_buf(),
            message: "no Cargo.toml here or in any parent directory; run the command inside a Cargo project or pass --manifest-path".into(),
        })?;
        Self::load(found)
    }

    /// Parses manifest text; `path` names the file in errors and anchors relative paths.
    pub fn parse(path: &Path, text: &str) -> Result<ProjectConfig> {
        let doc: toml::Table =
            text.parse().map_err(|e: toml::de::Error| invalid(path, format!("not valid TOML: {}", e.message())))?;
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let root = if root.as_os_str().is_empty() { PathBuf::from(".") } else { root };
        let meta = ["package", "workspace"]
            .iter()
            .find_map(|section| doc.get(*section)?.get("metadata")?.get("snakebridge").map(|m| (*section, m)));
        let mut config = ProjectConfig {
            manifest_path: path.to_path_buf(),
            root: root.clone(),
            python_deps: Vec::new(),
            auto_install: None,
            strict: false,
            venv: None,
            wheels: WheelConfig::default(),
        };
        let Some((section, meta)) = meta else { return Ok(config) };
        let prefix = format!("{section}.metadata.snakebridge");
        let meta = meta.as_table().ok_or_else(|| invalid(path, format!("`{prefix}` must be a table")))?;
        for (key, value) in meta {
            let at = format!("{prefix}.{key}");
            match key.as_str() {
                "auto_install" => {
                    let s = str_value(path, &at, value)?;
                    config.auto_install = Some(s.parse().map_err(|e| invalid(path, format!("`{at}`: {e}")))?);
                }
                "strict" => {
                    config.strict =
                        value.as_bool().ok_or_else(|| invalid(path, format!("`{at}` must be true or false")))?
                }
                "venv" => config.venv = Some(root.join(str_value(path, &at, value)?)),
                "pytorch_index_base_url" => config.wheels.index_base_url = str_value(path, &at, value)?.to_string(),
                "cuda_thresholds" => config.wheels.cuda_thresholds = thresholds(path, &at, value)?,
                "wheel_variants" => {
                    let file = root.join(str_value(path, &at, value)?);
                    config.wheels.merge_file(&file)?;
                }
                "python_deps" => {
                    let table = value.as_table().ok_or_else(|| {
                        invalid(path, format!("`{at}` must be a table of `module = \"version\"` entries"))
                    })?;
                    for (name, spec) in table {
                        config.python_deps.push(dep(path, &format!("{at}.{name}"), name, spec)?);
                    }
                }
                other => return Err(unknown_key(path, &at, other, &SETTINGS)),
            }
        }
        if !meta.contains_key("wheel_variants") {
            let default = root.join("wheel_variants.json");
            if default.is_file() {
                config.wheels.merge_file(&default)?;
            }
        }
        Ok(config)
    }

    /// The requirement strings of every non-stdlib dependency, in declaration order.
    pub fn requirements(&self) -> Vec<String> {
        self.python_deps.iter().filter_map(PythonDep::requirement).collect()
    }

    /// The auto-install policy in force: `SNAKEBRIDGE_AUTO_INSTALL`, else the file, else `dev_test`.
    pub fn effective_auto_install(&self) -> Result<AutoInstall> {
        let from_env = AutoInstall::from_env()
            .map_err(|message| Error::InvalidConfig { path: "SNAKEBRIDGE_AUTO_INSTALL".into(), message })?;
        Ok(from_env.or(self.auto_install).unwrap_or_default())
    }

    /// Whether strict mode is on (`SNAKEBRIDGE_STRICT=1` or `strict = true`): nothing is installed.
    pub fn effective_strict(&self) -> bool {
        self.strict || strict_from_env()
    }

    /// The venv the project uses, in the order the runtime and the macros use too
    /// (`snakebridge_meta::venv`): `SNAKEBRIDGE_VENV`, the `venv` setting, the nearest existing
    /// `.venv` at or above the project root, `VIRTUAL_ENV`; else `<root>/.venv`, to be created.
    pub fn venv_path(&self) -> PathBuf {
        self.venv_path_and_source().0
    }

    /// [`venv_path`](Self::venv_path) and a few words on where it came from.
    pub fn venv_path_and_source(&self) -> (PathBuf, &'static str) {
        let root = std::path::absolute(&self.root).unwrap_or_else(|_| self.root.clone());
        let search = VenvSearch::new(&root).cargo_setting(self.venv.clone());
        // The setting was read with this file already, so the search reads no Cargo.toml and
        // cannot fail.
        match search.find(|name| std::env::var(name).ok()) {
            Ok(Some(venv)) => (venv.path, venv.source.describe()),
            _ => (root.join(".venv"), "default location (not created yet)"),
        }
    }

    /// Where `snakebridge.lock` lives: next to the `Cargo.toml`.
    pub fn lock_path(&self) -> PathBuf {
        self.root.join(super::lock::LOCK_FILE_NAME)
    }
}

fn dep(path: &Path, at: &str, name: &str, spec: &toml::Value) -> Result<PythonDep> {
    let mut dep =
        PythonDep { name: name.to_string(), version: DepVersion::Any, pypi_package: None, extras: Vec::new() };
    match spec {
        toml::Value::String(s) => dep.version = version(path, at, s)?,
        toml::Value::Table(t) => {
            for (key, value) in t {
                let at = format!("{at}.{key}");
                match key.as_str() {
                    "version" => dep.version = version(path, &at, str_value(path, &at, value)?)?,
                    "pypi_package" => dep.pypi_package = Some(str_value(path, &at, value)?.to_string()),
                    "extras" => {
                        let list = value
                            .as_array()
                            .ok_or_else(|| invalid(path, format!("`{at}` must be a list of strings")))?;
                        dep.extras =
                            list.iter().map(|v| str_value(path, &at, v).map(str::to_string)).collect::<Result<_>>()?;
                    }
                    k if DEP_KEYS.contains(&k) => {}
                    other => return Err(unknown_key(path, &at, other, &DEP_KEYS)),
                }
            }
        }
        _ => {
            return Err(invalid(
                path,
                format!("`{at}` must be a version string (\"1.26\", \">=2\", \"stdlib\", \"*\") or a table"),
            ))
        }
    }
    if let Some(req) = dep.requirement() {
        if super::requirement::Requirement::parse(&req).is_none() {
            return Err(invalid(path, format!("`{at}` gives `{req}`, which is not a valid requirement")));
        }
    }
    Ok(dep)
}

fn version(path: &Path, at: &str, s: &str) -> Result<DepVersion> {
    let s = s.trim();
    Ok(match s {
        "" | "*" => DepVersion::Any,
        "stdlib" => DepVersion::Stdlib,
        _ if s.starts_with(['=', '<', '>', '!', '~']) => {
            if super::requirement::Requirement::parse(&format!("x{s}")).is_none() {
                return Err(invalid(
                    path,
                    format!("`{at}`: `{s}` is not a PEP 440 specifier (use ==, !=, >=, <=, >, < or ~=)"),
                ));
            }
            DepVersion::Spec(s.to_string())
        }
        _ if s.starts_with(|c: char| c.is_ascii_digit()) => DepVersion::Spec(format!("=={s}")),
        _ => {
            return Err(invalid(
                path,
                format!("`{at}`: `{s}` is not a version; write \"1.26.4\", \">=2,<3\", \"*\" or \"stdlib\""),
            ))
        }
    })
}

fn thresholds(path: &Path, at: &str, value: &toml::Value) -> Result<Vec<CudaThreshold>> {
    let bad = || invalid(path, format!("`{at}` must be a list like [{{ variant = \"cu124\", min = 124 }}]"));
    let list = value.as_array().ok_or_else(bad)?;
    let mut out = Vec::new();
    for item in list {
        let t = item.as_table().ok_or_else(bad)?;
        let variant = t.get("variant").and_then(toml::Value::as_str).ok_or_else(bad)?;
        let min = t.get("min").and_then(toml::Value::as_integer).filter(|m| *m >= 0).ok_or_else(bad)?;
        out.push(CudaThreshold { variant: variant.to_string(), min: min as u32 });
    }
    Ok(out)
}

fn str_value<'a>(path: &Path, at: &str, value: &'a toml::Value) -> Result<&'a str> {
    value.as_str().ok_or_else(|| invalid(path, format!("`{at}` must be a string")))
}

fn unknown_key(path: &Path, at: &str, key: &str, known: &[&str]) -> Error {
    let hint = match closest(key, known.iter().copied()) {
        Some(s) => format!("; did you mean `{s}`?"),
        None => format!("; known keys: {}", known.join(", ")),
    };
    invalid(path, format!("unknown key `{at}`{hint}"))
}

pub(crate) fn invalid(path: &Path, message: String) -> Error {
    Error::InvalidConfig { path: path.to_path_buf(), message }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ProjectConfig> {
        ProjectConfig::parse(Path::new("/p/Cargo.toml"), text)
    }

    #[test]
    fn requirement_strings_follow_the_seed() {
        let c = parse(
            r#"
            [package]
            name = "x"
            [package.metadata.snakebridge.python_deps]
            numpy = "1.26.4"
            pandas = { version = ">=2.0,<3", include = ["DataFrame"] }
            json = "stdlib"
            PIL = { version = "10.2.0", pypi_package = "pillow" }
            requests = { extras = ["socks", "security"] }
            "#,
        )
        .unwrap();
        assert_eq!(
            c.requirements(),
            vec!["numpy==1.26.4", "pandas>=2.0,<3", "pillow==10.2.0", "requests[socks,security]"]
        );
        assert_eq!(c.python_deps.len(), 5);
    }

    #[test]
    fn settings_are_read_and_typos_named() {
        let c = parse("[package.metadata.snakebridge]\nauto_install = \"never\"\nstrict = true\nvenv = \"env\"\ncuda_thresholds = [{ variant = \"cu126\", min = 126 }]\n").unwrap();
        assert_eq!(c.auto_install, Some(AutoInstall::Never));
        assert!(c.strict);
        assert_eq!(c.venv, Some(PathBuf::from("/p/env")));
        assert_eq!(c.wheels.cuda_thresholds[0].variant, "cu126");
        let err = parse("[package.metadata.snakebridge]\nauto_instal = \"dev\"\n").unwrap_err().to_string();
        assert!(err.contains("did you mean `auto_install`"), "{err}");
        let err =
            parse("[package.metadata.snakebridge.python_deps]\nnumpy = { verison = \"1\" }\n").unwrap_err().to_string();
        assert!(err.contains("did you mean `version`"), "{err}");
        let err = parse("[package.metadata.snakebridge.python_deps]\nnumpy = \"=>1.2\"\n").unwrap_err().to_string();
        assert!(err.contains("PEP 440"), "{err}");
        let err = parse("[package.metadata.snakebridge]\nauto_install = \"sometimes\"\n").unwrap_err().to_string();
        assert!(err.contains("never, dev, dev_test or always"), "{err}");
    }

    #[test]
    fn a_specifier_may_carry_a_marker() {
        let c =
            parse("[package.metadata.snakebridge.python_deps]\nnumpy = \">=1.26; python_version >= '3.9'\"\n").unwrap();
        assert_eq!(c.requirements(), vec!["numpy>=1.26; python_version >= '3.9'"]);
        let err =
            parse("[package.metadata.snakebridge.python_deps]\nnumpy = \">=1.26; python_version >=\"\n").unwrap_err();
        assert!(err.to_string().contains("PEP 440"), "{err}");
    }

    #[test]
    fn no_metadata_is_an_empty_config_and_bad_toml_an_error() {
        assert!(parse("[package]\nname = \"x\"\n").unwrap().python_deps.is_empty());
        let err = parse("[package\n").unwrap_err().to_string();
        assert!(err.contains("not valid TOML") && err.contains("/p/Cargo.toml"), "{err}");
    }

    #[test]
    fn workspace_metadata_is_used_for_a_virtual_manifest() {
        let c =
            parse("[workspace]\nmembers = []\n[workspace.metadata.snakebridge.python_deps]\nsix = \"*\"\n").unwrap();
        assert_eq!(c.requirements(), vec!["six"]);
    }
}
