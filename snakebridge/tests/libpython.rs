//! The loaded `libpython` is compared with the one the build linked and the venv's base.
//!
//! This package's build gives its test binaries an rpath to the linked library
//! (`snakebridge/build.rs`), so they load it; the mismatch case runs this binary again with
//! `LD_LIBRARY_PATH` pointing at another installation's library of the same soname, as a
//! loader without the rpath would pick it.

use std::path::{Path, PathBuf};
use std::process::Command;

use snakebridge::interpreter::{libpython_report, linked_libdir};

#[test]
fn this_build_loads_the_library_it_linked() {
    let report = libpython_report(None);
    let loaded = report.loaded.clone().expect("libpython is a shared library here");
    let linked = linked_libdir().expect("pyo3 reports the library directory");
    assert_eq!(
        std::fs::canonicalize(loaded.parent().unwrap()).unwrap(),
        std::fs::canonicalize(linked).unwrap(),
        "{report:?}"
    );
    assert!(report.problems.is_empty(), "{report:?}");
    assert!(report.loaded_version.starts_with(&report.linked_version), "{report:?}");
}

/// Another `libpython` with the loaded one's file name, in the system's library directories.
fn other_libpython() -> Option<PathBuf> {
    let loaded = libpython_report(None).loaded?;
    let name = loaded.file_name()?.to_owned();
    let ours = std::fs::canonicalize(&loaded).ok()?;
    ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"]
        .iter()
        .map(|d| Path::new(d).join(&name))
        .find(|p| p.is_file() && std::fs::canonicalize(p).ok().as_ref() != Some(&ours))
}

#[test]
#[ignore = "run as a child process by another_library_of_the_same_soname_is_named_with_the_fix"]
fn child_starts_and_calls() {
    if std::env::var_os("SB_CHILD").is_none() {
        return;
    }
    tracing_subscriber::fmt().with_writer(std::io::stderr).init();
    let report = libpython_report(None);
    println!("PROBLEMS {}", report.problems.len());
    let root: f64 = snakebridge::call("math", "sqrt", (16,)).unwrap().extract().unwrap();
    println!("CALLED {root}");
}

#[test]
fn another_library_of_the_same_soname_is_named_with_the_fix() {
    let Some(other) = other_libpython() else {
        eprintln!("skipped: no second libpython of this soname on this machine");
        return;
    };
    let dir = other.parent().unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_starts_and_calls", "--nocapture", "--include-ignored"])
        .env("SB_CHILD", "1")
        .env("LD_LIBRARY_PATH", dir)
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let linked = linked_libdir().unwrap().display().to_string();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("PROBLEMS 1"), "{text}");
    assert!(text.contains("WARN") && text.contains(&*other.to_string_lossy()) && text.contains(&linked), "{text}");
    assert!(text.contains("build::rpath()") && text.contains("LD_LIBRARY_PATH"), "{text}");
    assert!(text.contains("CALLED 4"), "the host keeps working: {text}");
}
