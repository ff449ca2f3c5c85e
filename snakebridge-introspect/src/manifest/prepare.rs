//! Refreshing or checking every manifest of a crate at once: the library side of
//! `cargo snakebridge prepare [--check]`. Each manifest is re-introspected from the
//! configuration stored inside it.

use std::path::{Path, PathBuf};

use super::freshness::staleness;
use super::{read, write_if_changed, Manifest, Mode, Staleness, DIR_NAME};
use crate::error::Error;
use crate::introspect::introspect;

/// What happened to one manifest.
#[derive(Debug)]
pub enum Status {
    /// Up to date: re-introspecting gives the same content.
    Fresh,
    /// Rewritten because its content changed (refresh only).
    Updated,
    /// Out of date (check only): the reason, or `None` when only the introspected content differs.
    Stale(Option<Staleness>),
    /// Could not be read or regenerated.
    Failed(Error),
}

/// One manifest file and its status.
#[derive(Debug)]
pub struct Entry {
    /// The file.
    pub path: PathBuf,
    /// What happened.
    pub status: Status,
}

impl Entry {
    /// Whether a `--check` run should fail because of this entry.
    pub fn is_problem(&self) -> bool {
        matches!(self.status, Status::Stale(_) | Status::Failed(_))
    }
}

/// Re-introspects every manifest in `crate_dir/.snakebridge/`. With `check_only` nothing is
/// written and out-of-date manifests are reported as [`Status::Stale`]; otherwise changed
/// ones are rewritten. Needs Python either way (offline mode is ignored).
pub fn prepare(crate_dir: &Path, mode: &Mode, check_only: bool) -> Vec<Entry> {
    let dir = crate_dir.join(DIR_NAME);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect())
        .unwrap_or_default();
    paths.sort();
    paths.into_iter().map(|path| Entry { status: one(&path, mode, check_only), path }).collect()
}

fn one(path: &Path, mode: &Mode, check_only: bool) -> Status {
    let manifest = match read(path) {
        Ok(Some(m)) => m,
        Ok(None) => return Status::Failed(Error::CorruptManifest { path: path.into(), message: "it disappeared".into() }),
        Err(e) => return Status::Failed(e),
    };
    let expected_name = manifest.config.manifest_file_name();
    if path.file_name().is_some_and(|n| n.to_string_lossy() != expected_name) {
        return Status::Failed(Error::CorruptManifest {
            path: path.into(),
            message: format!("its configuration belongs in `{expected_name}`; it was renamed or edited by hand"),
        });
    }
    let reason = staleness(&manifest, &manifest.config, mode.python.venv.as_deref(), true);
    let fresh = match introspect(&mode.python, &manifest.config, mode.timeout) {
        Ok(result) => Manifest::new(&manifest.config, result),
        Err(e) => return Status::Failed(e.into()),
    };
    let same = fresh == manifest;
    match (check_only, same) {
        (_, true) => Status::Fresh,
        (true, false) => Status::Stale(reason),
        (false, false) => match write_if_changed(path, &fresh) {
            Ok(_) => Status::Updated,
            Err(e) => Status::Failed(e),
        },
    }
}
