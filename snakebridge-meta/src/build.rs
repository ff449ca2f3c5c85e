//! For build scripts (`build.rs`) of programs that embed Python through snakebridge: make the
//! binary load the `libpython` it was linked against.
//!
//! On Linux a binary finds `libpython3.x.so.1.0` by its soname through the loader's search
//! path. When two Pythons of one minor version are installed (pyenv or uv next to the system's,
//! say), the build may link one and the loader pick the other; the program then runs a
//! `libpython` whose standard library, patch level and `sys.prefix` are not the venv's. An
//! rpath (`-Wl,-rpath,<libdir>`) makes the loader look in the linked library's directory first.
//!
//! In `build.rs`, with `[build-dependencies] snakebridge-meta = "0.1"` in `Cargo.toml`:
//!
//! ```no_run
//! if let Err(e) = snakebridge_meta::build::rpath() {
//!     println!("cargo:warning={e}");
//! }
//! ```

use std::fmt;
use std::path::PathBuf;

/// Why [`rpath`] could not add the link argument.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RpathError {
    /// Not called from a build script of a package that depends on `snakebridge` (or
    /// `snakebridge-runtime`) directly: Cargo gives the linked library's directory only to those.
    NotADependent,
    /// The build links Python statically or the directory is not known (a `PYO3_CONFIG_FILE`
    /// without `lib_dir`): there is no library directory to point at.
    NoLibDir,
}

impl fmt::Display for RpathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RpathError::NotADependent => write!(
                f,
                "snakebridge build::rpath(): the linked libpython's directory is unknown here (DEP_SNAKEBRIDGE_LIBDIR is not set); call it from the build script of a package that depends on `snakebridge` directly"
            ),
            RpathError::NoLibDir => write!(
                f,
                "snakebridge build::rpath(): pyo3 reports no library directory for the linked Python (a static build, or a PYO3_CONFIG_FILE without lib_dir); nothing to add"
            ),
        }
    }
}

impl std::error::Error for RpathError {}

/// Prints `cargo:rustc-link-arg=-Wl,-rpath,<libdir>` for the directory of the `libpython` this
/// build links, and returns that directory. Applies to the calling package's binaries, tests,
/// examples and benches. On Windows (no rpath; the DLL is found next to the executable or on
/// `PATH`) it prints nothing and returns the directory.
///
/// Meant for programs run where they were built (development, tests, CI): a binary shipped to
/// other machines should not carry a build machine's path; there, install the matching Python
/// or set `LD_LIBRARY_PATH`.
pub fn rpath() -> Result<PathBuf, RpathError> {
    let libdir = libdir_from(|name| std::env::var(name).ok())?;
    let windows = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "windows");
    if !windows {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", libdir.display());
    }
    Ok(libdir)
}

/// The linked library's directory from the `links` metadata Cargo passes to direct dependents:
/// `DEP_SNAKEBRIDGE_LIBDIR` (of `snakebridge`) or `DEP_SNAKEBRIDGE_RUNTIME_LIBDIR`.
fn libdir_from(var: impl Fn(&str) -> Option<String>) -> Result<PathBuf, RpathError> {
    let value = var("DEP_SNAKEBRIDGE_LIBDIR")
        .or_else(|| var("DEP_SNAKEBRIDGE_RUNTIME_LIBDIR"))
        .ok_or(RpathError::NotADependent)?;
    if value.is_empty() {
        return Err(RpathError::NoLibDir);
    }
    Ok(PathBuf::from(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_directory_comes_from_either_package_and_its_absence_is_explained() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
        };
        assert_eq!(libdir_from(env(&[("DEP_SNAKEBRIDGE_LIBDIR", "/py/lib")])), Ok(PathBuf::from("/py/lib")));
        assert_eq!(libdir_from(env(&[("DEP_SNAKEBRIDGE_RUNTIME_LIBDIR", "/rt/lib")])), Ok(PathBuf::from("/rt/lib")));
        assert_eq!(libdir_from(env(&[])), Err(RpathError::NotADependent));
        assert_eq!(libdir_from(env(&[("DEP_SNAKEBRIDGE_LIBDIR", "")])), Err(RpathError::NoLibDir));
        assert!(RpathError::NotADependent.to_string().contains("depends on `snakebridge`"));
    }
}
