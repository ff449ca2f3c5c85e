//! Refreshing or checking every manifest of a crate at once: the library side of
//! `cargo snakebridge prepare [--check]`. Each manifest is re-introspected from the
//! configuration stored inside it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

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
///
/// Runs up to `SNAKEBRIDGE_INTROSPECT_MAX_CONCURRENCY` introspections at once (see `max_concurrency_from_env`).
pub fn prepare(crate_dir: &Path, mode: &Mode, check_only: bool) -> Vec<Entry> {
    prepare_with(crate_dir, mode, check_only, max_concurrency_from_env(|name| std::env::var(name).ok()))
}

/// How many introspections [`prepare`] runs at once: `SNAKEBRIDGE_INTROSPECT_MAX_CONCURRENCY`,
/// by default the number of CPUs (the seed's `introspector_max_concurrency`).
pub fn max_concurrency_from_env(env: impl Fn(&str) -> Option<String>) -> usize {
    env("SNAKEBRIDGE_INTROSPECT_MAX_CONCURRENCY")
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// [`prepare`] with at most `concurrency` introspection processes at a time; the entries come
/// back in file-name order whatever order they finish in.
pub fn prepare_with(crate_dir: &Path, mode: &Mode, check_only: bool, concurrency: usize) -> Vec<Entry> {
    let dir = crate_dir.join(DIR_NAME);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect()
        })
        .unwrap_or_default();
    paths.sort();
    let next = AtomicUsize::new(0);
    let statuses: Vec<Mutex<Option<Status>>> = paths.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..concurrency.clamp(1, paths.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = paths.get(i) else { break };
                let status = one(crate_dir, path, mode, check_only);
                *statuses[i].lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(status);
            });
        }
    });
    paths
        .into_iter()
        .zip(statuses)
        .map(|(path, status)| {
            let status = status
                .into_inner()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .expect("every manifest was prepared");
            Entry { path, status }
        })
        .collect()
}

fn one(crate_dir: &Path, path: &Path, mode: &Mode, check_only: bool) -> Status {
    let manifest = match read(path) {
        Ok(Some(m)) => m,
        Ok(None) => {
            return Status::Failed(Error::CorruptManifest { path: path.into(), message: "it disappeared".into() })
        }
        Err(e) => return Status::Failed(e),
    };
    let expected_name = manifest.config.manifest_file_name();
    if path.file_name().is_some_and(|n| n.to_string_lossy() != expected_name) {
        return Status::Failed(Error::CorruptManifest {
            path: path.into(),
            message: format!("its configuration belongs in `{expected_name}`; it was renamed or edited by hand"),
        });
    }
    let reason = staleness(&manifest, &manifest.config, crate_dir, mode.python.venv.as_deref(), true);
    let fresh = match introspect(&mode.python, &manifest.config, mode.timeout) {
        Ok(result) => Manifest::new(&manifest.config, result, crate_dir),
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

#[cfg(test)]
mod tests {
    use super::max_concurrency_from_env;

    #[test]
    fn concurrency_defaults_to_the_cpus_and_reads_the_environment() {
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(max_concurrency_from_env(|_| None), cpus);
        assert_eq!(max_concurrency_from_env(|_| Some(" 3 ".into())), 3);
        assert_eq!(max_concurrency_from_env(|_| Some("0".into())), cpus);
        assert_eq!(max_concurrency_from_env(|_| Some("many".into())), cpus);
    }
}
