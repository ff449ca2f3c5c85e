//! The manifest cache against the real Python: regeneration, staleness, offline and strict
//! modes, corrupt files, and classified introspection failures.

use std::time::Duration;

use snakebridge_introspect::config::LibraryConfig;
use snakebridge_introspect::introspect::{introspect, IntrospectErrorKind, PythonEnv};
use snakebridge_introspect::manifest::{load, read, staleness, write_if_changed, Manifest, Mode, Origin, Staleness};
use snakebridge_introspect::model::{PackageInfo, SCHEMA_VERSION};
use snakebridge_introspect::Error;

mod support;
use support::{python, python_with_modules, TempDir};

fn mode(offline: bool, strict: bool) -> Mode {
    Mode { offline, strict, timeout: Duration::from_secs(30), python: python() }
}

#[test]
fn a_missing_manifest_is_introspected_written_and_then_served_from_the_cache() {
    let dir = TempDir::new("fresh");
    let config = LibraryConfig { include: vec!["sqrt".into(), "pi".into()], ..LibraryConfig::new("math") };
    let first = load(&dir.0, &config, &mode(false, false)).unwrap();
    assert_eq!(first.origin, Origin::Introspected);
    let text = std::fs::read_to_string(&first.path).unwrap();
    assert!(text.ends_with("}\n") && text.contains("\n  \"schema_version\""), "pretty JSON with a trailing newline");
    assert_eq!(first.manifest.introspection.functions[0].name, "sqrt");
    assert_eq!(first.manifest.introspection.constants[0].name, "pi");

    // Warm: read from the file, even offline (no Python may run).
    let second = load(&dir.0, &config, &mode(true, false)).unwrap();
    assert_eq!(second.origin, Origin::Cache);
    assert_eq!(second.manifest, first.manifest);
    assert!(!write_if_changed(&first.path, &first.manifest).unwrap(), "unchanged content is not rewritten");
}

#[test]
fn offline_without_a_manifest_fails_and_names_the_fix() {
    let dir = TempDir::new("offline");
    let err = load(&dir.0, &LibraryConfig::new("math"), &mode(true, false)).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Offline { .. }), "{text}");
    assert!(
        text.contains("SNAKEBRIDGE_OFFLINE=1") && text.contains("does not exist") && text.contains(".snakebridge/"),
        "{text}"
    );
}

#[test]
fn a_manifest_of_an_older_schema_is_stale_strict_fails_and_a_normal_build_regenerates() {
    let dir = TempDir::new("schema");
    let config = LibraryConfig { include: vec!["floor".into()], ..LibraryConfig::new("math") };
    let loaded = load(&dir.0, &config, &mode(false, false)).unwrap();
    let mut old = loaded.manifest.clone();
    old.schema_version = SCHEMA_VERSION - 1;
    write_if_changed(&loaded.path, &old).unwrap();

    let err = load(&dir.0, &config, &mode(false, true)).unwrap_err();
    assert!(matches!(err, Error::Strict { .. }), "{err}");
    assert!(err.to_string().contains("introspection schema"), "{err}");

    let again = load(&dir.0, &config, &mode(false, false)).unwrap();
    assert_eq!(again.origin, Origin::Introspected);
    assert_eq!(read(&loaded.path).unwrap().unwrap().schema_version, SCHEMA_VERSION);
}

#[test]
fn corrupt_and_hand_edited_manifests_are_clear_errors() {
    let dir = TempDir::new("corrupt");
    let config = LibraryConfig::new("math");
    let path = dir.0.join(".snakebridge").join(config.manifest_file_name());
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    for bad in ["{not json", "{\"schema_version\": 2}", "", "[1, 2]"] {
        std::fs::write(&path, bad).unwrap();
        let err = load(&dir.0, &config, &mode(false, false)).unwrap_err();
        assert!(matches!(err, Error::CorruptManifest { .. }), "{bad:?}: {err}");
        assert!(err.to_string().contains("delete it"), "{err}");
    }
}

fn manifest_with(package: PackageInfo) -> Manifest {
    let json = serde_json::json!({
        "schema_version": SCHEMA_VERSION,
        "module": "numpy",
        "config": {"module": "numpy"},
        "package": package,
        "python_version": "3.11.7",
        "introspection": {"name": "numpy", "doc": null},
    });
    serde_json::from_value(json).unwrap()
}

#[test]
fn staleness_is_decided_from_the_venv_files_without_python() {
    let venv = TempDir::new("venv");
    std::fs::write(venv.0.join("pyvenv.cfg"), "home = /usr/bin\nversion = 3.11.9\n").unwrap();
    let site = venv.0.join("lib").join("python3.11").join("site-packages");
    std::fs::create_dir_all(site.join("numpy-2.4.6.dist-info")).unwrap();
    let config = LibraryConfig::new("numpy");

    let fresh = manifest_with(PackageInfo {
        distribution: Some("numpy".into()),
        version: "2.4.6".into(),
        ..Default::default()
    });
    assert_eq!(staleness(&fresh, &config, &venv.0, Some(&venv.0), true), None);

    let old = manifest_with(PackageInfo {
        distribution: Some("numpy".into()),
        version: "1.26.4".into(),
        ..Default::default()
    });
    let reason = staleness(&old, &config, &venv.0, Some(&venv.0), true).unwrap();
    assert!(matches!(reason, Staleness::PackageVersion { .. }));
    assert_eq!(reason.describe(), "describes numpy 1.26.4 but 2.4.6 is installed");
    assert_eq!(
        staleness(&old, &config, &venv.0, Some(&venv.0), false),
        None,
        "offline builds do not look at installed versions"
    );

    let stdlib = manifest_with(PackageInfo { distribution: None, version: "3.11.7".into(), ..Default::default() });
    assert!(matches!(
        staleness(&stdlib, &config, &venv.0, Some(&venv.0), true),
        Some(Staleness::PackageVersion { .. })
    ));

    let other = LibraryConfig { include: vec!["mean".into()], ..LibraryConfig::new("numpy") };
    assert_eq!(staleness(&fresh, &other, &venv.0, Some(&venv.0), true), Some(Staleness::Config));
}

#[test]
#[cfg(unix)]
fn introspection_failures_are_classified_with_a_suggestion() {
    let dir = TempDir::new("fail");
    let py = python_with_modules(
        &dir.0,
        &[
            ("sb_broken", "import sb_missing_dependency_xyz\n"),
            ("sb_raises", "raise RuntimeError('boom at import')\n"),
            ("sb_hangs", "import time\ntime.sleep(60)\n"),
            ("sb_prints", "print('noise on stdout')\nimport os\nos.write(1, b'more noise')\nx = None\n"),
        ],
    );
    let timeout = Duration::from_secs(20);

    let err = introspect(&py, &LibraryConfig::new("sb_no_such_package"), timeout).unwrap_err();
    assert_eq!(err.kind, IntrospectErrorKind::PackageNotFound, "{err}");
    assert!(err.to_string().contains("pip install sb_no_such_package"), "{err}");

    let err = introspect(&py, &LibraryConfig::new("sb_broken"), timeout).unwrap_err();
    assert_eq!(err.kind, IntrospectErrorKind::ImportError, "a missing dependency is not the package itself: {err}");

    let err = introspect(&py, &LibraryConfig::new("sb_raises"), timeout).unwrap_err();
    assert_eq!(err.kind, IntrospectErrorKind::ImportError, "{err}");
    assert!(err.to_string().contains("boom at import"), "{err}");

    let started = std::time::Instant::now();
    let err = introspect(&py, &LibraryConfig::new("sb_hangs"), Duration::from_millis(1500)).unwrap_err();
    assert_eq!(err.kind, IntrospectErrorKind::Timeout, "{err}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(err.to_string().contains("SNAKEBRIDGE_INTROSPECT_TIMEOUT_MS"), "{err}");

    // Output printed while importing does not corrupt the JSON; a None value is still an attribute.
    let ok = introspect(&py, &LibraryConfig::new("sb_prints"), timeout).unwrap();
    let x = ok.module.constants.iter().find(|c| c.name == "x").expect("x is reported");
    assert_eq!(x.type_name, "NoneType");

    let missing = PythonEnv::interpreter(dir.0.join("no-python-here"));
    let err = introspect(&missing, &LibraryConfig::new("math"), timeout).unwrap_err();
    assert_eq!(err.kind, IntrospectErrorKind::PythonNotFound, "{err}");
}

#[test]
fn prepare_checks_and_refreshes_every_manifest() {
    use snakebridge_introspect::manifest::{prepare, Status};
    let dir = TempDir::new("prepare");
    let config = LibraryConfig { include: vec!["gcd".into(), "e".into()], ..LibraryConfig::new("math") };
    let loaded = load(&dir.0, &config, &mode(false, false)).unwrap();

    let report = prepare(&dir.0, &mode(false, false), true);
    assert_eq!(report.len(), 1);
    assert!(matches!(report[0].status, Status::Fresh), "{report:?}");

    // A hand edit (a function removed) is caught by --check and repaired by a refresh.
    let mut edited = loaded.manifest.clone();
    edited.introspection.functions.clear();
    write_if_changed(&loaded.path, &edited).unwrap();
    let report = prepare(&dir.0, &mode(false, false), true);
    assert!(report[0].is_problem() && matches!(report[0].status, Status::Stale(None)), "{report:?}");
    let report = prepare(&dir.0, &mode(false, false), false);
    assert!(matches!(report[0].status, Status::Updated), "{report:?}");
    assert_eq!(read(&loaded.path).unwrap().unwrap(), loaded.manifest);

    // A corrupt file is reported, not skipped.
    std::fs::write(dir.0.join(".snakebridge").join("math.00000000.json"), "{").unwrap();
    let report = prepare(&dir.0, &mode(false, false), true);
    assert_eq!(report.iter().filter(|e| e.is_problem()).count(), 1, "{report:?}");
}

#[test]
#[cfg(unix)]
fn editing_a_local_module_makes_its_manifest_stale() {
    // The crate directory holds the module, as a project's `python_path` directory would.
    let dir = TempDir::new("local");
    let py = python_with_modules(&dir.0, &[("sb_local_edit", "def area(r):\n    return 3 * r * r\n")]);
    let local = Mode { python: py, ..mode(false, false) };
    let config = LibraryConfig::new("sb_local_edit");
    let first = load(&dir.0, &config, &local).unwrap();
    assert_eq!(first.origin, Origin::Introspected);
    let sources = &first.manifest.package.sources;
    assert_eq!(sources.len(), 1, "{sources:?}");
    assert_eq!(sources[0].path, "sb_local_edit.py", "relative to the crate directory");
    assert_eq!(load(&dir.0, &config, &local).unwrap().origin, Origin::Cache, "unchanged: served from the cache");

    // An edit (a new function) makes the cached manifest stale, and the expansion sees it.
    std::fs::write(
        dir.0.join("sb_local_edit.py"),
        "def area(r):\n    return 3 * r * r\n\ndef volume(r):\n    return r\n",
    )
    .unwrap();
    let reason = staleness(&first.manifest, &config, &dir.0, local.python.venv.as_deref(), true).unwrap();
    assert_eq!(reason, Staleness::Source { path: "sb_local_edit.py".into() });
    assert!(reason.describe().contains("`sb_local_edit.py`, which has changed since"), "{}", reason.describe());
    let second = load(&dir.0, &config, &local).unwrap();
    assert_eq!(second.origin, Origin::Introspected);
    assert!(second.manifest.introspection.functions.iter().any(|f| f.name == "volume"));
    // Offline builds trust the file (no Python may run), as for installed versions.
    std::fs::write(dir.0.join("sb_local_edit.py"), "def area(r):\n    return r\n").unwrap();
    assert_eq!(load(&dir.0, &config, &Mode { offline: true, ..local.clone() }).unwrap().origin, Origin::Cache);
    // The standard library and installed distributions record no sources.
    assert!(load(&dir.0, &LibraryConfig::new("math"), &mode(false, false))
        .unwrap()
        .manifest
        .package
        .sources
        .is_empty());
}
