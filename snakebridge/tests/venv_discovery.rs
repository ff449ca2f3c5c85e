//! The macros (introspection), the runtime and the CLI find the same venv: one discovery
//! order, kept in `snakebridge-meta`, which honours `[package.metadata.snakebridge] venv`.

use std::path::{Path, PathBuf};

use snakebridge::env::ProjectConfig;
use snakebridge::RuntimeConfig;
use snakebridge_introspect::introspect::{find_python, PythonSource};

struct TempProject(PathBuf);

impl Drop for TempProject {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn project_with_venv_setting() -> TempProject {
    let root = std::env::temp_dir().join(format!("sb-venv-discovery-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    // A repository root, so that nothing above the temp directory takes part.
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"user\"\nversion = \"0.1.0\"\n\n[package.metadata.snakebridge]\nvenv = \"envs/py\"\n",
    )
    .unwrap();
    // A `.venv` too: the setting must win over it, on every side.
    for venv in [root.join("envs").join("py"), root.join(".venv")] {
        std::fs::create_dir_all(venv.join("bin")).unwrap();
        std::fs::write(venv.join("pyvenv.cfg"), "home = /usr/bin\n").unwrap();
    }
    TempProject(root)
}

#[test]
fn macro_runtime_and_cli_pick_the_same_venv() {
    // This binary holds one test, so no other thread reads the environment meanwhile.
    std::env::remove_var("SNAKEBRIDGE_VENV");
    std::env::remove_var("VIRTUAL_ENV");
    let project = project_with_venv_setting();
    let wanted = project.0.join("envs").join("py");

    let macro_side = find_python(&project.0, |name| std::env::var(name).ok());
    assert_eq!(macro_side.venv.as_deref(), Some(wanted.as_path()), "{macro_side:?}");
    assert!(matches!(macro_side.source, PythonSource::Venv(_)) && macro_side.problem.is_none(), "{macro_side:?}");

    let (runtime_venv, source) = RuntimeConfig::with_project_root(&project.0)
        .find_venv()
        .expect("the setting names a venv")
        .expect("a venv is found");
    assert_eq!(runtime_venv, wanted);
    assert_eq!(source, snakebridge::VenvSource::CargoMetadata);
    assert_eq!(macro_side.executable, snakebridge_meta::venv::python_in(&runtime_venv));

    let cli_side = ProjectConfig::load(project.0.join("Cargo.toml")).expect("the manifest reads").venv_path();
    assert_eq!(cli_side, wanted);

    // Without the setting every side falls back to the same `.venv`.
    std::fs::write(project.0.join("Cargo.toml"), "[package]\nname = \"user\"\nversion = \"0.1.0\"\n").unwrap();
    let dotvenv = project.0.join(".venv");
    assert_eq!(find_python(&project.0, |name| std::env::var(name).ok()).venv, Some(dotvenv.clone()));
    let (runtime_venv, _) = RuntimeConfig::with_project_root(&project.0).find_venv().unwrap().unwrap();
    assert_eq!(runtime_venv, dotvenv);
    assert_eq!(ProjectConfig::load(project.0.join("Cargo.toml")).unwrap().venv_path(), dotvenv);
    assert!(Path::new(&dotvenv).join("pyvenv.cfg").is_file());
}
