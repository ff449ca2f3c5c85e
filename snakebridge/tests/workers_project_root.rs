//! Worker processes take their venv and `python_path` from the configuration the program gave
//! [`snakebridge::init`], not from the working directory: a project root named in code reaches
//! the workers as it reaches the embedded interpreter. One test: `init` applies once per process.

use snakebridge::backend::WorkerConfig;
use snakebridge::{call_as, RuntimeConfig};

#[test]
fn workers_import_from_the_initialised_project_root() {
    // A project elsewhere than the working directory (the facade's package, whose own
    // `python_path` does not hold this module).
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    std::fs::create_dir_all(root.join("py")).unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"elsewhere\"\nversion = \"0.1.0\"\n\n[package.metadata.snakebridge]\npython_path = [\"py\"]\n",
    )
    .unwrap();
    std::fs::write(
        root.join("py/sb_rooted.py"),
        "import os, sys\n\ndef where():\n    return [os.getpid(), sys.prefix]\n",
    )
    .unwrap();
    // A venv of the project's own, not the `.venv` the working directory would find.
    let project_python = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    let venv = root.join("venv");
    let made =
        std::process::Command::new(&project_python).args(["-m", "venv", "--without-pip"]).arg(&venv).status().unwrap();
    assert!(made.success(), "python -m venv failed");

    let mut config = RuntimeConfig::with_venv(&venv);
    config.project_root = Some(root.clone());
    config.workers = Some(WorkerConfig::new(1));
    snakebridge::init(config).unwrap();

    let (pid, prefix): (u32, String) = call_as("sb_rooted", "where", ()).unwrap();
    assert_ne!(pid, std::process::id(), "the call ran in a worker");
    assert_eq!(std::path::Path::new(&prefix), venv, "the worker runs the initialised venv's Python");
}
