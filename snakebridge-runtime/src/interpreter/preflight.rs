//! Checks run before CPython starts, for the configurations that make it exit the process.
//!
//! CPython reports a bad start-up configuration with "Fatal Python error: …" and `exit(1)`:
//! nothing the host can catch. Each case it would die on and that can be seen from outside is
//! checked here first and becomes `Error::Interpreter` naming the fix: environment variables
//! whose value it refuses (`PYTHONMALLOC`, `PYTHONUTF8`, `PYTHONHASHSEED`,
//! `PYTHONINTMAXSTRDIGITS`), a standard library it cannot find (`PYTHONHOME`,
//! `PYTHONPLATLIBDIR`, or one missing next to the linked `libpython`) and a stdio encoding it
//! does not know (`PYTHONIOENCODING`).

use std::ffi::{CStr, OsString};
use std::path::{Path, PathBuf};

type Check = std::result::Result<(), String>;

/// Every check, with the environment given by `var`.
pub(super) fn check(var: impl Fn(&str) -> Option<OsString>) -> Check {
    let text = |name: &str| var(name).map(|v| v.to_string_lossy().into_owned()).filter(|v| !v.is_empty());
    if let Some(v) = text("PYTHONMALLOC") {
        const ALLOCATORS: &[&str] =
            &["default", "debug", "malloc", "malloc_debug", "pymalloc", "pymalloc_debug", "mimalloc", "mimalloc_debug"];
        if !ALLOCATORS.contains(&v.as_str()) {
            return Err(bad_var("PYTHONMALLOC", &v, "one of default, malloc, pymalloc (or their _debug forms)"));
        }
    }
    if let Some(v) = text("PYTHONUTF8") {
        if v != "0" && v != "1" {
            return Err(bad_var("PYTHONUTF8", &v, "0 or 1"));
        }
    }
    if let Some(v) = text("PYTHONHASHSEED") {
        if v != "random" && v.parse::<u32>().is_err() {
            return Err(bad_var("PYTHONHASHSEED", &v, "\"random\" or an integer from 0 to 4294967295"));
        }
    }
    if let Some(v) = text("PYTHONINTMAXSTRDIGITS") {
        if !v.parse::<u64>().is_ok_and(|n| n == 0 || n >= 640) {
            return Err(bad_var("PYTHONINTMAXSTRDIGITS", &v, "0 (no limit) or a number of at least 640"));
        }
    }
    let stdlib = find_stdlib(&var)?;
    if let (Some(enc), Some(stdlib)) = (text("PYTHONIOENCODING"), stdlib.as_deref()) {
        let name = enc.split(':').next().unwrap_or_default();
        if !name.is_empty() && !known_codec(stdlib, name) {
            return Err(bad_var("PYTHONIOENCODING", &enc, "an encoding Python knows, such as utf-8"));
        }
    }
    Ok(())
}

fn bad_var(name: &str, value: &str, expected: &str) -> String {
    format!("{name}={value:?} would make Python exit at start-up: it must be {expected}; fix or unset {name}")
}

/// The linked interpreter's `(major, minor)`, from `Py_GetVersion` (callable before start-up).
pub(super) fn linked_version() -> Option<(u32, u32)> {
    // SAFETY: Py_GetVersion returns a static NUL-terminated string and may be called before
    // the interpreter is initialised.
    let text = unsafe { CStr::from_ptr(pyo3::ffi::Py_GetVersion()) }.to_string_lossy();
    let mut parts = text.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty());
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// The standard library CPython will look for, if it can be told: an error when the user's
/// configuration points at one without `encodings` (the first module start-up needs).
fn find_stdlib(var: &impl Fn(&str) -> Option<OsString>) -> std::result::Result<Option<PathBuf>, String> {
    let Some((major, minor)) = linked_version() else { return Ok(None) };
    let platlibdir = var("PYTHONPLATLIBDIR").filter(|v| !v.is_empty());
    let home = var("PYTHONHOME").filter(|v| !v.is_empty());
    let explicit = home.is_some() || platlibdir.is_some();
    let prefixes = match &home {
        // `prefix:exec_prefix` on Unix; the standard library lives under the first.
        Some(home) => vec![PathBuf::from(home.to_string_lossy().split(':').next().unwrap_or_default())],
        None => libpython_prefixes(),
    };
    let version_dir = format!("python{major}.{minor}");
    let libdirs: Vec<String> = match &platlibdir {
        Some(d) => vec![d.to_string_lossy().into_owned()],
        None => vec!["lib".into(), "lib64".into()],
    };
    let mut candidates = Vec::new();
    for prefix in &prefixes {
        candidates.extend(libdirs.iter().map(|d| prefix.join(d).join(&version_dir)));
        candidates.push(prefix.join("Lib"));
    }
    if let Some(found) = candidates.iter().find(|dir| dir.join("encodings").join("__init__.py").is_file()) {
        return Ok(Some(found.clone()));
    }
    if !explicit {
        // A layout this check does not know (a framework build, a zipped stdlib): let CPython look.
        return Ok(None);
    }
    let looked = candidates.iter().map(|c| c.display().to_string()).collect::<Vec<_>>().join(", ");
    Err(match (&home, &platlibdir) {
        (Some(home), _) => format!(
            "PYTHONHOME is set to {} but that holds no Python {major}.{minor} standard library (no encodings package in {looked}), so Python would exit at start-up; unset PYTHONHOME or point it at a Python {major}.{minor} installation",
            Path::new(home).display()
        ),
        (None, dir) => format!(
            "PYTHONPLATLIBDIR is set to {:?} but there is no Python {major}.{minor} standard library there ({looked}), so Python would exit at start-up; unset PYTHONPLATLIBDIR",
            dir.as_deref().unwrap_or_default().to_string_lossy()
        ),
    })
}

/// The prefixes the linked `libpython` may sit under (`<prefix>/lib/libpython3.x.so`, or
/// `<prefix>/lib/<multiarch>/…` as Debian has it), where CPython looks for its standard library
/// when `PYTHONHOME` is not set. Empty when that cannot be told.
fn libpython_prefixes() -> Vec<PathBuf> {
    let Some(file) = super::libpython::libpython_file() else { return Vec::new() };
    file.ancestors().skip(2).take(2).map(Path::to_path_buf).collect()
}

/// Whether `codecs.lookup(name)` will find the codec: a module of the `encodings` package or
/// one of its aliases (Python's own normalisation: lower case, runs of other characters `_`).
fn known_codec(stdlib: &Path, name: &str) -> bool {
    let mut norm = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            norm.push(c.to_ascii_lowercase());
        } else if !norm.is_empty() && !norm.ends_with('_') {
            norm.push('_');
        }
    }
    let norm = norm.trim_end_matches('_');
    let encodings = stdlib.join("encodings");
    if norm.is_empty() || !encodings.is_dir() {
        return true; // nothing to compare with: let CPython decide
    }
    if encodings.join(format!("{norm}.py")).is_file() {
        return true;
    }
    std::fs::read_to_string(encodings.join("aliases.py"))
        .map(|aliases| aliases.contains(&format!("'{norm}'")))
        .unwrap_or(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| OsString::from(v))
    }

    #[test]
    fn values_python_would_exit_on_are_caught() {
        for (name, value) in [
            ("PYTHONMALLOC", "bogus"),
            ("PYTHONUTF8", "2"),
            ("PYTHONHASHSEED", "x"),
            ("PYTHONINTMAXSTRDIGITS", "5"),
            ("PYTHONIOENCODING", "bogus"),
            ("PYTHONPLATLIBDIR", "nolib"),
        ] {
            let err = check(env(&[(name, value)])).unwrap_err();
            assert!(err.contains(name) && err.contains("unset"), "{err}");
        }
        let fine = [
            ("PYTHONMALLOC", "malloc"),
            ("PYTHONUTF8", "1"),
            ("PYTHONHASHSEED", "0"),
            ("PYTHONINTMAXSTRDIGITS", "0"),
            ("PYTHONIOENCODING", "UTF-8:surrogateescape"),
        ];
        assert_eq!(check(env(&fine)), Ok(()));
        assert_eq!(check(env(&[("PYTHONIOENCODING", "latin-1")])), Ok(()));
    }

    #[test]
    fn a_home_without_a_standard_library_is_caught() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("lib")).unwrap();
        let home = dir.path().to_str().unwrap();
        let err = check(env(&[("PYTHONHOME", home)])).unwrap_err();
        assert!(err.contains("PYTHONHOME is set to") && err.contains("unset PYTHONHOME"), "{err}");
    }
}
