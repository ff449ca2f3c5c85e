//! Compile-fail snapshots of `python!` diagnostics: each error points at the offending token.
//!
//! The `.stderr` files depend on the rustc version (spans and wording of rustc's own part);
//! regenerate them with `TRYBUILD=overwrite cargo test -p snakebridge --test python_macro_ui`
//! after a toolchain update and review the diff.

use std::path::PathBuf;

#[test]
fn python_macro_diagnostics() {
    install_math_manifests();
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/python_macro/*.rs");
}

/// trybuild compiles the cases as a crate of its own under `<target>/tests/trybuild/snakebridge`,
/// whose `.snakebridge/` is the one `python!` reads: the facade's committed `math` manifests
/// are copied there so that `unknown_name.rs` is checked against them.
fn install_math_manifests() {
    let facade = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(&facade)
        .output()
        .expect("cargo metadata runs");
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");
    let target = metadata["target_directory"].as_str().expect("cargo metadata names the target directory");
    let dest = PathBuf::from(target).join("tests/trybuild/snakebridge/.snakebridge");
    std::fs::create_dir_all(&dest).expect("create the trybuild crate's .snakebridge");
    let mut copied = 0;
    for entry in std::fs::read_dir(facade.join(".snakebridge")).expect("the facade has a .snakebridge").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("math.") && name.ends_with(".json") {
            std::fs::copy(entry.path(), dest.join(&name)).expect("copy a manifest");
            copied += 1;
        }
    }
    assert!(copied > 0, "snakebridge/.snakebridge holds no math manifest");
}
