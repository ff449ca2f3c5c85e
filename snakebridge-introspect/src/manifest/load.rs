//! The ordered decision of where an expansion's manifest comes from: a fresh file is used as
//! it is (no process started); otherwise offline and strict builds fail with the fix, and
//! other builds introspect and write the file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::freshness::staleness;
use super::{read, write_if_changed, Manifest, Staleness, DIR_NAME};
use crate::config::LibraryConfig;
use crate::error::Error;
use crate::introspect::{find_python, introspect, timeout_from_env, PythonEnv};

/// How the cache may be used, from the environment.
#[derive(Debug, Clone)]
pub struct Mode {
    /// `SNAKEBRIDGE_OFFLINE=1`: never run Python; installed versions are not checked.
    pub offline: bool,
    /// `SNAKEBRIDGE_STRICT=1`: fail instead of regenerating.
    pub strict: bool,
    /// The introspection timeout.
    pub timeout: Duration,
    /// The Python that introspects.
    pub python: PythonEnv,
}

impl Mode {
    /// The mode for the crate in `crate_dir`, read from the environment through `env`.
    pub fn from_env(crate_dir: &Path, env: impl Fn(&str) -> Option<String>) -> Self {
        let flag = |name: &str| env(name).is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes"));
        Mode {
            offline: flag("SNAKEBRIDGE_OFFLINE"),
            strict: flag("SNAKEBRIDGE_STRICT"),
            timeout: timeout_from_env(&env),
            python: find_python(crate_dir, &env),
        }
    }
}

/// Where a loaded manifest came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A fresh file: no process was started.
    Cache,
    /// Introspected now (and written if it changed).
    Introspected,
}

/// A manifest ready to render, and the file it lives in.
#[derive(Debug)]
pub struct Loaded {
    /// The manifest.
    pub manifest: Manifest,
    /// Its file, which the expansion includes so that cargo rebuilds when it changes.
    pub path: PathBuf,
    /// Whether it was read or introspected.
    pub origin: Origin,
}

/// The manifest for `config` in `crate_dir/.snakebridge/`.
pub fn load(crate_dir: &Path, config: &LibraryConfig, mode: &Mode) -> Result<Loaded, Error> {
    let path = crate_dir.join(DIR_NAME).join(config.manifest_file_name());
    let reason = match read(&path)? {
        Some(manifest) => match staleness(&manifest, config, crate_dir, mode.python.venv.as_deref(), !mode.offline) {
            None => {
                return Ok(Loaded { manifest: with_current_docs(manifest, &path, mode), path, origin: Origin::Cache })
            }
            Some(reason) => reason,
        },
        None => Staleness::Missing,
    };
    if mode.offline {
        return Err(Error::Offline { path, reason: reason.describe() });
    }
    if mode.strict {
        return Err(Error::Strict { path, reason: reason.describe() });
    }
    let result = introspect(&mode.python, config, mode.timeout)?;
    let manifest = Manifest::new(config, result, crate_dir);
    write_if_changed(&path, &manifest)?;
    Ok(Loaded { manifest, path, origin: Origin::Introspected })
}

/// `manifest` with rustdoc pages from this converter: older pages are converted again from the
/// stored docstrings (no Python needed) and the file rewritten, except in offline and strict
/// builds, which never write the committed manifests (`cargo snakebridge prepare` does).
fn with_current_docs(mut manifest: Manifest, path: &Path, mode: &Mode) -> Manifest {
    if manifest.docs_are_current() {
        return manifest;
    }
    manifest.render_docs();
    if !mode.offline && !mode.strict {
        // A read-only checkout still builds: the pages are in memory either way.
        if let Err(e) = write_if_changed(path, &manifest) {
            tracing::debug!("could not rewrite {}: {e}", path.display());
        }
    }
    manifest
}
