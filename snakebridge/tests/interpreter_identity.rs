//! The embedded interpreter is the venv's Python: `sys.executable`, `sys.prefix`,
//! `sys.base_prefix`, `site.getsitepackages()` and `sys.path` are what `<venv>/bin/python`
//! reports, for every way the venv is found and without one.
//!
//! Start-up happens once per process, so each case runs this test binary again as a child with
//! the environment (or working directory) under test; the parent asks the interpreter the child
//! reports as `sys.executable` the same questions in a subprocess and compares.

use std::path::{Path, PathBuf};
use std::process::Command;

use snakebridge::{call, RuntimeConfig};

/// A Python expression: the identity as JSON (sys.path without the working directory entry
/// that `python -c` puts first).
const PROBE: &str = "'IDENTITY ' + __import__('json').dumps({'executable': __import__('sys').executable, 'prefix': __import__('sys').prefix, 'base_prefix': __import__('sys').base_prefix, 'site': __import__('site').getsitepackages(), 'path': [p for p in __import__('sys').path if p]})";

/// A fresh venv (without pip: fast) made by the Python the build links, shared by the cases.
fn venv() -> &'static Path {
    static VENV: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    &VENV
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("env");
            let base = snakebridge::interpreter::linked_libdir()
                .and_then(|lib| lib.parent())
                .map(|prefix| prefix.join("bin").join("python3"))
                .filter(|p| p.is_file())
                .unwrap_or_else(|| PathBuf::from("python3"));
            let status = Command::new(base).args(["-m", "venv", "--without-pip"]).arg(&path).status().unwrap();
            assert!(status.success());
            (dir, path)
        })
        .1
}

/// Runs `child_reports_identity` in a child with `env` set (and the venv variables cleared),
/// in `cwd`; returns the identity it printed.
fn child(env: &[(&str, &Path)], cwd: &Path) -> serde_json::Value {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "child_reports_identity", "--nocapture", "--include-ignored"])
        .env("SB_CHILD", "1")
        .env_remove("SNAKEBRIDGE_VENV")
        .env_remove("VIRTUAL_ENV")
        .current_dir(cwd);
    for (k, v) in env {
        cmd.env(k, v);
    }
    identity(cmd)
}

fn identity(mut cmd: Command) -> serde_json::Value {
    let out = cmd.output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    let line =
        text.lines().find_map(|l| l.strip_prefix("IDENTITY ")).unwrap_or_else(|| panic!("no identity in:\n{text}"));
    serde_json::from_str(line).unwrap()
}

/// What `python -c PROBE` reports, run as a subprocess.
fn reported_by(python: &str, cwd: &Path) -> serde_json::Value {
    let mut cmd = Command::new(python);
    cmd.args(["-c", &format!("print({PROBE})")]).current_dir(cwd).env_remove("VIRTUAL_ENV");
    identity(cmd)
}

fn assert_same_as_its_python(embedded: &serde_json::Value, cwd: &Path) {
    let exe = embedded["executable"].as_str().unwrap();
    assert!(Path::new(exe).is_file(), "sys.executable {exe} is not a file");
    let shell = reported_by(exe, cwd);
    assert_eq!(embedded, &shell, "embedded (left) vs {exe} -c (right)");
}

#[test]
#[ignore = "run as a child process by the tests below"]
fn child_reports_identity() {
    if std::env::var_os("SB_CHILD").is_none() {
        return;
    }
    let config = match std::env::var_os("SB_CONFIG_VENV") {
        Some(v) => RuntimeConfig::with_venv(v),
        None => RuntimeConfig::default(),
    };
    let info = snakebridge::init(config).unwrap();
    println!("VENV {:?}", info.venv);
    let text: String =
        call("builtins", "eval", (PROBE, std::collections::HashMap::<String, i64>::new())).unwrap().extract().unwrap();
    println!("{text}");
}

#[test]
fn snakebridge_venv_gives_the_venv_identity() {
    let cwd = tempfile::tempdir().unwrap();
    let embedded = child(&[("SNAKEBRIDGE_VENV", venv())], cwd.path());
    assert_eq!(embedded["executable"], venv().join("bin/python").to_str().unwrap());
    assert_eq!(embedded["prefix"], venv().to_str().unwrap());
    assert_ne!(embedded["base_prefix"], embedded["prefix"]);
    assert_same_as_its_python(&embedded, cwd.path());
}

#[test]
fn a_venv_chosen_in_code_or_in_cargo_toml_gives_its_identity() {
    let cwd = tempfile::tempdir().unwrap();
    let embedded = child(&[("SB_CONFIG_VENV", venv())], cwd.path());
    assert_eq!(embedded["prefix"], venv().to_str().unwrap());
    assert_same_as_its_python(&embedded, cwd.path());

    let project = tempfile::tempdir().unwrap();
    std::fs::write(
        project.path().join("Cargo.toml"),
        format!(
            "[package]\nname = \"p\"\nversion = \"0.1.0\"\n\n[package.metadata.snakebridge]\nvenv = {:?}\n",
            venv()
        ),
    )
    .unwrap();
    let embedded = child(&[], project.path());
    assert_eq!(embedded["prefix"], venv().to_str().unwrap());
    assert_same_as_its_python(&embedded, project.path());
}

#[test]
fn a_project_dot_venv_and_virtual_env_give_their_identity() {
    let project = tempfile::tempdir().unwrap();
    let dot_venv = project.path().join(".venv");
    std::os::unix::fs::symlink(venv(), &dot_venv).unwrap();
    let embedded = child(&[], project.path());
    assert_eq!(
        embedded["prefix"],
        dot_venv.to_str().unwrap(),
        "found through the symlink, as `.venv/bin/python` reports"
    );
    assert_same_as_its_python(&embedded, project.path());

    let elsewhere = tempfile::tempdir().unwrap();
    let embedded = child(&[("VIRTUAL_ENV", venv())], elsewhere.path());
    assert_eq!(embedded["prefix"], venv().to_str().unwrap());
    assert_same_as_its_python(&embedded, elsewhere.path());
}

#[test]
fn without_a_venv_it_is_the_base_python() {
    let cwd = tempfile::tempdir().unwrap();
    let embedded = child(&[], cwd.path());
    assert_eq!(embedded["prefix"], embedded["base_prefix"], "{embedded}");
    assert_same_as_its_python(&embedded, cwd.path());
}
