//! `cargo snakebridge` end to end: a temporary project whose setup really creates a venv and
//! installs a small package from PyPI (`six`), the lock it writes, verify and doctor, and the
//! exit codes for bad input. uv-first: the venv is made and filled by uv (fetched from PyPI
//! into the tool cache when it is not on PATH), pip when `SNAKEBRIDGE_INSTALLER=pip`.
//! Needs Python 3 with the venv module and pip, and access to PyPI.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use snakebridge_env::{ensure, AutoInstall, BuildProfile, Lock, ProjectConfig, PythonEnv};
use snakebridge_runtime::Error;

fn cli(project: &Path, args: &[&str]) -> Output {
    cli_with(project, args, &[])
}

/// `cargo snakebridge` in `project` with `vars` set on top of a clean environment.
fn cli_with(project: &Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-snakebridge"));
    cmd.arg("snakebridge")
        .args(args)
        .current_dir(project)
        // The project's own .venv, not the one the test suite runs with.
        .env_remove("SNAKEBRIDGE_VENV")
        .env_remove("VIRTUAL_ENV")
        .env_remove("SNAKEBRIDGE_STRICT")
        .env_remove("SNAKEBRIDGE_AUTO_INSTALL")
        .env_remove("SNAKEBRIDGE_INSTALLER");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().expect("cargo-snakebridge runs")
}

/// `PATH` without any folder that holds a `uv`, so that setup has to fetch it.
fn path_without_uv() -> String {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).filter(|d| !d.join("uv").exists()).collect();
    std::env::join_paths(dirs).unwrap().into_string().unwrap()
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn project(deps: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!(
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\n\n[package.metadata.snakebridge.python_deps]\n{deps}"
        ),
    )
    .unwrap();
    // A package cargo accepts (`cargo metadata` needs a target).
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/lib.rs"), "").unwrap();
    dir
}

#[test]
fn setup_creates_a_venv_installs_six_and_writes_a_lock_that_verifies() {
    let dir = project("six = \">=1.16\"\njson = \"stdlib\"\n");
    let root = dir.path();
    // A manifest as #[python_module] leaves in .snakebridge/: doctor lists it, the lock records it.
    std::fs::create_dir(root.join(".snakebridge")).unwrap();
    std::fs::write(root.join(".snakebridge/six.json"), "{\"module\": \"six\", \"introspection\": {\"name\": \"six\", \"functions\": [{\"name\": \"ensure_str\"}, {\"name\": \"ensure_text\"}, {\"name\": \"iteritems\"}], \"submodules\": [{\"name\": \"six.moves\"}]}}\n").unwrap();

    let out = cli(root, &["setup", "--check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("no venv") && text(&out).contains("six>=1.16"), "{}", text(&out));

    let out = cli(root, &["setup"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("creating the venv") && text(&out).contains("installing six>=1.16"),
        "progress shown: {}",
        text(&out)
    );
    let venv = PythonEnv::new(root.join(".venv"));
    let import = Command::new(venv.python()).args(["-c", "import six; print(six.__version__)"]).output().unwrap();
    assert!(import.status.success(), "six imports in the new venv");
    let six_version = String::from_utf8(import.stdout).unwrap().trim().to_string();
    // uv made the venv (it signs pyvenv.cfg) and is not inside it.
    let cfg = std::fs::read_to_string(root.join(".venv/pyvenv.cfg")).unwrap();
    assert!(cfg.contains("\nuv = "), "made by uv venv: {cfg}");
    assert!(text(&out).contains("installed six>=1.16 with uv"), "{}", text(&out));
    assert!(!root.join(".venv/bin/uv").exists(), "uv lives in the tool cache, not the venv");

    let lock = Lock::load(&root.join("snakebridge.lock")).unwrap();
    assert_eq!(lock.python_packages.get("six"), Some(&six_version));
    assert!(lock.libraries["json"].stdlib);
    // The PEP 751 lock uv wrote, recorded with its hash and the files' hashes.
    let pylock = lock.pylock.as_ref().expect("uv writes pylock.toml");
    assert_eq!(pylock.file, "pylock.toml");
    let pylock_text = std::fs::read_to_string(root.join("pylock.toml")).unwrap();
    assert!(pylock_text.contains("lock-version = \"1.0\""), "{pylock_text}");
    assert_eq!(pylock.packages["six"].version, six_version);
    assert!(pylock.packages["six"].hashes.iter().all(|h| h.starts_with("sha256:") && h.len() == 71), "{pylock:?}");
    assert!(!pylock.packages["six"].hashes.is_empty());

    let out = cli(root, &["setup", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = cli(root, &["setup", "--upgrade"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("installing six>=1.16"),
        "--upgrade hands every package to the installer: {}",
        text(&out)
    );
    let out = cli(root, &["verify", "--strict", "--verbose"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("compatible") && text(&out).contains("ok: pylock.toml (1 package(s)"),
        "{}",
        text(&out)
    );
    // An edited pylock.toml no longer matches the hash the lock records.
    std::fs::write(root.join("pylock.toml"), pylock_text.replace(&six_version, "1.0.0")).unwrap();
    let out = cli(root, &["verify"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("pylock.toml changed since snakebridge.lock was written"), "{}", text(&out));
    std::fs::write(root.join("pylock.toml"), &pylock_text).unwrap();

    let out = cli(root, &["doctor"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains(&format!("six>=1.16 (installed {six_version}) ✓")), "{}", text(&out));
    assert!(text(&out).contains("six: 3 functions, 0 classes, 1 submodules (.snakebridge/six.json)"), "{}", text(&out));
    assert_eq!(lock.libraries["six"].manifest.as_deref(), Some(".snakebridge/six.json"));

    // A package that does not exist: exit 1, the name and the fix, and the lock untouched.
    let before = std::fs::read_to_string(root.join("snakebridge.lock")).unwrap();
    std::fs::write(root.join("Cargo.toml"), "[package]\nname = \"demo\"\n[package.metadata.snakebridge.python_deps]\nsix = \">=1.16\"\nsnakebridge-no-such-package-zz = \"1.0\"\n").unwrap();
    let out = cli(root, &["setup"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("snakebridge-no-such-package-zz==1.0") && text(&out).contains("could not install"),
        "{}",
        text(&out)
    );
    assert_eq!(std::fs::read_to_string(root.join("snakebridge.lock")).unwrap(), before);

    // Drift: a warning passes, --strict fails (the seed's exit codes).
    let mut drifted = lock.clone();
    drifted.python_packages.insert("six".into(), "1.0.0".into());
    drifted.write(&root.join("drifted.lock")).unwrap();
    let out = cli(root, &["verify", "--file", "drifted.lock"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("warning: package six: lock has 1.0.0"), "{}", text(&out));
    let out = cli(root, &["verify", "--strict", "--file", "drifted.lock"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));

    std::fs::write(root.join("snakebridge.lock"), "not json").unwrap();
    let out = cli(root, &["verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("corrupt"), "{}", text(&out));
}

#[test]
fn strict_mode_and_the_never_policy_install_nothing_and_say_what_is_missing() {
    let dir = project("six = \">=999\"\n");
    let venv = std::env::var_os("SNAKEBRIDGE_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv"));
    let mut config = ProjectConfig::load(dir.path().join("Cargo.toml")).unwrap();
    config.venv = Some(venv);
    config.strict = true;
    let err = ensure(&config, BuildProfile::Dev).unwrap_err();
    let Error::Environment(e) = &err else { panic!("{err:?}") };
    assert_eq!(e.missing_packages, vec!["six>=999"]);
    assert!(
        e.to_string().contains("strict mode installs nothing") && e.suggestion.contains("cargo snakebridge setup"),
        "{e}"
    );

    if std::env::var_os("SNAKEBRIDGE_AUTO_INSTALL").is_none() && std::env::var_os("SNAKEBRIDGE_STRICT").is_none() {
        config.strict = false;
        config.auto_install = Some(AutoInstall::Never);
        let err = ensure(&config, BuildProfile::Test).unwrap_err().to_string();
        assert!(
            err.contains("auto_install is `never`")
                && err.contains("six>=999")
                && err.contains("SNAKEBRIDGE_AUTO_INSTALL=always"),
            "{err}"
        );
        config.auto_install = Some(AutoInstall::Dev);
        let err = ensure(&config, BuildProfile::Release).unwrap_err().to_string();
        assert!(err.contains("does not install in Release builds"), "{err}");
    }
}

#[test]
fn bad_input_gets_the_right_exit_code_and_a_message() {
    let dir = project("six = \"*\"\n");
    let root = dir.path();
    let out = cli(root, &["stup"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("unrecognized subcommand 'stup'") && text(&out).contains("'setup'"), "{}", text(&out));
    let out = cli(root, &["verify", "--upgrade"]);
    assert_eq!(out.status.code(), Some(2));

    let out = cli(root, &["doctor"]);
    assert_eq!(out.status.code(), Some(1), "no venv is a problem: {}", text(&out));
    assert!(
        text(&out).contains("does not exist") && text(&out).contains("fix: run `cargo snakebridge setup`"),
        "{}",
        text(&out)
    );
    // -q keeps only the problems and their fixes; --color always paints the marks.
    let quiet = cli(root, &["-q", "doctor"]);
    assert_eq!(quiet.status.code(), Some(1));
    let quiet_text = text(&quiet);
    assert!(quiet_text.contains("does not exist") && quiet_text.contains("fix: run `cargo snakebridge setup`"));
    assert!(!quiet_text.contains("Embedded Python") && !quiet_text.contains("doctor\n"), "{quiet_text}");
    assert!(text(&out).contains("Embedded Python") && !text(&out).contains('\x1b'), "{}", text(&out));
    let painted = text(&cli(root, &["--color", "always", "doctor"]));
    assert!(painted.contains("\x1b[31m✗\x1b[0m"), "{painted}");

    let out = cli(root, &["verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("no lock file") && text(&out).contains("cargo snakebridge setup"), "{}", text(&out));

    let empty = tempfile::tempdir().unwrap();
    let out = cli(empty.path(), &["doctor", "--manifest-path", "nowhere/Cargo.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("cannot read"), "{}", text(&out));

    // A venv whose interpreter is gone.
    std::fs::create_dir_all(root.join(".venv")).unwrap();
    std::fs::write(root.join(".venv/pyvenv.cfg"), "home = /nonexistent\n").unwrap();
    let out = cli(root, &["setup"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("broken") && text(&out).contains("remove"), "{}", text(&out));

    // No usable Python to create a venv with.
    let fresh = project("six = \"*\"\n");
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-snakebridge"))
        .args(["snakebridge", "setup"])
        .current_dir(fresh.path())
        .env_remove("SNAKEBRIDGE_VENV")
        .env("SNAKEBRIDGE_PYTHON", "/nonexistent/python3")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("SNAKEBRIDGE_PYTHON"), "{}", text(&out));
    assert!(!fresh.path().join(".venv").exists(), "nothing half-made");

    // A typo in the metadata is named with its key.
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"x\"\n[package.metadata.snakebridge]\nauto_instal = \"dev\"\n",
    )
    .unwrap();
    let out = cli(root, &["doctor"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("did you mean `auto_install`"), "{}", text(&out));
}

#[test]
fn the_pip_installer_still_makes_and_fills_the_venv() {
    let dir = project("six = \">=1.16\"\n");
    let root = dir.path();
    let out = cli_with(root, &["setup"], &[("SNAKEBRIDGE_INSTALLER", "pip")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("installed six>=1.16 with pip"), "{}", text(&out));
    let cfg = std::fs::read_to_string(root.join(".venv/pyvenv.cfg")).unwrap();
    assert!(!cfg.contains("\nuv = "), "made by python -m venv: {cfg}");
    let venv = PythonEnv::new(root.join(".venv"));
    let import = Command::new(venv.python()).args(["-c", "import six"]).output().unwrap();
    assert!(import.status.success(), "six imports in the new venv");
    let lock = Lock::load(&root.join("snakebridge.lock")).unwrap();
    assert!(lock.python_packages.contains_key("six") && lock.pylock.is_none(), "pip writes no pylock.toml");
    assert!(!root.join("pylock.toml").exists());
    let out = cli(root, &["verify", "--strict"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // A venv made by uv has no pip: the pip installer adds it before installing.
    let dir = project("six = \">=1.16\"\n");
    let root = dir.path();
    let out = cli_with(root, &["setup"], &[("SNAKEBRIDGE_INSTALLER", "uv")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"demo\"\n[package.metadata.snakebridge.python_deps]\nsix = \">=1.16\"\nsqlparse = \"*\"\n",
    )
    .unwrap();
    let out = cli_with(root, &["setup"], &[("SNAKEBRIDGE_INSTALLER", "pip")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("ensurepip") && text(&out).contains("installed sqlparse with pip"), "{}", text(&out));
}

#[test]
fn an_unknown_installer_or_a_uv_that_cannot_be_fetched_is_a_clear_error() {
    let dir = project("six = \"*\"\n");
    let root = dir.path();
    let out = cli_with(root, &["setup"], &[("SNAKEBRIDGE_INSTALLER", "conda")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("SNAKEBRIDGE_INSTALLER is `conda`") && text(&out).contains("`uv` or `pip`"),
        "{}",
        text(&out)
    );
    assert!(!root.join(".venv").exists(), "nothing half-made");
    let out = cli_with(root, &["doctor"], &[("SNAKEBRIDGE_INSTALLER", "conda")]);
    assert_eq!(out.status.code(), Some(1), "doctor reports it: {}", text(&out));

    // uv not on PATH and PyPI unreachable: forced uv is an error that says what to do; the
    // tool cache holds no half-fetched uv.
    let cache = tempfile::tempdir().unwrap();
    let path = path_without_uv();
    let offline = [
        ("PATH", path.as_str()),
        ("SNAKEBRIDGE_CACHE_DIR", cache.path().to_str().unwrap()),
        ("PIP_INDEX_URL", "http://127.0.0.1:9/simple"),
        ("PIP_RETRIES", "0"),
        ("PIP_TIMEOUT", "2"),
    ];
    let out = cli_with(root, &["setup"], &[&offline[..], &[("SNAKEBRIDGE_INSTALLER", "uv")]].concat());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("could not fetch uv from PyPI") && text(&out).contains("SNAKEBRIDGE_INSTALLER=pip"),
        "{}",
        text(&out)
    );
    assert!(!cache.path().join("tools/uv").exists() && !root.join(".venv").exists());
    // Without the override the same failure falls back to pip, which says so.
    let out = cli_with(root, &["setup"], &offline);
    assert!(text(&out).contains("falling back to pip"), "{}", text(&out));
}

#[test]
fn uv_is_fetched_from_pypi_into_the_tool_cache() {
    let cache = tempfile::tempdir().unwrap();
    let dir = project("six = \">=1.16\"\n");
    let vars = [
        ("PATH", path_without_uv()),
        ("SNAKEBRIDGE_CACHE_DIR", cache.path().to_str().unwrap().to_string()),
        ("SNAKEBRIDGE_INSTALLER", "uv".to_string()),
    ];
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = cli_with(dir.path(), &["setup"], &vars);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("fetching it from PyPI"), "{}", text(&out));
    let uv = cache.path().join("tools/uv/bin/uv");
    assert!(snakebridge_env::uv_version(&uv).is_some_and(|v| v.starts_with("uv ")), "{}", uv.display());
    assert!(text(&out).contains("installed six>=1.16 with uv"), "{}", text(&out));

    // A cached uv that does not run is fetched again, not used.
    std::fs::write(&uv, "not a program").unwrap();
    std::fs::remove_dir_all(dir.path().join(".venv")).unwrap();
    let out = cli_with(dir.path(), &["setup"], &vars);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("fetching it from PyPI"), "{}", text(&out));
    assert!(snakebridge_env::uv_version(&uv).is_some());
}

#[test]
fn two_setups_fetching_uv_at_once_both_succeed_with_one_copy() {
    let cache = tempfile::tempdir().unwrap();
    let projects = [project("six = \">=1.16\"\n"), project("six = \">=1.16\"\n")];
    let vars = [
        ("PATH", path_without_uv()),
        ("SNAKEBRIDGE_CACHE_DIR", cache.path().to_str().unwrap().to_string()),
        ("SNAKEBRIDGE_INSTALLER", "uv".to_string()),
    ];
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let outs: Vec<_> = std::thread::scope(|s| {
        let runs: Vec<_> = projects.iter().map(|p| s.spawn(|| cli_with(p.path(), &["setup"], &vars))).collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    for out in &outs {
        assert_eq!(out.status.code(), Some(0), "{}", text(out));
        assert!(text(out).contains("installed six>=1.16 with uv"), "{}", text(out));
    }
    // The loser's download was dropped: one uv, no staging folders left behind.
    let tools: Vec<_> =
        std::fs::read_dir(cache.path().join("tools")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(tools, ["uv"], "{tools:?}");
    assert!(snakebridge_env::uv_version(&cache.path().join("tools/uv/bin/uv")).is_some());
}
