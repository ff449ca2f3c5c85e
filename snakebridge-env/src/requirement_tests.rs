use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::*;
use crate::PythonEnv;

fn r(s: &str) -> Requirement {
    Requirement::parse(s).unwrap_or_else(|| panic!("{s} parses"))
}

#[test]
fn parses_names_extras_specifiers_and_markers() {
    let p = r("pandas[excel, parquet]>=2.0,<3");
    assert_eq!(p.name, "pandas");
    assert_eq!(p.extras, vec!["excel", "parquet"]);
    assert_eq!(p.specifiers, vec![(">=".into(), "2.0".into()), ("<".into(), "3".into())]);
    assert_eq!(r("six").specifiers, vec![]);
    assert_eq!(r("Typing_Extensions>=4").name, "Typing_Extensions", "the name as written");
    assert!(Requirement::parse(">=1").is_none());
    assert!(Requirement::parse("numpy=>1").is_none(), "a bad operator is not silently ignored");
    assert!(Requirement::parse("numpy; python_version <").is_none(), "nor a broken marker");
    let m = r("numpy; python_version<'3.0'");
    assert_eq!((m.name.as_str(), m.specifiers.is_empty()), ("numpy", true));
    assert!(m.markers.is_some(), "{m:?}");
    assert!(r("pkg @ https://example.com/pkg-1.0.tar.gz").is_satisfied_by("0.1"), "a URL is taken by name");
}

#[test]
fn markers_follow_the_environment() {
    let mut env: BTreeMap<String, String> = [
        ("implementation_name", "cpython"),
        ("implementation_version", "3.11.7"),
        ("os_name", "posix"),
        ("platform_machine", "x86_64"),
        ("platform_python_implementation", "CPython"),
        ("platform_release", "6.1.0"),
        ("platform_system", "Linux"),
        ("platform_version", "#1 SMP"),
        ("python_full_version", "3.11.7"),
        ("python_version", "3.11"),
        ("sys_platform", "linux"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert!(!r("numpy; python_version<'3.0'").applies_in(&env));
    assert!(r("numpy; python_version>='3.9' and sys_platform == 'linux'").applies_in(&env));
    assert!(!r("pywin32; sys_platform == 'win32'").applies_in(&env));
    assert!(r("tomli; python_version < '3.12'").applies_in(&env));
    env.insert("python_version".into(), "3.12".into());
    env.insert("python_full_version".into(), "3.12.1".into());
    assert!(!r("tomli; python_version < '3.12'").applies_in(&env));
    assert!(r("six").applies_in(&BTreeMap::new()), "no marker applies everywhere");
    assert!(r("tomli; python_version < '3.12'").applies_in(&BTreeMap::new()), "unknown: leave it to pip");
}

#[test]
fn pep503_names() {
    assert_eq!(normalize_name("Pillow"), "pillow");
    assert_eq!(normalize_name("typing_extensions"), "typing-extensions");
    assert_eq!(normalize_name("zope.interface"), "zope-interface");
    assert_eq!(normalize_name("a__b--c"), "a-b-c");
}

/// Specifier, version: the issue's nine disagreements and PEP 440's other corners.
const PAIRS: &[(&str, &str)] = &[
    ("<2.0", "2.0rc1"),
    ("==1.0", "1.0.post1"),
    (">=1.0", "1!0.5"),
    ("<3", "3.0.0a1"),
    ("==1!1.0", "1!1.0"),
    ("==1.0", "1!1.0"),
    (">1.0", "1.0.post1"),
    (">1.0", "1.1.dev0"),
    ("<=2.0", "2.0.post1"),
    ("==1.0", "1.0+local"),
    ("==1.0+local", "1.0"),
    ("!=1.0", "1.0+local"),
    ("<1.0", "1.0.dev0"),
    (">1.0.dev0", "1.0"),
    (">=2.0", "2.0rc1"),
    ("<2.0rc1", "2.0b2"),
    (">2.0a1", "2.0a2"),
    ("~=2.2", "2.3"),
    ("~=2.2", "3.0"),
    ("~=2.2.0", "2.2.5"),
    ("~=2.2.0", "2.3.0"),
    ("~=1.4.5a4", "1.4.5"),
    ("~=1.0", "1.0rc1"),
    ("==2.*", "2.4.1"),
    ("==2.*", "3.0"),
    ("!=2.*", "2.4.1"),
    ("==1.1.*", "1.1.0.dev1"),
    ("==1.1.*", "1.10"),
    ("!=1.1.*", "1.10"),
    ("==1.0.*", "1.0+local"),
    ("===1.0", "1.0"),
    ("===1.0", "1.0.0"),
    ("==1.0", "1.0.0"),
    ("==1.0.0.0", "1"),
    (">10", "10.1"),
    (">10", "9.99"),
    ("<=1.26.4", "1.26.4"),
    (">=1.26,<3", "2.4.0"),
    (">=1.26,<2", "2.4.0"),
    ("==2.1.0", "2.1.0+cu121"),
    (">=2.1.0", "2.1.0+cu121"),
    ("<2.1.0", "2.1.0+cu121"),
    (">2.1.0", "2.1.0+cu121"),
    ("<=2.1.0", "2.1.0+cu121"),
    (">=1.0", "v1.0"),
    ("==1.0a1", "1.0alpha1"),
    ("==1.0rc1", "1.0c1"),
    ("==1.0.post1", "1.0-1"),
    ("==1.0.dev1", "1.0-dev1"),
    (">=1.0", "1.0.post1.dev1"),
    ("<1.0.post1", "1.0.post1.dev1"),
    (">1.0.post1.dev1", "1.0.post1"),
    ("!=1.0.post1", "1.0.post1"),
    ("<1!0.1", "2.0"),
    (">0.9", "1!0.1"),
    ("==0.9", "0.9.0+ubuntu1"),
    (">=3.0.0a1", "3.0.0"),
    ("<3.0.0a1", "3.0.0.dev1"),
    ("~=3.0.0a1", "3.0.0a2"),
    ("==1.0.*,!=1.0.3", "1.0.3"),
    (">=0,<0.1", "0.0.1"),
    ("<1", "1.0.0rc1"),
    (">1", "1.0.1"),
];

const PACKAGING: &str = r#"
import json, sys
from packaging.specifiers import SpecifierSet
from packaging.version import Version
print(json.dumps([SpecifierSet(s).contains(Version(v), prereleases=True) for s, v in json.loads(sys.argv[1])]))
"#;

fn test_venv() -> PythonEnv {
    let venv = snakebridge_meta::venv::VenvSearch::new(Path::new(env!("CARGO_MANIFEST_DIR")))
        .find(|n| std::env::var(n).ok())
        .expect("the venv setting reads")
        .expect("the project venv (scripts/test creates .venv)");
    PythonEnv::new(venv.path)
}

fn python_json(python: &Path, script: &str, arg: &str) -> serde_json::Value {
    let out = snakebridge_meta::process::run_with_timeout(
        Command::new(python).args(["-c", script, arg]),
        Duration::from_secs(120),
    )
    .expect("the venv's python runs");
    assert!(
        out.success(),
        "{}\n(install the test requirements: .venv/bin/pip install -r python/requirements-test.txt)",
        out.stderr_text()
    );
    serde_json::from_slice(&out.stdout).expect("JSON from the script")
}

#[test]
fn versions_match_as_packaging_decides() {
    let env = test_venv();
    let pairs = serde_json::to_string(PAIRS).unwrap();
    let theirs = python_json(&env.python(), PACKAGING, &pairs);
    let theirs = theirs.as_array().expect("a list");
    assert_eq!(theirs.len(), PAIRS.len());
    let disagreements: Vec<String> = PAIRS
        .iter()
        .zip(theirs)
        .filter_map(|((spec, version), them)| {
            let ours = r(&format!("x{spec}")).is_satisfied_by(version);
            (Some(ours) != them.as_bool()).then(|| format!("{spec} on {version}: ours {ours}, packaging {them}"))
        })
        .collect();
    assert!(
        disagreements.is_empty(),
        "{} of {} disagree:\n{}",
        disagreements.len(),
        PAIRS.len(),
        disagreements.join("\n")
    );
    assert!(PAIRS.len() >= 50);
}

const MARKERS: &[&str] = &[
    "python_version < '3.0'",
    "python_version >= '3.8'",
    "python_full_version >= '3.9.1' and python_version < '4'",
    "sys_platform == 'linux'",
    "sys_platform == 'win32' or sys_platform == 'darwin'",
    "platform_machine == 'x86_64'",
    "platform_machine == 'aarch64' or platform_machine == 'arm64'",
    "os_name == 'nt'",
    "platform_system != 'Windows'",
    "implementation_name == 'cpython'",
    "platform_python_implementation == 'PyPy'",
    "'linux' in sys_platform",
    "python_version ~= '3.1'",
];

const PACKAGING_MARKERS: &str = r#"
import json, sys
from packaging.markers import Marker
print(json.dumps([Marker(m).evaluate() for m in json.loads(sys.argv[1])]))
"#;

#[test]
fn markers_are_evaluated_as_the_venvs_python_would() {
    let env = test_venv();
    let details = env.inspect().expect("the test venv inspects");
    assert!(details.markers.get("python_version").is_some_and(|v| v.starts_with("3.")), "{:?}", details.markers);
    let theirs = python_json(&env.python(), PACKAGING_MARKERS, &serde_json::to_string(MARKERS).unwrap());
    for (marker, them) in MARKERS.iter().zip(theirs.as_array().expect("a list")) {
        let ours = r(&format!("x; {marker}")).applies_in(&details.markers);
        assert_eq!(Some(ours), them.as_bool(), "{marker}: ours {ours}, packaging {them}");
    }
    assert!(!r("numpy; python_version<'3.0'").applies_in(&details.markers), "not required on Python 3");
}

#[test]
fn a_requirement_whose_marker_does_not_hold_in_the_venv_is_not_missing() {
    let details = test_venv().inspect().expect("the test venv inspects");
    let project = crate::ProjectConfig::parse(
        Path::new("/p/Cargo.toml"),
        "[package.metadata.snakebridge.python_deps]\n\
         no_such_dist_a = \">=1; python_version < '3.0'\"\n\
         no_such_dist_b = \">=1; python_version >= '3.0'\"\n",
    )
    .unwrap();
    assert_eq!(crate::missing_packages(&project, &details), vec!["no_such_dist_b>=1; python_version >= '3.0'"]);
}
