//! The one order in which snakebridge finds a project's venv, for the macros (which run its
//! Python to introspect), the runtime (which adds its site-packages to the embedded
//! interpreter) and the CLI (which provisions it). The first that applies wins:
//!
//! 1. `SNAKEBRIDGE_VENV`;
//! 2. a venv chosen in code (`RuntimeConfig::venv` at run time);
//! 3. `venv` in `[package.metadata.snakebridge]` (or `[workspace.metadata.snakebridge]`) of
//!    the nearest `Cargo.toml` at or above the project directory that sets it, relative to that
//!    file; the walk stops at a workspace root or a repository root;
//! 4. the nearest `.venv` (a directory holding `pyvenv.cfg`) at or above the project
//!    directory, up to the repository root;
//! 5. `VIRTUAL_ENV` (an activated venv).
//!
//! What happens when none applies is each side's own business: the macro runs `python3`
//! from `PATH`, the runtime uses the embedded interpreter's own packages, the CLI creates
//! `<project>/.venv`.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where a venv came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VenvSource {
    /// The `SNAKEBRIDGE_VENV` environment variable.
    EnvVar,
    /// Chosen in code (`RuntimeConfig::venv`).
    Config,
    /// `venv` in the `[package.metadata.snakebridge]` of a `Cargo.toml`.
    CargoMetadata,
    /// A `.venv` directory in the project or one of its parents.
    ProjectDir,
    /// The `VIRTUAL_ENV` environment variable (an activated venv).
    VirtualEnv,
}

impl VenvSource {
    /// A few words on where the venv came from, for messages and `cargo snakebridge doctor`.
    pub fn describe(self) -> &'static str {
        match self {
            VenvSource::EnvVar => "SNAKEBRIDGE_VENV",
            VenvSource::Config => "RuntimeConfig::venv",
            VenvSource::CargoMetadata => "`venv` in [package.metadata.snakebridge]",
            VenvSource::ProjectDir => ".venv in the project",
            VenvSource::VirtualEnv => "VIRTUAL_ENV",
        }
    }
}

/// A venv that discovery chose; it may not exist yet (the CLI creates it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Venv {
    /// The venv's root directory (the one that holds, or will hold, `pyvenv.cfg`).
    pub path: PathBuf,
    /// How it was found.
    pub source: VenvSource,
}

impl Venv {
    /// Its interpreter: `bin/python`, or `Scripts\python.exe` on Windows.
    pub fn python(&self) -> PathBuf {
        python_in(&self.path)
    }

    /// Whether a venv exists there (it has a `pyvenv.cfg`).
    pub fn exists(&self) -> bool {
        self.path.join("pyvenv.cfg").is_file()
    }

    /// `Ok` when the venv exists, else a message that names where the path came from and the
    /// command that creates it.
    pub fn check(&self) -> Result<(), String> {
        if self.exists() {
            return Ok(());
        }
        Err(format!(
            "{} is {} but that is not a venv (no pyvenv.cfg); create it with `python3 -m venv {}` (or `cargo snakebridge setup`) or fix the path",
            self.source.describe(),
            self.path.display(),
            self.path.display()
        ))
    }
}

/// What a venv's `pyvenv.cfg` says about the interpreter that made it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PyvenvCfg {
    /// `home`: the directory of the base interpreter's executable.
    pub home: Option<PathBuf>,
    /// `version` (or uv's `version_info`): the base interpreter's version, such as `3.11.7`.
    pub version: Option<String>,
    /// `executable`, when the tool that made the venv records it.
    pub executable: Option<PathBuf>,
}

impl PyvenvCfg {
    /// Reads `<venv>/pyvenv.cfg` (`key = value` lines, as CPython's `site` reads them).
    pub fn read(venv: &Path) -> std::io::Result<PyvenvCfg> {
        Ok(PyvenvCfg::parse(&std::fs::read_to_string(venv.join("pyvenv.cfg"))?))
    }

    /// Parses the text of a `pyvenv.cfg`.
    pub fn parse(text: &str) -> PyvenvCfg {
        let mut cfg = PyvenvCfg::default();
        for line in text.lines() {
            let Some((key, value)) = line.split_once('=') else { continue };
            let value = value.trim();
            match key.trim().to_ascii_lowercase().as_str() {
                "home" => cfg.home = Some(PathBuf::from(value)),
                "version" | "version_info" if cfg.version.is_none() => cfg.version = Some(value.to_string()),
                "executable" => cfg.executable = Some(PathBuf::from(value)),
                _ => {}
            }
        }
        cfg
    }
}

/// A venv's interpreter: `bin/python`, or `Scripts\python.exe` on Windows.
pub fn python_in(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

/// A `Cargo.toml` whose snakebridge `venv` setting cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VenvSettingError {
    /// The `Cargo.toml`.
    pub manifest: PathBuf,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for VenvSettingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.manifest.display(), self.message)
    }
}

impl std::error::Error for VenvSettingError {}

/// What discovery starts from: the project directory, and what the caller already knows.
#[derive(Debug, Clone)]
pub struct VenvSearch {
    project_dir: PathBuf,
    configured: Option<PathBuf>,
    cargo_setting: Option<Option<PathBuf>>,
}

impl VenvSearch {
    /// A search from `project_dir`: the crate directory (`CARGO_MANIFEST_DIR`) for the macros,
    /// the working directory or `RuntimeConfig::project_root` for the runtime, the directory
    /// of the `Cargo.toml` for the CLI.
    pub fn new(project_dir: impl Into<PathBuf>) -> Self {
        VenvSearch { project_dir: project_dir.into(), configured: None, cargo_setting: None }
    }

    /// A venv chosen in code (step 2).
    pub fn configured(mut self, venv: Option<PathBuf>) -> Self {
        self.configured = venv;
        self
    }

    /// The `Cargo.toml` `venv` setting, when the caller has read it already (resolved against
    /// the file's directory); without this the search reads the `Cargo.toml` files itself.
    pub fn cargo_setting(mut self, venv: Option<PathBuf>) -> Self {
        self.cargo_setting = Some(venv);
        self
    }

    /// The venv, by the order of this module; `None` when no step applies. `env` reads
    /// environment variables (`|n| std::env::var(n).ok()`; tests pass their own).
    pub fn find(&self, env: impl Fn(&str) -> Option<String>) -> Result<Option<Venv>, VenvSettingError> {
        let found = |path: PathBuf, source| Ok(Some(Venv { path, source }));
        if let Some(v) = env("SNAKEBRIDGE_VENV").filter(|v| !v.is_empty()) {
            return found(absolute(PathBuf::from(v)), VenvSource::EnvVar);
        }
        if let Some(v) = &self.configured {
            return found(v.clone(), VenvSource::Config);
        }
        let setting = match &self.cargo_setting {
            Some(given) => given.clone(),
            None => cargo_venv_setting(&self.project_dir)?,
        };
        if let Some(v) = setting {
            return found(v, VenvSource::CargoMetadata);
        }
        if let Some(v) = project_venv(&self.project_dir) {
            return found(v, VenvSource::ProjectDir);
        }
        if let Some(v) = env("VIRTUAL_ENV").filter(|v| !v.is_empty()) {
            return found(PathBuf::from(v), VenvSource::VirtualEnv);
        }
        Ok(None)
    }
}

fn absolute(path: PathBuf) -> PathBuf {
    std::path::absolute(&path).unwrap_or(path)
}

/// The nearest `.venv` holding a `pyvenv.cfg` at `start` or above it, up to the repository
/// root (a directory with `.git`).
pub fn project_venv(start: &Path) -> Option<PathBuf> {
    let start = absolute(start.to_path_buf());
    for dir in start.ancestors() {
        let venv = dir.join(".venv");
        if venv.join("pyvenv.cfg").is_file() {
            return Some(venv);
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    None
}

/// The `python_path` setting of the nearest `Cargo.toml` at or above `start` that has one:
/// directories (relative to that file) that hold the project's own Python modules. The
/// macros' introspection puts them on `PYTHONPATH` and the runtime on `sys.path`, so a module
/// kept in the repository needs no environment variable. Found by the same walk as `venv`; a
/// value that is not a list of strings is an error.
pub fn cargo_python_path_setting(start: &Path) -> Result<Vec<PathBuf>, VenvSettingError> {
    let Some((dir, manifest, section, value)) = cargo_setting(start, "python_path") else { return Ok(Vec::new()) };
    let bad = || {
        VenvSettingError {
        manifest: manifest.clone(),
        message: format!(
            "`{section}.metadata.snakebridge.python_path` must be a list of directories relative to this file, like [\"python\"]"
        ),
    }
    };
    let toml::Value::Array(items) = value else { return Err(bad()) };
    items.iter().map(|v| v.as_str().map(|s| dir.join(s)).ok_or_else(bad)).collect()
}

/// The nearest `[package|workspace.metadata.snakebridge]` value named `key`: the directory and
/// path of its `Cargo.toml`, the section, the value.
fn cargo_setting(start: &Path, key: &str) -> Option<(PathBuf, PathBuf, &'static str, toml::Value)> {
    let start = absolute(start.to_path_buf());
    for dir in start.ancestors() {
        let manifest = dir.join("Cargo.toml");
        if let Some(doc) = std::fs::read_to_string(&manifest).ok().and_then(|t| t.parse::<toml::Table>().ok()) {
            for section in ["package", "workspace"] {
                let setting = doc
                    .get(section)
                    .and_then(|s| s.get("metadata"))
                    .and_then(|m| m.get("snakebridge"))
                    .and_then(|m| m.get(key));
                if let Some(value) = setting {
                    return Some((dir.to_path_buf(), manifest, section, value.clone()));
                }
            }
            if doc.contains_key("workspace") {
                break;
            }
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    None
}

/// The `venv` setting of the nearest `Cargo.toml` at or above `start` that has one, resolved
/// against that file's directory. The walk stops after a workspace root (a `Cargo.toml` with
/// `[workspace]`) or at a repository root. A `Cargo.toml` that is not valid TOML is passed over
/// (cargo reports it); a `venv` that is not a string is an error.
pub fn cargo_venv_setting(start: &Path) -> Result<Option<PathBuf>, VenvSettingError> {
    let start = absolute(start.to_path_buf());
    for dir in start.ancestors() {
        let manifest = dir.join("Cargo.toml");
        if let Ok(text) = std::fs::read_to_string(&manifest) {
            if let Ok(doc) = text.parse::<toml::Table>() {
                for section in ["package", "workspace"] {
                    let setting = doc
                        .get(section)
                        .and_then(|s| s.get("metadata"))
                        .and_then(|m| m.get("snakebridge"))
                        .and_then(|m| m.get("venv"));
                    match setting {
                        Some(toml::Value::String(v)) => return Ok(Some(dir.join(v))),
                        Some(_) => {
                            return Err(VenvSettingError {
                                manifest,
                                message: format!(
                                    "`{section}.metadata.snakebridge.venv` must be a string, the venv's path relative to this file"
                                ),
                            })
                        }
                        None => {}
                    }
                }
                if doc.contains_key("workspace") {
                    break;
                }
            }
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Dir(PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn project(name: &str) -> Dir {
        let dir = std::env::temp_dir().join(format!("sb-meta-venv-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        Dir(dir)
    }

    fn make_venv(path: &Path) {
        std::fs::create_dir_all(path).unwrap();
        std::fs::write(path.join("pyvenv.cfg"), "home = /usr/bin\n").unwrap();
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn the_order_is_env_config_cargo_dotvenv_virtual_env() {
        let p = project("order");
        make_venv(&p.0.join(".venv"));
        let crate_dir = p.0.join("member");
        std::fs::create_dir_all(&crate_dir).unwrap();
        std::fs::write(
            crate_dir.join("Cargo.toml"),
            "[package]\nname = \"m\"\n[package.metadata.snakebridge]\nvenv = \"../envs/py\"\n",
        )
        .unwrap();
        let search = VenvSearch::new(&crate_dir);
        let env = |n: &str| (n == "SNAKEBRIDGE_VENV").then(|| "/from/env".to_string());
        assert_eq!(search.find(env).unwrap().unwrap().source, VenvSource::EnvVar);
        let configured = search.clone().configured(Some("/from/code".into()));
        assert_eq!(configured.find(no_env).unwrap().unwrap().path, PathBuf::from("/from/code"));
        let from_cargo = search.find(no_env).unwrap().unwrap();
        assert_eq!((from_cargo.path, from_cargo.source), (crate_dir.join("../envs/py"), VenvSource::CargoMetadata));
        let without_setting = search.clone().cargo_setting(None).find(no_env).unwrap().unwrap();
        assert_eq!((without_setting.path, without_setting.source), (p.0.join(".venv"), VenvSource::ProjectDir));
        std::fs::remove_dir_all(p.0.join(".venv")).unwrap();
        let virtual_env = |n: &str| (n == "VIRTUAL_ENV").then(|| "/activated".to_string());
        let found = search.clone().cargo_setting(None).find(virtual_env).unwrap().unwrap();
        assert_eq!(found.source, VenvSource::VirtualEnv);
        assert_eq!(search.cargo_setting(None).find(no_env).unwrap(), None);
    }

    #[test]
    fn a_workspace_setting_covers_its_members_and_the_walk_stops_at_the_workspace() {
        let p = project("ws");
        std::fs::write(
            p.0.join("Cargo.toml"),
            "[package]\nname = \"outer\"\n[package.metadata.snakebridge]\nvenv = \"outer\"\n",
        )
        .unwrap();
        let ws = p.0.join("ws");
        let member = ws.join("crates").join("m");
        std::fs::create_dir_all(&member).unwrap();
        std::fs::write(member.join("Cargo.toml"), "[package]\nname = \"m\"\n").unwrap();
        std::fs::write(ws.join("Cargo.toml"), "[workspace]\nmembers = [\"crates/m\"]\n").unwrap();
        assert_eq!(cargo_venv_setting(&member).unwrap(), None, "the outer package is not this workspace's");
        std::fs::write(
            ws.join("Cargo.toml"),
            "[workspace]\nmembers = [\"crates/m\"]\n[workspace.metadata.snakebridge]\nvenv = \"py\"\n",
        )
        .unwrap();
        assert_eq!(cargo_venv_setting(&member).unwrap(), Some(ws.join("py")));
    }

    #[test]
    fn a_bad_setting_names_the_file_and_a_missing_venv_the_fix() {
        let p = project("bad");
        std::fs::write(p.0.join("Cargo.toml"), "[package]\nname = \"x\"\n[package.metadata.snakebridge]\nvenv = 3\n")
            .unwrap();
        let err = VenvSearch::new(&p.0).find(no_env).unwrap_err();
        assert!(err.to_string().contains("Cargo.toml") && err.message.contains("must be a string"), "{err}");
        let venv = Venv { path: p.0.join("nothing"), source: VenvSource::CargoMetadata };
        let message = venv.check().unwrap_err();
        assert!(message.contains("[package.metadata.snakebridge]") && message.contains("python3 -m venv"), "{message}");
    }

    #[test]
    fn pyvenv_cfg_keys_are_read_as_site_reads_them() {
        let cfg = PyvenvCfg::parse("home = /opt/py/bin\ninclude-system-site-packages = false\nversion = 3.11.7\nexecutable=/opt/py/bin/python3.11\n");
        assert_eq!(cfg.home, Some(PathBuf::from("/opt/py/bin")));
        assert_eq!(cfg.version.as_deref(), Some("3.11.7"));
        assert_eq!(cfg.executable, Some(PathBuf::from("/opt/py/bin/python3.11")));
        assert_eq!(PyvenvCfg::parse("version_info = 3.12.1.final.0\n").version.as_deref(), Some("3.12.1.final.0"));
    }

    #[test]
    fn python_path_is_read_relative_to_its_cargo_toml() {
        let p = project("pypath");
        std::fs::write(
            p.0.join("Cargo.toml"),
            "[package]\nname = \"x\"\n[package.metadata.snakebridge]\npython_path = [\"python\", \"vendor/py\"]\n",
        )
        .unwrap();
        let sub = p.0.join("src");
        std::fs::create_dir_all(&sub).unwrap();
        let dirs = cargo_python_path_setting(&sub).unwrap();
        assert_eq!(dirs, vec![absolute(p.0.join("python")), absolute(p.0.join("vendor/py"))]);
        std::fs::write(p.0.join("Cargo.toml"), "[package.metadata.snakebridge]\npython_path = \"python\"\n").unwrap();
        let err = cargo_python_path_setting(&sub).unwrap_err();
        assert!(err.to_string().contains("must be a list of directories"), "{err}");
        std::fs::write(p.0.join("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
        assert!(cargo_python_path_setting(&sub).unwrap().is_empty());
    }
}
