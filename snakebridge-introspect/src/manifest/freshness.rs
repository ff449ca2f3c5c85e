//! Whether a manifest still describes what is installed, decided from files alone: the venv's
//! `*.dist-info` directories and `pyvenv.cfg`, without starting Python.

use std::path::Path;

use super::Manifest;
use crate::config::LibraryConfig;
use crate::model::{PackageInfo, SCHEMA_VERSION};
use crate::stamp::content_hash;

/// Why a manifest has to be regenerated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Staleness {
    /// There is no manifest file.
    Missing,
    /// It was written by another introspection schema.
    Schema {
        /// The schema in the file.
        found: u32,
    },
    /// It holds another configuration (a fingerprint collision or a hand edit).
    Config,
    /// The installed package has another version.
    PackageVersion {
        /// The distribution (`None` for the standard library, whose version is Python's).
        distribution: Option<String>,
        /// The version in the manifest.
        recorded: String,
        /// The version installed now.
        installed: String,
    },
    /// A source file of the project's own module changed or is gone.
    Source {
        /// The file, as the manifest records it.
        path: String,
    },
}

impl Staleness {
    /// The reason, to finish a sentence that starts with the manifest's path.
    pub fn describe(&self) -> String {
        match self {
            Staleness::Missing => "does not exist".into(),
            Staleness::Schema { found } => format!(
                "was written with introspection schema {found} but this snakebridge reads schema {SCHEMA_VERSION}"
            ),
            Staleness::Config => "holds another `#[python_module]` configuration".into(),
            Staleness::PackageVersion { distribution, recorded, installed } => format!(
                "describes {} {recorded} but {installed} is installed",
                distribution.as_deref().unwrap_or("Python")
            ),
            Staleness::Source { path } => format!("was made from `{path}`, which has changed since"),
        }
    }
}

/// Why `manifest` (of the crate in `crate_dir`) does not fit `config`, the venv and the
/// project's own module sources, or `None` when it is fresh. With `check_installed` false
/// (offline builds) neither installed versions nor sources are looked at.
pub fn staleness(
    manifest: &Manifest,
    config: &LibraryConfig,
    crate_dir: &Path,
    venv: Option<&Path>,
    check_installed: bool,
) -> Option<Staleness> {
    if manifest.schema_version != SCHEMA_VERSION {
        return Some(Staleness::Schema { found: manifest.schema_version });
    }
    if manifest.config != *config || manifest.module != config.module {
        return Some(Staleness::Config);
    }
    if !check_installed {
        return None;
    }
    if let Some(path) = changed_source(&manifest.package, crate_dir) {
        return Some(Staleness::Source { path });
    }
    let installed = installed_version(venv?, &manifest.package)?;
    (installed != manifest.package.version).then(|| Staleness::PackageVersion {
        distribution: manifest.package.distribution.clone(),
        recorded: manifest.package.version.clone(),
        installed,
    })
}

/// The version of `package` installed in `venv`, read from its files; `None` when it cannot
/// be told that way (then the manifest is trusted).
pub fn installed_version(venv: &Path, package: &PackageInfo) -> Option<String> {
    match &package.distribution {
        None => python_version(venv),
        Some(dist) => dist_info_version(venv, dist),
    }
}

/// Records `package.sources` as manifests keep them: relative to `crate_dir` (with `..` for a
/// file outside it, such as a helper pack in a sibling crate) so that every clone of the
/// project writes the same manifest, with the hash of its contents (a file that cannot be read
/// hashes as empty, and so reads as changed once it can).
pub fn hash_sources(package: &mut PackageInfo, crate_dir: &Path) {
    let crate_dir = crate_dir.canonicalize().unwrap_or_else(|_| crate_dir.to_path_buf());
    for source in &mut package.sources {
        let file = Path::new(&source.path);
        let file = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
        source.hash = content_hash(&std::fs::read(&file).unwrap_or_default());
        if let Some(relative) = pathdiff::diff_paths(&file, &crate_dir) {
            // `/` in every manifest, whichever platform wrote it.
            let parts: Vec<_> = relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            source.path = parts.join("/");
        }
    }
}

/// The first recorded source whose contents no longer hash the same (or that is gone).
fn changed_source(package: &PackageInfo, crate_dir: &Path) -> Option<String> {
    package.sources.iter().find_map(|source| {
        let now = std::fs::read(crate_dir.join(&source.path)).ok().map(|bytes| content_hash(&bytes));
        (now.as_deref() != Some(source.hash.as_str())).then(|| source.path.clone())
    })
}

fn python_version(venv: &Path) -> Option<String> {
    let cfg = std::fs::read_to_string(venv.join("pyvenv.cfg")).ok()?;
    cfg.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        matches!(key.trim(), "version" | "version_info").then(|| value.trim().to_owned())
    })
}

fn normalize(name: &str) -> String {
    name.chars().map(|c| if c == '-' || c == '.' { '_' } else { c.to_ascii_lowercase() }).collect()
}

fn dist_info_version(venv: &Path, dist: &str) -> Option<String> {
    let wanted = normalize(dist);
    for site in site_packages_dirs(venv) {
        let Ok(entries) = std::fs::read_dir(&site) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(stem) = name.strip_suffix(".dist-info") else { continue };
            let Some((pkg, version)) = stem.rsplit_once('-') else { continue };
            if normalize(pkg) == wanted {
                return Some(version.to_owned());
            }
        }
    }
    None
}

fn site_packages_dirs(venv: &Path) -> Vec<std::path::PathBuf> {
    let mut dirs = vec![venv.join("Lib").join("site-packages")];
    if let Ok(entries) = std::fs::read_dir(venv.join("lib")) {
        dirs.extend(entries.flatten().map(|e| e.path().join("site-packages")));
    }
    dirs.retain(|d| d.is_dir());
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceFile;

    fn recorded(crate_dir: &Path, file: &Path) -> SourceFile {
        let mut package = PackageInfo {
            sources: vec![SourceFile { path: file.to_string_lossy().into_owned(), hash: String::new() }],
            ..PackageInfo::default()
        };
        hash_sources(&mut package, crate_dir);
        package.sources.remove(0)
    }

    #[test]
    fn sources_outside_the_crate_are_recorded_relative_so_every_clone_writes_the_same_manifest() {
        let mut paths = Vec::new();
        for clone in ["one", "two"] {
            let root = tempfile::tempdir().unwrap();
            let workspace = root.path().join(clone);
            let pack = workspace.join("runtime").join("python").join("pack");
            std::fs::create_dir_all(&pack).unwrap();
            std::fs::create_dir_all(workspace.join("app")).unwrap();
            std::fs::write(pack.join("builtin.py"), "x = 1\n").unwrap();
            let source = recorded(&workspace.join("app"), &pack.join("builtin.py"));
            assert_eq!(source.path, "../runtime/python/pack/builtin.py");
            assert!(changed_source(
                &PackageInfo { sources: vec![source.clone()], ..PackageInfo::default() },
                &workspace.join("app")
            )
            .is_none());
            paths.push(source);
        }
        assert_eq!(paths[0], paths[1], "the same manifest from two clone locations");
    }
}
