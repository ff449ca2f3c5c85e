//! What the tests that run the real Python share: a temporary directory, the project's
//! Python, and a Python that finds test modules written on the fly.

#![allow(dead_code)] // each test binary uses what it needs

use std::path::{Path, PathBuf};

use snakebridge_introspect::introspect::{find_python, PythonEnv};

/// A fresh directory under the system's temporary directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let dir = std::env::temp_dir().join(format!("sb-manifest-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The process's environment, as the macro reads it.
pub fn real_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The project's Python, found from this crate the way the macro finds it.
pub fn python() -> PythonEnv {
    find_python(Path::new(env!("CARGO_MANIFEST_DIR")), real_env)
}

/// A `python` wrapper that puts `modules` on `PYTHONPATH`.
pub fn python_with_modules(dir: &Path, modules: &[(&str, &str)]) -> PythonEnv {
    for (name, source) in modules {
        std::fs::write(dir.join(format!("{name}.py")), source).unwrap();
    }
    let real = python().executable;
    let wrapper = dir.join("python");
    std::fs::write(&wrapper, format!("#!/bin/sh\nPYTHONPATH='{}' exec '{}' \"$@\"\n", dir.display(), real.display()))
        .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    PythonEnv::interpreter(wrapper)
}
