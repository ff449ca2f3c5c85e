//! `cargo snakebridge prepare` over the live set: a real crate whose `#[python_module]` has no
//! manifest yet, and an orphan manifest no macro uses. `--check` fails on each; `prepare`
//! creates the one and removes the other. Builds the facade (in `target/prepare-live-test`,
//! kept between runs) and introspects `json` with the test venv's Python.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn cli(dir: &Path, args: &[&str]) -> Output {
    let ws = workspace_dir();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-snakebridge"));
    cmd.arg("snakebridge").args(args).current_dir(dir);
    cmd.env("CARGO_TARGET_DIR", ws.join("target/prepare-live-test")).env("CARGO_NET_OFFLINE", "true");
    cmd.env_remove("SNAKEBRIDGE_OFFLINE").env_remove("SNAKEBRIDGE_STRICT");
    if std::env::var_os("SNAKEBRIDGE_VENV").is_none() && ws.join(".venv").is_dir() {
        cmd.env("SNAKEBRIDGE_VENV", ws.join(".venv"));
    }
    cmd.output().expect("cargo-snakebridge runs")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn manifests(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join(".snakebridge"))
        .map(|e| e.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.retain(|n| n.ends_with(".json"));
    names.sort();
    names
}

#[test]
fn prepare_makes_the_cache_exactly_the_live_set() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let facade = workspace_dir().join("snakebridge");
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "[package]\nname = \"live_app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nsnakebridge = {{ path = {:?}, default-features = false }}\n\n[package.metadata.snakebridge]\n",
            facade.display().to_string()
        ),
    )
    .unwrap();
    // The workspace's versions, so the check needs no network.
    std::fs::copy(workspace_dir().join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(
        root.join("src/main.rs"),
        "#[snakebridge::python_module(\"json\", include = [\"dumps\"])]\nmod json {}\n\nfn main() {}\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join(".snakebridge")).unwrap();
    std::fs::write(root.join(".snakebridge/gone.00000000.json"), "{}\n").unwrap();
    std::fs::write(root.join(".snakebridge/gone.00000000.stamp"), "x\n").unwrap();

    let out = cli(root, &["prepare", "--check"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("is missing: a #[python_module] uses it"), "{t}");
    assert_eq!(manifests(root), ["gone.00000000.json"], "--check writes nothing");

    let out = cli(root, &["prepare"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    let now = manifests(root);
    assert!(
        now.len() == 1 && now[0].starts_with("json.") && t.contains(&format!("{} created", now[0])),
        "{now:?}: {t}"
    );
    assert!(t.contains("gone.00000000.json removed") && !root.join(".snakebridge/gone.00000000.stamp").exists(), "{t}");

    let out = cli(root, &["prepare", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    std::fs::write(root.join(".snakebridge/gone.00000000.json"), "{}\n").unwrap();
    let out = cli(root, &["prepare", "--check"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("gone.00000000.json is an orphan"), "{t}");
}
