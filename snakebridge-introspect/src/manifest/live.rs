//! The live set: which manifests the crates' `#[python_module]`s use. `cargo snakebridge
//! prepare` drives `cargo check` with [`RECORD_ENV`] set to a file; every expansion appends the
//! path of the manifest it uses (whether the file exists or not), so the CLI learns which
//! files to create and which are orphans (as sqlx's `prepare` collects its queries).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The variable that names the file expansions append their manifest paths to. Set only by
/// `cargo snakebridge prepare`; a build without it records nothing.
pub const RECORD_ENV: &str = "SNAKEBRIDGE_PREPARE_RECORD";

/// Appends `manifest` to the file named by [`RECORD_ENV`], if set. One short line per write
/// with `O_APPEND`, so parallel rustc processes do not interleave. A failure to record is
/// reported by the CLI (the manifest then counts as an orphan or missing), never by the build.
pub fn record(env: &dyn Fn(&str) -> Option<String>, manifest: &Path) {
    let Some(file) = env(RECORD_ENV).filter(|v| !v.is_empty()) else { return };
    let line = format!("{}\n", manifest.display());
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&file)
        .and_then(|mut f| f.write_all(line.as_bytes()));
    if let Err(e) = written {
        tracing::debug!("could not record {} in {file}: {e}", manifest.display());
    }
}

/// The manifests recorded in `file` (none when it does not exist).
pub fn read_record(file: &Path) -> BTreeSet<PathBuf> {
    std::fs::read_to_string(file)
        .map(|text| text.lines().filter(|l| !l.is_empty()).map(PathBuf::from).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansions_append_and_the_cli_reads_the_set() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("live.txt");
        let value = file.to_string_lossy().into_owned();
        let env = move |name: &str| (name == RECORD_ENV).then(|| value.clone());
        record(&env, Path::new("/a/.snakebridge/json-1.json"));
        record(&env, Path::new("/a/.snakebridge/math-2.json"));
        record(&env, Path::new("/a/.snakebridge/json-1.json"));
        record(&|_| None, Path::new("/never"));
        let set = read_record(&file);
        assert_eq!(set.len(), 2);
        assert!(set.contains(Path::new("/a/.snakebridge/math-2.json")));
        assert!(read_record(&dir.path().join("none.txt")).is_empty());
    }
}
