//! `snakebridge.lock`: what the bindings were built against — interpreter, packages (with
//! a hash), platform and hardware, the minimum a machine needs, the generator, and the
//! libraries with their manifests. The seed's `SnakeBridge.Lock`.
//!
//! The file is pretty JSON with sorted maps and a trailing newline, holds no timestamps,
//! and is written atomically (a temporary file renamed over it), so that it diffs well and
//! a crash never leaves half a lock.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use snakebridge_runtime::{Error, Result};

use super::deps::{DepVersion, ProjectConfig};
use super::hardware::{Accelerator, Gpu, HardwareInfo, Platform};
use super::manifests::{generated_libraries, sha256_hex};
use super::pylock::PylockSection;
use super::python::InterpreterDetails;
use super::requirement::normalize_name;

/// The lock file's name, next to `Cargo.toml`.
pub const LOCK_FILE_NAME: &str = "snakebridge.lock";
/// The version of the lock format this crate writes and reads.
pub const LOCK_VERSION: u32 = 1;

/// The whole lock file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Lock {
    /// The lock format version ([`LOCK_VERSION`]).
    pub lock_version: u32,
    /// The snakebridge version that wrote it.
    pub snakebridge_version: String,
    /// A hash of the code generator the bindings came from.
    pub generator_hash: String,
    /// Interpreter, platform and hardware.
    pub environment: LockEnvironment,
    /// The least a machine needs to run these bindings.
    pub compatibility: Compatibility,
    /// Declared packages and their installed versions (normalised names).
    pub python_packages: BTreeMap<String, String>,
    /// [`packages_hash`] of `python_packages`.
    pub python_packages_hash: String,
    /// The declared and generated libraries.
    pub libraries: BTreeMap<String, LockedLibrary>,
    /// The PEP 751 `pylock.toml` that uv wrote beside this lock (every installed file with
    /// its hash); absent when pip installed, or in locks written before uv-first setup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pylock: Option<PylockSection>,
}

/// The `environment` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockEnvironment {
    /// The venv's interpreter; absent when there was none.
    pub python: Option<InterpreterSection>,
    /// OS and architecture.
    pub platform: Platform,
    /// Accelerator, CUDA version, GPUs, CPU features.
    pub hardware: HardwareSection,
}

/// The interpreter the bindings were built against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterpreterSection {
    /// `3.11.7`.
    pub version: String,
    /// `CPython`.
    pub implementation: String,
    /// `linux-x86_64`.
    pub platform: String,
}

/// The hardware identity, the seed's `environment.hardware`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HardwareSection {
    /// `cuda`, `rocm`, `mps` or `cpu`.
    pub accelerator: Accelerator,
    /// The CUDA version, on CUDA machines.
    pub cuda_version: Option<String>,
    /// The ROCm version, on ROCm machines.
    pub rocm_version: Option<String>,
    /// Number of GPUs.
    pub gpu_count: u32,
    /// The GPUs.
    pub gpus: Vec<Gpu>,
    /// CPU features, sorted.
    pub cpu_features: Vec<String>,
}

impl From<&HardwareInfo> for HardwareSection {
    fn from(h: &HardwareInfo) -> Self {
        HardwareSection {
            accelerator: h.accelerator,
            cuda_version: h.cuda_version.clone(),
            rocm_version: h.rocm_version.clone(),
            gpu_count: h.gpu_count,
            gpus: h.gpus.clone(),
            cpu_features: h.cpu_features.clone(),
        }
    }
}

/// The minimum requirements, the seed's `build_compatibility_section`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compatibility {
    /// The accelerator the installed wheels target.
    pub accelerator: Accelerator,
    /// Python `major.minor` the venv must have.
    pub python: Option<String>,
    /// The lowest CUDA version the installed CUDA wheels run on.
    pub min_cuda_version: Option<String>,
    /// The lowest compute capability among the GPUs the lock was made on.
    pub min_compute_capability: Option<String>,
    /// CPU features the machine must have (the baseline SIMD level the lock was made on).
    pub required_cpu_features: Vec<String>,
}

/// One library: declared in `Cargo.toml`, generated from a manifest, or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LockedLibrary {
    /// The requirement string, for a declared non-stdlib library.
    pub requirement: Option<String>,
    /// The installed version (the interpreter's for a stdlib module).
    pub version: Option<String>,
    /// Whether it is part of the standard library.
    pub stdlib: bool,
    /// The manifest it was generated from, relative to the project root.
    pub manifest: Option<String>,
    /// `sha256:` of that manifest.
    pub manifest_hash: Option<String>,
}

/// The deterministic hash of a package set: `sha256:` of the sorted `name==version` lines.
pub fn packages_hash(packages: &BTreeMap<String, String>) -> String {
    let text: String = packages.iter().map(|(name, version)| format!("{name}=={version}\n")).collect();
    sha256_hex(text.as_bytes())
}

/// A hash identifying the code generator of this snakebridge build.
///
/// It covers the snakebridge version and the lock format; the bindings generator may
/// record a hash of its own sources instead through [`Lock::generator_hash`].
pub fn generator_hash() -> String {
    sha256_hex(format!("snakebridge {} lock {LOCK_VERSION}", env!("CARGO_PKG_VERSION")).as_bytes())
}

const BASELINE_FEATURES: [&str; 3] = ["avx", "avx2", "neon"];

impl Lock {
    /// A lock for `project` on this machine: `details` from the venv (`None` when there is
    /// no venv yet) and `hardware` from the probe.
    pub fn build(project: &ProjectConfig, details: Option<&InterpreterDetails>, hardware: &HardwareInfo) -> Lock {
        let installed = |name: &str| details.and_then(|d| d.packages.get(&normalize_name(name)).cloned());
        let mut python_packages = BTreeMap::new();
        let mut libraries = BTreeMap::new();
        for dep in &project.python_deps {
            let stdlib = dep.version == DepVersion::Stdlib;
            let version = if stdlib { details.map(|d| d.version.clone()) } else { installed(dep.distribution()) };
            if let (false, Some(v)) = (stdlib, &version) {
                python_packages.insert(normalize_name(dep.distribution()), v.clone());
            }
            libraries.insert(
                dep.name.clone(),
                LockedLibrary { requirement: dep.requirement(), version, stdlib, ..LockedLibrary::default() },
            );
        }
        for generated in generated_libraries(&project.root) {
            let entry = libraries.entry(generated.library.clone()).or_default();
            entry.manifest = Some(generated.manifest);
            entry.manifest_hash = Some(generated.hash);
            if entry.version.is_none() {
                entry.version = generated.version;
            }
        }
        let python = details.map(|d| InterpreterSection {
            version: d.version.clone(),
            implementation: d.implementation.clone(),
            platform: d.platform.clone(),
        });
        let compatibility = Compatibility {
            accelerator: hardware.accelerator,
            python: details.and_then(|d| d.major_minor()).map(|(a, b)| format!("{a}.{b}")),
            min_cuda_version: hardware.cuda_version.clone().filter(|_| hardware.accelerator == Accelerator::Cuda),
            min_compute_capability: min_capability(&hardware.gpus),
            required_cpu_features: hardware
                .cpu_features
                .iter()
                .filter(|f| BASELINE_FEATURES.contains(&f.as_str()))
                .cloned()
                .collect(),
        };
        Lock {
            lock_version: LOCK_VERSION,
            snakebridge_version: env!("CARGO_PKG_VERSION").to_string(),
            generator_hash: generator_hash(),
            environment: LockEnvironment {
                python,
                platform: hardware.platform.clone(),
                hardware: HardwareSection::from(hardware),
            },
            compatibility,
            python_packages_hash: packages_hash(&python_packages),
            python_packages,
            libraries,
            pylock: None,
        }
    }

    /// Whether the lock was written by this build's generator (the seed's
    /// `verify_generator_unchanged?`).
    pub fn generator_unchanged(&self) -> bool {
        self.generator_hash == generator_hash()
    }

    /// The lock as it is written: pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a lock always serialises");
        s.push('\n');
        s
    }

    /// Parses lock text; `path` names the file in errors.
    pub fn from_json(path: &Path, text: &str) -> Result<Lock> {
        let probe: serde_json::Value = serde_json::from_str(text).map_err(|e| corrupt(path, &e.to_string()))?;
        if let Some(v) = probe.get("lock_version").and_then(|v| v.as_u64()) {
            if v > u64::from(LOCK_VERSION) {
                return Err(Error::InvalidConfig {
                    path: path.to_path_buf(),
                    message: format!("lock format {v} was written by a newer snakebridge (this one reads {LOCK_VERSION}); upgrade snakebridge"),
                });
            }
        }
        serde_json::from_value(probe).map_err(|e| corrupt(path, &e.to_string()))
    }

    /// Reads the lock at `path`.
    pub fn load(path: &Path) -> Result<Lock> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::InvalidConfig {
            path: path.to_path_buf(),
            message: if e.kind() == std::io::ErrorKind::NotFound {
                "no lock file here; run `cargo snakebridge setup` to create it".into()
            } else {
                format!("cannot read the lock file: {e}")
            },
        })?;
        Self::from_json(path, &text)
    }

    /// Writes the lock to `path` atomically; the file is left untouched when the content is
    /// the same, so its modification time only moves when something changed.
    pub fn write(&self, path: &Path) -> Result<()> {
        let text = self.to_json();
        if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
            return Ok(());
        }
        let io = |e: std::io::Error| Error::InvalidConfig {
            path: path.to_path_buf(),
            message: format!("cannot write the lock file: {e}"),
        };
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
        tmp.write_all(text.as_bytes()).map_err(io)?;
        tmp.as_file().sync_all().map_err(io)?;
        tmp.persist(path).map_err(|e| io(e.error))?;
        Ok(())
    }
}

fn min_capability(gpus: &[Gpu]) -> Option<String> {
    gpus.iter()
        .filter_map(|g| g.compute_capability.as_deref())
        .filter_map(|c| super::hardware::parse_capability(c).map(|n| (n, c.to_string())))
        .min_by_key(|(n, _)| *n)
        .map(|(_, c)| c)
}

fn corrupt(path: &Path, why: &str) -> Error {
    Error::InvalidConfig {
        path: path.to_path_buf(),
        message: format!("the lock file is corrupt ({why}); restore it from version control or run `cargo snakebridge setup` to write a new one"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_hash_is_deterministic_and_order_free() {
        let a: BTreeMap<String, String> =
            [("numpy", "2.4.0"), ("six", "1.17.0")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let b: BTreeMap<String, String> =
            [("six", "1.17.0"), ("numpy", "2.4.0")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        assert_eq!(packages_hash(&a), packages_hash(&b));
        // sha256 of "numpy==2.4.0\nsix==1.17.0\n", recomputable with `sha256sum`.
        assert_eq!(packages_hash(&a), sha256_hex(b"numpy==2.4.0\nsix==1.17.0\n"));
        let mut c = a.clone();
        c.insert("six".into(), "1.16.0".into());
        assert_ne!(packages_hash(&a), packages_hash(&c));
    }
}
