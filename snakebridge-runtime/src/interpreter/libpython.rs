//! Which `libpython` the process loaded, against the one the build linked and the venv's base
//! interpreter.
//!
//! On Linux the binary names `libpython3.x.so.1.0` by soname only; with two Pythons of one
//! minor version installed (pyenv next to Debian's, say) the loader may pick the other one. The
//! program then runs another patch level whose compiled-in prefix is not the venv's base, and
//! a child Python the program starts (multiprocessing's spawn, say) is yet another build.

use std::ffi::CStr;
use std::path::{Path, PathBuf};

use snakebridge_meta::venv::PyvenvCfg;

/// The directory of the `libpython` this build linked, as pyo3's build configuration reported
/// it; `None` for a static build or an unknown layout.
pub fn linked_libdir() -> Option<&'static Path> {
    Some(env!("SNAKEBRIDGE_BUILD_LIBDIR")).filter(|d| !d.is_empty()).map(Path::new)
}

/// The Python executable this build was configured with (pyo3's `sys.executable` of it).
pub(crate) fn build_python() -> Option<&'static Path> {
    Some(env!("SNAKEBRIDGE_BUILD_PYTHON")).filter(|d| !d.is_empty()).map(Path::new)
}

/// What [`libpython_report`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LibpythonReport {
    /// The shared library the process loaded (from `dladdr` on a libpython function); `None`
    /// when Python is linked statically or the platform cannot tell.
    pub loaded: Option<PathBuf>,
    /// The loaded library's version, from `Py_GetVersion` (such as `3.11.2`).
    pub loaded_version: String,
    /// The directory of the library the build linked (pyo3's `lib_dir`).
    pub linked_dir: Option<PathBuf>,
    /// The build's `major.minor`.
    pub linked_version: String,
    /// The venv's base interpreter (`home` in its `pyvenv.cfg`) and its version, when a venv
    /// was given.
    pub venv_base: Option<(PathBuf, String)>,
    /// What does not match, each with the fix; empty when all agree.
    pub problems: Vec<LibpythonProblem>,
}

/// One mismatch between the loaded `libpython` and what the build or the venv expects.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LibpythonProblem {
    /// Whether the ABI differs (another minor version): the interpreter must not start.
    pub abi: bool,
    /// What does not match, naming both paths, and the fix.
    pub message: String,
}

/// Compares the loaded `libpython` with the one the build linked and with the base
/// interpreter of `venv` (when given). Needs no running interpreter, so `cargo snakebridge
/// doctor` can call it, and the runtime calls it at start-up.
pub fn libpython_report(venv: Option<&Path>) -> LibpythonReport {
    let loaded = libpython_file();
    let loaded_version = loaded_version();
    let linked_dir = linked_libdir().map(Path::to_path_buf);
    let linked_version = env!("SNAKEBRIDGE_BUILD_PYTHON_VERSION").to_string();
    let venv_base = venv.and_then(|v| PyvenvCfg::read(v).ok()).and_then(|cfg| Some((cfg.home?, cfg.version?)));
    let mut report =
        LibpythonReport { loaded, loaded_version, linked_dir, venv_base, linked_version, problems: Vec::new() };
    report.problems = problems(&report);
    report
}

/// What does not match in `report` (its `problems` aside).
fn problems(report: &LibpythonReport) -> Vec<LibpythonProblem> {
    let LibpythonReport { loaded, loaded_version, linked_dir, venv_base, linked_version, .. } = report;
    let (loaded_version, linked_version) = (loaded_version.as_str(), linked_version.as_str());
    let mut problems = Vec::new();
    let minor = |v: &str| v.split('.').take(2).collect::<Vec<_>>().join(".");
    if !linked_version.is_empty() && minor(loaded_version) != linked_version {
        problems.push(LibpythonProblem {
            abi: true,
            message: format!(
                "the process loaded Python {loaded_version} ({}) but this build was compiled for Python {linked_version} ({}): another ABI; {}",
                show(loaded.as_deref()),
                show(linked_dir.as_deref()),
                fix(linked_dir.as_deref())
            ),
        });
    } else if let (Some(file), Some(dir)) = (&loaded, &linked_dir) {
        if !same_dir(file.parent(), dir) {
            problems.push(LibpythonProblem {
                abi: false,
                message: format!(
                    "the process loaded {} (Python {loaded_version}) but the build linked the libpython in {}; {}",
                    file.display(),
                    dir.display(),
                    fix(Some(dir))
                ),
            });
        }
    }
    if let Some((home, version)) = &venv_base {
        if minor(version) != minor(loaded_version) {
            problems.push(LibpythonProblem {
                abi: true,
                message: format!(
                    "the venv was made by Python {version} ({}) but the process loaded Python {loaded_version} ({}); recreate the venv with python{} -m venv",
                    home.display(),
                    show(loaded.as_deref()),
                    minor(loaded_version)
                ),
            });
        } else if version != loaded_version && problems.is_empty() {
            problems.push(LibpythonProblem {
                abi: false,
                message: format!(
                    "the venv's base interpreter is Python {version} ({}) but the process loaded Python {loaded_version} ({}); its standard library and compiled modules are {version}'s; build against that Python (PYO3_PYTHON={}/python{}) with the rpath fix, or recreate the venv with the Python of {}",
                    home.display(),
                    show(loaded.as_deref()),
                    home.display(),
                    minor(version),
                    show(loaded.as_deref())
                ),
            });
        }
    }
    problems
}

fn show(path: Option<&Path>) -> String {
    path.map_or_else(|| "unknown path".into(), |p| p.display().to_string())
}

fn fix(linked: Option<&Path>) -> String {
    match linked {
        Some(dir) => format!(
            "make the binary load the linked one: call `snakebridge_meta::build::rpath()` in build.rs (adds -Wl,-rpath,{}), or run with LD_LIBRARY_PATH={}",
            dir.display(),
            dir.display()
        ),
        None => "rebuild against the Python you run with (PYO3_PYTHON)".into(),
    }
}

fn same_dir(a: Option<&Path>, b: &Path) -> bool {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    a.is_some_and(|a| canon(a) == canon(b))
}

/// `Py_GetVersion`'s leading version number (`3.11.2`).
fn loaded_version() -> String {
    // SAFETY: Py_GetVersion returns a static NUL-terminated string and may be called before
    // the interpreter is initialised.
    let text = unsafe { CStr::from_ptr(pyo3::ffi::Py_GetVersion()) }.to_string_lossy();
    text.split_whitespace().next().unwrap_or_default().to_string()
}

/// The loaded `libpython` file, from `dladdr` on one of its functions; `None` when Python is
/// linked into the executable itself or the platform cannot tell.
#[cfg(unix)]
pub(super) fn libpython_file() -> Option<PathBuf> {
    let mut info = std::mem::MaybeUninit::<libc::Dl_info>::zeroed();
    // SAFETY: dladdr only reads the address and fills `info`; Py_GetVersion is a function of
    // the linked libpython.
    let found = unsafe { libc::dladdr(pyo3::ffi::Py_GetVersion as *const libc::c_void, info.as_mut_ptr()) };
    if found == 0 {
        return None;
    }
    // SAFETY: dladdr succeeded, so `info` is filled in.
    let info = unsafe { info.assume_init() };
    if info.dli_fname.is_null() {
        return None;
    }
    // SAFETY: dli_fname is a NUL-terminated path owned by the loader.
    let file = PathBuf::from(unsafe { CStr::from_ptr(info.dli_fname) }.to_string_lossy().into_owned());
    let name = file.file_name()?.to_string_lossy().into_owned();
    if !name.starts_with("libpython") {
        return None; // statically linked into the executable: its layout is unknown here
    }
    Some(file)
}

#[cfg(not(unix))]
pub(super) fn libpython_file() -> Option<PathBuf> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(loaded: &str, version: &str, linked: &str, venv: Option<(&str, &str)>) -> LibpythonReport {
        LibpythonReport {
            loaded: Some(PathBuf::from(loaded)),
            loaded_version: version.into(),
            linked_dir: Some(PathBuf::from(linked)),
            linked_version: "3.11".into(),
            venv_base: venv.map(|(h, v)| (PathBuf::from(h), v.to_string())),
            problems: Vec::new(),
        }
    }

    #[test]
    fn matching_libraries_have_no_problems() {
        let r = report("/opt/py/lib/libpython3.11.so.1.0", "3.11.7", "/opt/py/lib", Some(("/opt/py/bin", "3.11.7")));
        assert_eq!(problems(&r), vec![]);
    }

    #[test]
    fn another_directory_of_the_same_minor_is_a_warning_naming_both_and_the_fix() {
        let r = report("/usr/lib/libpython3.11.so.1.0", "3.11.2", "/opt/py/lib", Some(("/opt/py/bin", "3.11.7")));
        let p = problems(&r);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(!p[0].abi);
        assert!(p[0].message.contains("/usr/lib/libpython3.11.so.1.0") && p[0].message.contains("/opt/py/lib"));
        assert!(
            p[0].message.contains("build::rpath()") && p[0].message.contains("LD_LIBRARY_PATH"),
            "{}",
            p[0].message
        );
    }

    #[test]
    fn another_minor_version_is_an_abi_error() {
        let r = report("/usr/lib/libpython3.12.so.1.0", "3.12.1", "/opt/py/lib", None);
        assert!(problems(&r).iter().any(|p| p.abi && p.message.contains("another ABI")));
        let r = report("/opt/py/lib/libpython3.11.so.1.0", "3.11.7", "/opt/py/lib", Some(("/x/bin", "3.12.0")));
        assert!(problems(&r).iter().any(|p| p.abi && p.message.contains("recreate the venv with python3.11")));
    }

    #[test]
    fn a_venv_of_another_patch_level_is_a_warning() {
        let r = report("/opt/py/lib/libpython3.11.so.1.0", "3.11.7", "/opt/py/lib", Some(("/other/bin", "3.11.4")));
        let p = problems(&r);
        assert!(p.len() == 1 && !p[0].abi && p[0].message.contains("3.11.4"), "{p:?}");
    }
}
