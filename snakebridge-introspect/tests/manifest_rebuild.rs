//! The real thing behind `manifest_tracking.rs`: a crate that uses `#[python_module]` is
//! rebuilt by cargo when snakebridge rewrites its manifest, and only then. The crate binds a
//! module with no members, so it needs only the macro crate (no interpreter, no runtime); it
//! builds in its own target directory under this workspace's `target/` (the first run compiles
//! the macro crate's dependencies there once).

use std::path::{Path, PathBuf};
use std::process::Command;

use snakebridge_introspect::config::LibraryConfig;
use snakebridge_introspect::manifest::{write_if_changed, Manifest};
use snakebridge_introspect::model::{Introspection, ModuleInfo, PackageInfo};

fn manifest(doc: &str) -> Manifest {
    let module = ModuleInfo {
        name: "sb_empty".into(),
        doc: Some(doc.into()),
        rustdoc: None,
        functions: Vec::new(),
        classes: Vec::new(),
        constants: Vec::new(),
        submodules: Vec::new(),
        missing: Vec::new(),
        available: Vec::new(),
    };
    let result = Introspection {
        schema_version: snakebridge_introspect::model::SCHEMA_VERSION,
        python_version: "3.11.0".into(),
        package: PackageInfo { distribution: None, version: "3.11.0".into(), ..Default::default() },
        module,
    };
    Manifest::new(&LibraryConfig::new("sb_empty"), result, Path::new("."))
}

/// Builds the crate; returns whether cargo found it fresh (not recompiled).
fn build(crate_dir: &Path, target: &Path) -> bool {
    let out = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--message-format=json", "--manifest-path"])
        .arg(crate_dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target)
        .env("SNAKEBRIDGE_OFFLINE", "1")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let line = stdout
        .lines()
        .find(|l| l.contains("\"compiler-artifact\"") && l.contains("sb_rebuild"))
        .expect("cargo reports the crate");
    let message: serde_json::Value = serde_json::from_str(line).unwrap();
    message["fresh"].as_bool().unwrap()
}

#[test]
fn cargo_rebuilds_when_the_manifest_is_rewritten() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let target = root.join("target/tests/manifest_rebuild");
    let dir: PathBuf = target.join(format!("crate-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let macros = root.join("snakebridge-macros").canonicalize().unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"sb_rebuild\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[dependencies]\nsnakebridge-macros = {{ path = {:?} }}\n\n[workspace]\n",
            macros.display().to_string()
        ),
    )
    .unwrap();
    std::fs::write(dir.join("src/lib.rs"), "#[snakebridge_macros::python_module(\"sb_empty\")]\npub mod m {}\n")
        .unwrap();
    let path = dir.join(".snakebridge").join(LibraryConfig::new("sb_empty").manifest_file_name());
    write_if_changed(&path, &manifest("First.")).unwrap();

    assert!(!build(&dir, &target), "the first build compiles the crate");
    assert!(build(&dir, &target), "nothing changed: the crate is fresh");
    // mtime granularity: the rewrite must be visibly newer than the last build.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert!(write_if_changed(&path, &manifest("Second.")).unwrap());
    assert!(!build(&dir, &target), "the rewritten manifest rebuilds the crate");
    assert!(build(&dir, &target), "and then it is fresh again");
    std::fs::remove_dir_all(&dir).unwrap();
}
