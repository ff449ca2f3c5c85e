//! Which packages a command covers, found the way cargo finds them: `cargo metadata
//! --format-version 1 --no-deps` from the current directory (or `--manifest-path`).
//!
//! Read with `serde_json` into the few fields used rather than with the `cargo_metadata`
//! crate: `--no-deps` output, four fields, and serde_json is already in the build.
//!
//! The rule, as cargo's own commands: `-p NAME` selects members by name; otherwise the package
//! whose manifest was named or found is the one covered; at a virtual workspace root (no
//! package of its own) every member that uses snakebridge is covered: one with
//! `[package.metadata.snakebridge]` or a `.snakebridge/` directory.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use snakebridge_meta::manifest::DIR_NAME;

/// A package a command runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The package's name.
    pub name: String,
    /// Its `Cargo.toml`.
    pub manifest_path: PathBuf,
    /// Why it is covered (for `-vv`).
    pub why: &'static str,
}

/// The packages covered and where their workspace is.
#[derive(Debug, Clone)]
pub struct Selection {
    /// The packages, each run in turn.
    pub members: Vec<Member>,
    /// The workspace's root `Cargo.toml` (for `cargo check`).
    pub workspace_manifest: PathBuf,
    /// The workspace's target directory (honours `CARGO_TARGET_DIR` and `build.target-dir`).
    pub target_directory: PathBuf,
}

/// What `cargo metadata` says, the fields used.
#[derive(Debug, Deserialize)]
struct Metadata {
    packages: Vec<Package>,
    workspace_root: PathBuf,
    target_directory: PathBuf,
}

#[derive(Debug, Deserialize)]
struct Package {
    name: String,
    manifest_path: PathBuf,
    #[serde(default)]
    metadata: Option<serde_json::Value>,
}

impl Package {
    fn uses_snakebridge(&self) -> Option<&'static str> {
        let dir = self.manifest_path.parent().unwrap_or(Path::new("."));
        if self.metadata.as_ref().and_then(|m| m.get("snakebridge")).is_some() {
            Some("it has [package.metadata.snakebridge]")
        } else if dir.join(DIR_NAME).is_dir() {
            Some("it has a .snakebridge/ directory")
        } else {
            None
        }
    }
}

/// Why no package could be selected; every message names the fix.
#[derive(Debug, thiserror::Error)]
pub enum SelectError {
    /// `cargo metadata` could not run or rejected the manifest.
    #[error("cargo metadata failed for {at}: {message}; fix the Cargo.toml (or pass --manifest-path to another one)")]
    Metadata {
        /// The manifest or directory it ran on.
        at: String,
        /// cargo's own message.
        message: String,
    },
    /// `--manifest-path` names no file.
    #[error("cannot read {0}: no such file; pass --manifest-path the path of a Cargo.toml")]
    NoManifest(PathBuf),
    /// `-p` names no member.
    #[error("no package `{name}` in the workspace at {root}{hint}; members: {members}")]
    UnknownPackage {
        /// The name given.
        name: String,
        /// The workspace root.
        root: String,
        /// "; did you mean `x`?" or nothing.
        hint: String,
        /// The members' names.
        members: String,
    },
    /// At a workspace root, no member uses snakebridge.
    #[error("no member of the workspace at {0} uses snakebridge (none has [package.metadata.snakebridge] or a .snakebridge/ directory); run the command in a member's directory or pass -p NAME")]
    NoMember(String),
}

/// The packages to run on.
pub fn select(manifest_path: Option<&Path>, packages: &[String]) -> Result<Selection, SelectError> {
    let metadata = metadata(manifest_path)?;
    let members = members(&metadata, manifest_path, packages)?;
    Ok(Selection {
        members,
        workspace_manifest: metadata.workspace_root.join("Cargo.toml"),
        target_directory: metadata.target_directory,
    })
}

fn members(metadata: &Metadata, manifest_path: Option<&Path>, packages: &[String]) -> Result<Vec<Member>, SelectError> {
    let root = metadata.workspace_root.display().to_string();
    if !packages.is_empty() {
        return packages
            .iter()
            .map(|name| {
                let found = metadata.packages.iter().find(|p| &p.name == name);
                found.map(|p| member(p, "-p names it")).ok_or_else(|| {
                    let names: Vec<&str> = metadata.packages.iter().map(|p| p.name.as_str()).collect();
                    let hint = snakebridge_meta::suggest::closest(name, names.iter().copied())
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    SelectError::UnknownPackage {
                        name: name.clone(),
                        root: root.clone(),
                        hint,
                        members: names.join(", "),
                    }
                })
            })
            .collect();
    }
    let own = own_manifest(manifest_path);
    if let Some(p) = own.as_ref().and_then(|own| metadata.packages.iter().find(|p| same_file(&p.manifest_path, own))) {
        return Ok(vec![member(p, "its Cargo.toml is the one named or found")]);
    }
    let members: Vec<Member> =
        metadata.packages.iter().filter_map(|p| p.uses_snakebridge().map(|why| member(p, why))).collect();
    if members.is_empty() {
        return Err(SelectError::NoMember(root));
    }
    Ok(members)
}

fn member(p: &Package, why: &'static str) -> Member {
    Member { name: p.name.clone(), manifest_path: p.manifest_path.clone(), why }
}

fn metadata(manifest_path: Option<&Path>) -> Result<Metadata, SelectError> {
    if let Some(path) = manifest_path {
        if !path.is_file() {
            return Err(SelectError::NoManifest(path.to_path_buf()));
        }
    }
    // Under `cargo snakebridge`, CARGO is the cargo that ran us (the same toolchain).
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["metadata", "--format-version", "1", "--no-deps", "--offline"]);
    if let Some(path) = manifest_path {
        cmd.arg("--manifest-path").arg(path);
    }
    let at = manifest_path
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| std::env::current_dir().map(|d| d.display().to_string()).unwrap_or_else(|_| ".".into()));
    let out = cmd
        .output()
        .map_err(|e| SelectError::Metadata { at: at.clone(), message: format!("cannot run cargo: {e}") })?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let message = stderr.trim().trim_start_matches("error: ").to_string();
        return Err(SelectError::Metadata { at, message });
    }
    serde_json::from_slice(&out.stdout)
        .map_err(|e| SelectError::Metadata { at, message: format!("unreadable output ({e})") })
}

/// The Cargo.toml cargo would use: the one named, else the nearest one above the current
/// directory.
fn own_manifest(manifest_path: Option<&Path>) -> Option<PathBuf> {
    match manifest_path {
        Some(p) => Some(p.to_path_buf()),
        None => {
            let cwd = std::env::current_dir().ok()?;
            cwd.ancestors().map(|d| d.join("Cargo.toml")).find(|p| p.is_file())
        }
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
