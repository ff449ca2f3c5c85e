//! Which packages `cargo snakebridge` covers (found with `cargo metadata`), and the exit codes
//! of the command line: at a virtual workspace root every member that uses snakebridge is
//! checked, so `prepare --check` there fails when any member's manifest is broken.

use std::path::Path;
use std::process::{Command, Output};

fn cli(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-snakebridge"))
        .arg("snakebridge")
        .args(args)
        .current_dir(dir)
        .env_remove("SNAKEBRIDGE_STRICT")
        .env_remove("SNAKEBRIDGE_OFFLINE")
        .output()
        .expect("cargo-snakebridge runs")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A virtual workspace: `broken` has a corrupt manifest in `.snakebridge/`, `declared` has
/// `[package.metadata.snakebridge]` and no manifests, `plain` does not use snakebridge.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("Cargo.toml"), "[workspace]\nresolver = \"2\"\nmembers = [\"broken\", \"declared\", \"plain\"]\n");
    for name in ["broken", "declared", "plain"] {
        let extra = if name == "declared" { "\n[package.metadata.snakebridge]\npython_deps = {}\n" } else { "" };
        write(
            &root.join(name).join("Cargo.toml"),
            &format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n{extra}"),
        );
        write(&root.join(name).join("src/lib.rs"), "");
    }
    write(&root.join("broken/.snakebridge/json-0000.json"), "not json\n");
    dir
}

#[test]
fn prepare_check_at_a_workspace_root_covers_every_member_that_uses_snakebridge() {
    let ws = workspace();
    let out = cli(ws.path(), &["prepare", "--check", "-vv"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "a broken member fails the whole check: {t}");
    assert!(t.contains("── broken") && t.contains("✗ json-0000.json"), "{t}");
    assert!(t.contains("── declared") && t.contains("no manifests in"), "{t}");
    assert!(!t.contains("── plain"), "a member without snakebridge is left out: {t}");
    assert!(t.contains("covering declared") && t.contains("[package.metadata.snakebridge]"), "-vv says why: {t}");

    // In a member's directory, or with -p, only that member.
    let out = cli(&ws.path().join("declared"), &["prepare", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = cli(ws.path(), &["prepare", "--check", "-p", "declared", "-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(text(&out), "", "-q prints only problems");
    let manifest = ws.path().join("broken/Cargo.toml");
    let out = cli(&ws.path().join("declared"), &["prepare", "--check", "--manifest-path", manifest.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let out = cli(ws.path(), &["prepare", "--check", "-p", "broken", "--color", "always"]);
    assert!(text(&out).contains("\u{1b}[31m✗\u{1b}[0m json-0000.json"), "{}", text(&out));
}

#[test]
fn bad_selections_and_bad_command_lines_get_their_exit_codes() {
    let ws = workspace();
    let out = cli(ws.path(), &["prepare", "-p", "declard"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("no package `declard`") && text(&out).contains("did you mean `declared`"));

    // A workspace none of whose members uses snakebridge: nothing to check is an error that says why.
    std::fs::remove_dir_all(ws.path().join("broken/.snakebridge")).unwrap();
    write(
        &ws.path().join("declared/Cargo.toml"),
        "[package]\nname = \"declared\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    let out = cli(ws.path(), &["prepare", "--check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("no member of the workspace") && text(&out).contains("-p NAME"), "{}", text(&out));

    // Not a cargo project at all.
    let empty = tempfile::tempdir().unwrap();
    let out = cli(empty.path(), &["doctor"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("cargo metadata failed") && text(&out).contains("Cargo.toml"), "{}", text(&out));

    let out = cli(ws.path(), &["prepare", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out).contains("--check") && text(&out).contains("--manifest-path"), "{}", text(&out));
    let out = cli(ws.path(), &["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out).contains(env!("CARGO_PKG_VERSION")));
    for args in [&["prepare", "--frobnicate"][..], &["frobnicate"], &[], &["doctor", "--color", "sometimes"]] {
        let out = cli(ws.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
    }
}
