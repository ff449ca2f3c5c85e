//! `cargo doc` of the bindings for numpy's whole top level passes with `-D warnings`: every
//! converted docstring is valid rustdoc (no broken links, no stray HTML, no Rust doctests).
//!
//! Builds a scratch crate that uses the committed numpy manifest offline, in its own target
//! directory under `target/` so that it does not wait on the test run's build lock.

use std::path::Path;
use std::process::Command;

#[test]
fn numpy_bindings_document_without_warnings() {
    let facade = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = facade.parent().unwrap();
    let scratch = workspace.join("target").join("numpy-rustdoc");
    let krate = scratch.join("crate");
    std::fs::create_dir_all(krate.join("src")).unwrap();
    std::fs::create_dir_all(krate.join(".snakebridge")).unwrap();
    let manifest = std::fs::read_dir(facade.join(".snakebridge"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("numpy."))
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .expect("the committed manifest of numpy's top level");
    std::fs::copy(&manifest, krate.join(".snakebridge").join(manifest.file_name().unwrap())).unwrap();
    std::fs::copy(workspace.join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();
    std::fs::write(
        krate.join("Cargo.toml"),
        format!(
            "[package]\nname = \"numpy-rustdoc\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nsnakebridge = {{ path = {:?} }}\n\n[workspace]\n",
            facade
        ),
    )
    .unwrap();
    std::fs::write(
        krate.join("src/lib.rs"),
        "//! numpy's top level.\n#[snakebridge::python_module(\"numpy\")]\npub mod np {}\n",
    )
    .unwrap();

    let out = Command::new(env!("CARGO"))
        .args(["doc", "--no-deps", "--offline", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .env("RUSTDOCFLAGS", "-D warnings")
        .env("SNAKEBRIDGE_OFFLINE", "1")
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "cargo doc failed:\n{log}");
    assert!(!log.contains("warning"), "{log}");
    let mean = std::fs::read_to_string(scratch.join("target/doc/numpy_rustdoc/np/fn.mean.html")).unwrap();
    assert!(
        mean.contains("Arguments") && mean.contains("arithmetic mean"),
        "np::mean is documented from its docstring"
    );
}
