//! Comparing `snakebridge.lock` with the machine, the seed's `Lock.Verifier`: platform,
//! accelerator and CUDA version, GPU capabilities, CPU features, interpreter, packages,
//! generator and manifests. Differences that will likely fail are errors; those that may
//! work are warnings (errors too under `--strict`).

use std::fmt;
use std::path::Path;

use super::hardware::{parse_capability, Accelerator, HardwareInfo};
use super::lock::{generator_hash, Lock};
use super::manifests::GeneratedLibrary;
use super::python::InterpreterDetails;
use snakebridge_meta::environment_error::EnvironmentError;

/// How serious a difference is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// May work, could cause issues.
    Warning,
    /// Will likely fail.
    Error,
}

/// One difference between the lock and the machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// How serious it is.
    pub severity: Severity,
    /// What differs and what to do.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{mark}: {}", self.message)
    }
}

/// The outcome: `:ok`, `{:warning, …}` or `{:error, …}` in the seed's terms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    /// Every difference found.
    pub findings: Vec<Finding>,
    /// What was checked and matched, for `--verbose`.
    pub checked: Vec<String>,
}

impl Verification {
    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.severity == Severity::Error)
    }

    /// The warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.severity == Severity::Warning)
    }

    /// Whether the machine is compatible: no errors, and no warnings either when `strict`.
    pub fn is_compatible(&self, strict: bool) -> bool {
        self.findings.iter().all(|f| f.severity == Severity::Warning && !strict)
    }

    /// The seed's exit code: 0 compatible, 1 incompatible (or warnings in strict mode).
    pub fn exit_code(&self, strict: bool) -> i32 {
        if self.is_compatible(strict) {
            0
        } else {
            1
        }
    }

    /// The seed's `verify!`: `Ok` when compatible, else an [`EnvironmentError`] that lists
    /// the errors (and, when `strict`, the warnings).
    pub fn into_result(self, strict: bool) -> snakebridge_runtime::Result<Self> {
        if self.is_compatible(strict) {
            return Ok(self);
        }
        let problems: Vec<String> = self
            .findings
            .iter()
            .filter(|f| strict || f.severity == Severity::Error)
            .map(|f| f.message.clone())
            .collect();
        Err(EnvironmentError::new(
            format!("the environment does not match snakebridge.lock: {}", problems.join("; ")),
            "run `cargo snakebridge verify --verbose` for details",
        )
        .into())
    }

    /// Adds what differs between the `pylock.toml` that `lock` records, the file under
    /// `root` and the venv's `interpreter`: a missing or edited file and a missing package are
    /// errors, another installed version a warning. Nothing is checked when the lock records
    /// no `pylock.toml` (pip wrote it).
    pub fn check_pylock(&mut self, lock: &Lock, root: &Path, interpreter: Option<&InterpreterDetails>) {
        let Some(pylock) = &lock.pylock else { return };
        let problems = pylock.check(root, interpreter);
        if problems.is_empty() {
            self.checked.push(format!("{} ({} package(s), hash {})", pylock.file, pylock.packages.len(), pylock.hash));
        }
        for (is_error, message) in problems {
            if is_error {
                self.error(message);
            } else {
                self.warn(message);
            }
        }
    }

    fn error(&mut self, message: String) {
        self.findings.push(Finding { severity: Severity::Error, message });
    }

    fn warn(&mut self, message: String) {
        self.findings.push(Finding { severity: Severity::Warning, message });
    }
}

const SETUP: &str = "run `cargo snakebridge setup` on this machine and commit the new lock";

/// Compares `lock` with this machine's `hardware`, the venv's `interpreter` (`None` when
/// there is no venv) and the project's current `manifests`.
pub fn verify(
    lock: &Lock,
    hardware: &HardwareInfo,
    interpreter: Option<&InterpreterDetails>,
    manifests: &[GeneratedLibrary],
) -> Verification {
    let mut v = Verification::default();
    let env = &lock.environment;
    if env.platform != hardware.platform {
        v.error(format!(
            "platform mismatch: lock has {}, current is {}; wheels built for one do not load on the other; {SETUP}",
            env.platform, hardware.platform
        ));
    } else {
        v.checked.push(format!("platform {}", hardware.platform));
    }
    check_accelerator(lock, hardware, &mut v);
    check_cpu(lock, hardware, &mut v);
    check_python(lock, interpreter, &mut v);
    if lock.generator_hash != generator_hash() {
        v.warn("the bindings were generated by a different snakebridge version (generator hash differs); run `cargo snakebridge prepare` and `cargo snakebridge setup`".into());
    } else {
        v.checked.push("generator hash".into());
    }
    for (name, lib) in &lock.libraries {
        let (Some(manifest), Some(hash)) = (&lib.manifest, &lib.manifest_hash) else { continue };
        match manifests.iter().find(|m| &m.manifest == manifest) {
            None => v.warn(format!("the manifest {manifest} of `{name}` is missing; run `cargo snakebridge prepare`")),
            Some(m) if &m.hash != hash => v.warn(format!("the manifest {manifest} of `{name}` changed since the lock was written; run `cargo snakebridge setup` to update the lock")),
            Some(_) => v.checked.push(format!("manifest {manifest}")),
        }
    }
    v
}

fn check_accelerator(lock: &Lock, hw: &HardwareInfo, v: &mut Verification) {
    let locked = &lock.environment.hardware;
    match (locked.accelerator, hw.accelerator) {
        (Accelerator::Cuda, Accelerator::Cuda) => {
            let cuda = |s: &Option<String>| s.as_deref().and_then(parse_capability);
            match (cuda(&locked.cuda_version), cuda(&hw.cuda_version)) {
                (Some(l), Some(c)) if l.0 != c.0 => v.error(format!(
                    "CUDA major version mismatch: lock has {}, current has {}; {SETUP}",
                    locked.cuda_version.as_deref().unwrap_or("?"),
                    hw.cuda_version.as_deref().unwrap_or("?")
                )),
                (Some(l), Some(c)) if c < l => v.warn(format!(
                    "CUDA version mismatch: lock has {}, current has {}; the installed wheels may need a newer driver",
                    locked.cuda_version.as_deref().unwrap_or("?"),
                    hw.cuda_version.as_deref().unwrap_or("?")
                )),
                (Some(_), None) => {
                    v.warn("the lock records a CUDA version but none could be read on this machine".into())
                }
                _ => v.checked.push(format!("CUDA {}", hw.cuda_version.as_deref().unwrap_or("?"))),
            }
            if let (Some(min), Some(have)) =
                (lock.compatibility.min_compute_capability.as_deref(), hw.max_compute_capability())
            {
                if parse_capability(&have) < parse_capability(min) {
                    v.error(format!("GPU compute capability {have} is below the {min} of the GPUs the lock was made on; kernels may be missing for this GPU"));
                } else {
                    v.checked.push(format!("compute capability {have} >= {min}"));
                }
            }
        }
        (Accelerator::Rocm, Accelerator::Rocm) => {
            let mm = |s: &Option<String>| s.as_deref().map(|s| s.split('.').take(2).collect::<Vec<_>>().join("."));
            if mm(&locked.rocm_version) != mm(&hw.rocm_version) {
                v.warn(format!(
                    "ROCm version mismatch: lock has {}, current has {}",
                    locked.rocm_version.as_deref().unwrap_or("?"),
                    hw.rocm_version.as_deref().unwrap_or("?")
                ));
            }
        }
        (locked_acc, current) if locked_acc == current => v.checked.push(format!("accelerator {current}")),
        (Accelerator::Cpu, current) => {
            v.checked.push(format!(
                "accelerator: lock made for cpu, this machine has {current} (the CPU wheels run, without the GPU)"
            ));
        }
        (locked_acc, current) => {
            v.error(format!("the lock was made for {locked_acc} but this machine has {current}; {SETUP}"))
        }
    }
    if hw.gpu_count < locked.gpu_count {
        v.warn(format!("fewer GPUs: lock has {}, current has {}", locked.gpu_count, hw.gpu_count));
    }
}

fn check_cpu(lock: &Lock, hw: &HardwareInfo, v: &mut Verification) {
    let have = |f: &String| hw.cpu_features.contains(f);
    let required = &lock.compatibility.required_cpu_features;
    let missing_required: Vec<&String> = required.iter().filter(|f| !have(f)).collect();
    if !missing_required.is_empty() {
        v.error(format!(
            "this CPU lacks {:?}, which the lock requires; wheels built for them crash with an illegal instruction",
            missing_required
        ));
    }
    let missing_other: Vec<&String> =
        lock.environment.hardware.cpu_features.iter().filter(|f| !have(f) && !required.contains(f)).collect();
    if !missing_other.is_empty() {
        v.warn(format!("CPU feature mismatch: this CPU lacks {missing_other:?} that the lock's machine had; some kernels may run slower"));
    }
    if missing_required.is_empty() && missing_other.is_empty() {
        v.checked.push("CPU features".into());
    }
}

fn check_python(lock: &Lock, interpreter: Option<&InterpreterDetails>, v: &mut Verification) {
    let Some(locked) = &lock.environment.python else { return };
    let Some(current) = interpreter else {
        v.error(format!(
            "the lock records Python {} and {} package(s) but there is no venv to check; run `cargo snakebridge setup`",
            locked.version,
            lock.python_packages.len()
        ));
        return;
    };
    let mm = |s: &str| s.split('.').take(2).collect::<Vec<_>>().join(".");
    if mm(&locked.version) != mm(&current.version) {
        v.error(format!(
            "Python version mismatch: lock has {}, the venv has {}; recreate the venv with Python {}",
            locked.version,
            current.version,
            mm(&locked.version)
        ));
    } else if locked.version != current.version {
        v.warn(format!("Python patch version differs: lock has {}, the venv has {}", locked.version, current.version));
    } else {
        v.checked.push(format!("Python {}", current.version));
    }
    if locked.implementation != current.implementation {
        v.error(format!(
            "Python implementation mismatch: lock has {}, the venv has {}",
            locked.implementation, current.implementation
        ));
    }
    for (name, version) in &lock.python_packages {
        match current.packages.get(name) {
            None => v.error(format!("package {name} {version} is not installed; run `cargo snakebridge setup`")),
            Some(have) if have != version => v.warn(format!("package {name}: lock has {version}, installed is {have}")),
            Some(_) => v.checked.push(format!("{name} {version}")),
        }
    }
}
