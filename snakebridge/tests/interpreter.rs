//! Starting the embedded interpreter: venv discovery and clear start-up errors.
//!
//! Start-up happens once per process, so the failure cases run this test binary again as a
//! child process with the environment under test.

use std::process::Command;

use snakebridge::{call, get, Value};

/// Runs the test `name` of this binary in a child process with `env`, returning its output.
fn child(name: &str, env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", name, "--nocapture", "--include-ignored"]).env("SB_CHILD", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "child {name} failed:\n{text}");
    text
}

#[test]
fn the_project_venv_is_found_and_its_packages_import() {
    // scripts/test creates .venv at the workspace root and installs numpy into it; the runtime
    // finds it by walking up from the working directory (or takes SNAKEBRIDGE_VENV).
    let info = snakebridge::init(snakebridge::RuntimeConfig::default()).unwrap();
    let (venv, source) = info.venv.clone().expect("a venv was found");
    assert!(venv.join("pyvenv.cfg").is_file(), "{venv:?} via {source:?}");
    let path: Vec<String> = get("sys", "path").unwrap().extract().unwrap();
    assert!(path.iter().any(|p| p.starts_with(&*venv.to_string_lossy()) && p.ends_with("site-packages")), "{path:?}");
    let version: String = get("numpy", "__version__").unwrap().extract().unwrap();
    assert!(!version.is_empty());
    assert_eq!(info.version_info.0, 3);
}

#[test]
#[ignore = "run as a child process by bad_environment_gives_clear_errors"]
fn child_expects_start_error() {
    if std::env::var_os("SB_CHILD").is_none() {
        return;
    }
    let err = call("math", "sqrt", (4,)).unwrap_err();
    assert!(matches!(err, snakebridge::Error::Interpreter { .. }), "{err:?}");
    println!("START ERROR: {err}");
    // Every later call says the same instead of crashing.
    assert!(matches!(get("math", "pi"), Err(snakebridge::Error::Interpreter { .. })));
}

#[test]
fn bad_environment_gives_clear_errors() {
    let out = child("child_expects_start_error", &[("SNAKEBRIDGE_VENV", "/nonexistent/venv")]);
    assert!(
        out.contains("SNAKEBRIDGE_VENV is /nonexistent/venv but that is not a venv") && out.contains("python3 -m venv"),
        "{out}"
    );
    let gone = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(gone.path().join("lib/python3.11/site-packages")).unwrap();
    std::fs::create_dir_all(gone.path().join("lib/python3.12/site-packages")).unwrap();
    std::fs::write(gone.path().join("pyvenv.cfg"), "home = /nonexistent/python/bin\nversion = 3.11.7\n").unwrap();
    let out = child("child_expects_start_error", &[("SNAKEBRIDGE_VENV", gone.path().to_str().unwrap())]);
    assert!(
        out.contains("made by a Python in /nonexistent/python/bin which no longer exists")
            && out.contains("-m venv --clear"),
        "{out}"
    );
    let out = child("child_expects_start_error", &[("PYTHONHOME", "/nonexistent/python")]);
    assert!(out.contains("PYTHONHOME is set to /nonexistent/python") && out.contains("unset PYTHONHOME"), "{out}");
}

#[test]
#[ignore = "run as a child process by snakebridge_venv_takes_precedence"]
fn child_reports_venv() {
    if std::env::var_os("SB_CHILD").is_none() {
        return;
    }
    let info = snakebridge::init(snakebridge::RuntimeConfig::default()).unwrap();
    println!("VENV: {:?}", info.venv);
    assert_eq!(call("math", "sqrt", (4,)).unwrap(), Value::Float(2.0));
}

#[test]
fn snakebridge_venv_takes_precedence() {
    let dir = std::env::temp_dir().join(format!("sb-explicit-venv-{}", std::process::id()));
    let status = Command::new("python3").args(["-m", "venv", "--without-pip"]).arg(&dir).status().unwrap();
    assert!(status.success());
    let out =
        child("child_reports_venv", &[("SNAKEBRIDGE_VENV", dir.to_str().unwrap()), ("VIRTUAL_ENV", "/elsewhere")]);
    assert!(out.contains(&format!("VENV: Some(({:?}, EnvVar))", dir)), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
#[ignore = "run as a child process by python_path_dirs_import_without_pythonpath"]
fn child_imports_from_python_path() {
    if std::env::var_os("SB_CHILD").is_none() {
        return;
    }
    // tests/python is named by `python_path` in snakebridge/Cargo.toml, and PYTHONPATH is empty.
    let path: Vec<String> = get("sys", "path").unwrap().extract().unwrap();
    let count: i64 = snakebridge::call_as("sb_idempotent", "count", ("echo",)).unwrap();
    println!("IMPORTED count={count} first={}", path[0]);
}

#[test]
fn python_path_dirs_import_without_pythonpath() {
    let out = child("child_imports_from_python_path", &[("PYTHONPATH", "")]);
    let expected = std::path::absolute(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python")).unwrap();
    assert!(out.contains(&format!("IMPORTED count=0 first={}", expected.display())), "{out}");
}
