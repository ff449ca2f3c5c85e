//! The rustdoc pages stored in manifests: written with the manifest, identical to what the
//! expansion would convert itself, and converted again (without Python) when the converter's
//! version changes.

use std::path::{Path, PathBuf};
use std::time::Duration;

use snakebridge_introspect::generate::{doc_text, module_items};
use snakebridge_introspect::introspect::{find_python, PythonEnv};
use snakebridge_introspect::manifest::{load, read, write_if_changed, Mode, Origin, DOCS_VERSION};

fn committed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../snakebridge/.snakebridge")
}

fn committed() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(committed_dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    paths
}

#[test]
fn committed_manifests_hold_current_docs() {
    for path in committed() {
        let manifest = read(&path).unwrap().unwrap();
        let mut again = manifest.clone();
        again.render_docs();
        assert!(
            manifest.docs_are_current() && again == manifest,
            "{} holds rustdoc pages of another converter: bump manifest::DOCS_VERSION if the converter changed, then run `cargo snakebridge prepare`",
            path.display()
        );
    }
}

#[test]
fn stored_pages_expand_exactly_like_converting_the_docstrings() {
    for path in committed() {
        let manifest = read(&path).unwrap().unwrap();
        let mut bare = manifest.introspection.clone();
        doc_text::clear_all(&mut bare);
        assert!(bare != manifest.introspection, "{}: pages are stored", path.display());
        let stored = module_items(&manifest.introspection, &[]).to_string();
        let converted = module_items(&bare, &[]).to_string();
        assert!(stored == converted, "{}: stored pages differ from the converted docstrings", path.display());
    }
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn mode(offline: bool) -> Mode {
    let python: PythonEnv = find_python(Path::new(env!("CARGO_MANIFEST_DIR")), |n| std::env::var(n).ok());
    Mode { offline, strict: false, timeout: Duration::from_secs(30), python }
}

#[test]
fn pages_of_another_converter_are_converted_again_without_python() {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let dir = TempDir(std::env::temp_dir().join(format!("sb-docs-{}-{nanos}", std::process::id())));
    let source = committed()
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("json.")))
        .unwrap();
    let mut old = read(&source).unwrap().unwrap();
    old.docs_version = 0;
    doc_text::clear_all(&mut old.introspection);
    let path = dir.0.join(".snakebridge").join(old.config.manifest_file_name());
    write_if_changed(&path, &old).unwrap();

    // Offline: converted in memory only, the file is left alone.
    let loaded = load(&dir.0, &old.config, &mode(true)).unwrap();
    assert_eq!(loaded.origin, Origin::Cache);
    assert_eq!(loaded.manifest.docs_version, DOCS_VERSION);
    assert!(loaded.manifest.introspection.functions.iter().any(|f| f.rustdoc.is_some()));
    assert_eq!(read(&path).unwrap().unwrap(), old);

    // Otherwise the file is rewritten with the new pages (still no Python: the origin is the cache).
    let loaded = load(&dir.0, &old.config, &mode(false)).unwrap();
    assert_eq!(loaded.origin, Origin::Cache);
    assert_eq!(read(&path).unwrap().unwrap(), loaded.manifest);
    assert_eq!(read(&source).unwrap().unwrap(), loaded.manifest, "the same pages as the committed manifest");
}
