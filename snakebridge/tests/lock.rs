//! snakebridge.lock: built from the real venv and the real probe, written atomically with
//! stable formatting, read back, and verified (compatible, warning, incompatible).

use std::path::PathBuf;
use std::process::Command;

use snakebridge::env::{
    generated_libraries, packages_hash, verify, Accelerator, HardwareInfo, Lock, ProjectConfig, PythonEnv, Severity,
};

/// A change made to a freshly built lock.
type Change = Box<dyn Fn(&mut Lock)>;

/// The project venv the test suite runs with (scripts/test creates it with numpy).
fn project_venv() -> PathBuf {
    std::env::var_os("SNAKEBRIDGE_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv"))
}

struct Fixture {
    _dir: tempfile::TempDir,
    project: ProjectConfig,
    hardware: HardwareInfo,
    details: snakebridge::env::InterpreterDetails,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let venv = project_venv();
    assert!(venv.join("pyvenv.cfg").is_file(), "the test venv {} is missing; run scripts/test", venv.display());
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!(
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\n\n[package.metadata.snakebridge]\nvenv = {:?}\n\n[package.metadata.snakebridge.python_deps]\nnumpy = \">=1.26\"\njson = \"stdlib\"\n",
            venv.to_string_lossy()
        ),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join(".snakebridge")).unwrap();
    std::fs::write(dir.path().join(".snakebridge/numpy.json"), "{\"module\": \"numpy\", \"package\": {\"version\": \"2.4.0\"}, \"introspection\": {\"name\": \"numpy\", \"functions\": [{\"name\": \"mean\"}, {\"name\": \"array\"}], \"classes\": [{\"name\": \"ndarray\"}]}}\n").unwrap();
    let project = ProjectConfig::load(dir.path().join("Cargo.toml")).unwrap();
    let details = PythonEnv::new(project.venv_path()).inspect().unwrap();
    Fixture { _dir: dir, project, hardware: HardwareInfo::probe(), details }
}

impl Fixture {
    fn lock(&self) -> Lock {
        Lock::build(&self.project, Some(&self.details), &self.hardware)
    }
    fn verify(&self, lock: &Lock) -> snakebridge::env::Verification {
        verify(lock, &self.hardware, Some(&self.details), &generated_libraries(&self.project.root))
    }
}

#[test]
fn the_lock_records_the_real_environment() {
    let f = fixture();
    let lock = f.lock();
    // numpy's version, asked of the venv's own interpreter independently of snakebridge.
    let out = Command::new(PythonEnv::new(f.project.venv_path()).python())
        .args(["-c", "import numpy; print(numpy.__version__)"])
        .output()
        .unwrap();
    let numpy = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(lock.python_packages.get("numpy"), Some(&numpy));
    assert_eq!(lock.python_packages_hash, packages_hash(&lock.python_packages));
    let python = lock.environment.python.as_ref().unwrap();
    assert_eq!(python.implementation, "CPython");
    assert!(python.version.starts_with("3."), "{python:?}");
    assert_eq!(lock.environment.platform.os, std::env::consts::OS);
    assert_eq!(lock.environment.hardware.cpu_features, f.hardware.cpu_features);
    assert_eq!(lock.compatibility.python.as_deref(), Some(&python.version[..python.version.rfind('.').unwrap()]));
    let json = &lock.libraries["json"];
    assert!(json.stdlib && json.requirement.is_none());
    assert_eq!(json.version.as_deref(), Some(python.version.as_str()));
    let np = &lock.libraries["numpy"];
    assert_eq!(np.requirement.as_deref(), Some("numpy>=1.26"));
    assert_eq!(np.manifest.as_deref(), Some(".snakebridge/numpy.json"));
    assert!(np.manifest_hash.as_deref().unwrap().starts_with("sha256:"));
    let libs = generated_libraries(&f.project.root);
    assert_eq!((libs[0].functions, libs[0].classes), (2, 1));
}

#[test]
fn written_atomically_with_stable_formatting_and_read_back() {
    let f = fixture();
    let lock = f.lock();
    let path = f.project.lock_path();
    lock.write(&path).unwrap();
    let first = std::fs::read_to_string(&path).unwrap();
    assert!(first.ends_with("}\n"), "trailing newline");
    assert!(first.contains("\n  \"lock_version\": 1,\n"), "pretty JSON:\n{first}");
    let json_at = first.find("\"json\": {").unwrap();
    let numpy_at = first.find("\"numpy\": {").unwrap();
    assert!(json_at < numpy_at, "libraries sorted by name");
    assert_eq!(Lock::load(&path).unwrap(), lock, "round trip");
    // A second build of the same machine writes the same bytes.
    f.lock().write(&path).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), first);
    let leftovers: Vec<_> = std::fs::read_dir(&f.project.root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left: {leftovers:?}");
}

#[test]
fn corrupt_and_future_locks_are_refused_with_the_fix() {
    let f = fixture();
    let path = f.project.lock_path();
    std::fs::write(&path, "{\"lock_version\": 1, \"environment\": ").unwrap();
    let err = Lock::load(&path).unwrap_err().to_string();
    assert!(err.contains("corrupt") && err.contains("cargo snakebridge setup"), "{err}");
    let mut future: serde_json::Value = serde_json::from_str(&f.lock().to_json()).unwrap();
    future["lock_version"] = 99.into();
    std::fs::write(&path, future.to_string()).unwrap();
    let err = Lock::load(&path).unwrap_err().to_string();
    assert!(err.contains("newer snakebridge"), "{err}");
    let err = Lock::load(&f.project.root.join("absent.lock")).unwrap_err().to_string();
    assert!(err.contains("no lock file"), "{err}");
}

#[test]
fn the_same_machine_is_compatible_even_in_strict_mode() {
    let f = fixture();
    let v = f.verify(&f.lock());
    assert!(v.findings.is_empty(), "{:?}", v.findings);
    assert_eq!((v.exit_code(false), v.exit_code(true)), (0, 0));
    assert!(v.checked.iter().any(|c| c.starts_with("numpy ")), "{:?}", v.checked);
    assert!(f.lock().generator_unchanged());
    assert!(v.into_result(true).is_ok());
}

#[test]
fn drift_that_may_work_is_a_warning() {
    let f = fixture();
    let cases: Vec<(&str, Change)> = vec![
        (
            "package version",
            Box::new(|l: &mut Lock| {
                l.python_packages.insert("numpy".into(), "1.0.0".into());
            }),
        ),
        ("extra CPU feature", Box::new(|l: &mut Lock| l.environment.hardware.cpu_features.push("avx512_fp16".into()))),
        ("more GPUs", Box::new(|l: &mut Lock| l.environment.hardware.gpu_count += 1)),
        ("generator", Box::new(|l: &mut Lock| l.generator_hash = "sha256:00".into())),
        (
            "manifest",
            Box::new(|l: &mut Lock| l.libraries.get_mut("numpy").unwrap().manifest_hash = Some("sha256:00".into())),
        ),
    ];
    for (what, change) in cases {
        let mut lock = f.lock();
        change(&mut lock);
        if what == "extra CPU feature" && f.hardware.cpu_features.iter().any(|x| x == "avx512_fp16") {
            continue;
        }
        let v = f.verify(&lock);
        assert!(
            v.findings.iter().all(|x| x.severity == Severity::Warning) && !v.findings.is_empty(),
            "{what}: {:?}",
            v.findings
        );
        assert_eq!((v.exit_code(false), v.exit_code(true)), (0, 1), "{what}");
    }
}

#[test]
fn incompatible_machines_are_errors() {
    let f = fixture();
    let cases: Vec<(&str, &str, Change)> = vec![
        ("platform", "platform mismatch", Box::new(|l: &mut Lock| l.environment.platform.os = "windows".into())),
        (
            "cuda lock on this machine",
            "made for cuda",
            Box::new(|l: &mut Lock| {
                l.environment.hardware.accelerator = Accelerator::Cuda;
                l.environment.hardware.cuda_version = Some("12.1".into());
            }),
        ),
        (
            "required CPU feature",
            "illegal instruction",
            Box::new(|l: &mut Lock| l.compatibility.required_cpu_features.push("avx10_2".into())),
        ),
        (
            "python minor",
            "Python version mismatch",
            Box::new(|l: &mut Lock| l.environment.python.as_mut().unwrap().version = "3.9.18".into()),
        ),
        (
            "missing package",
            "not installed",
            Box::new(|l: &mut Lock| {
                l.python_packages.insert("snakebridge-not-installed".into(), "1.0".into());
            }),
        ),
    ];
    for (what, message, change) in cases {
        let mut lock = f.lock();
        change(&mut lock);
        let v = f.verify(&lock);
        let errors: Vec<_> = v.errors().map(|e| e.message.clone()).collect();
        assert!(errors.iter().any(|e| e.contains(message)), "{what}: {errors:?}");
        assert_eq!(v.exit_code(false), 1, "{what}");
        let err = v.into_result(false).unwrap_err();
        assert!(matches!(&err, snakebridge::Error::Environment(e) if e.message.contains(message)), "{what}: {err}");
    }
    // No venv at all while the lock records an interpreter.
    let v = verify(&f.lock(), &f.hardware, None, &[]);
    assert!(v.errors().any(|e| e.message.contains("no venv")), "{:?}", v.findings);
}
