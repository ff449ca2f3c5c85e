//! The manifest name check over small manifests in a temporary crate directory.

use std::path::{Path, PathBuf};

use super::check_expression;
use crate::inline::parse::parse_expression;
use crate::manifest::DIR_NAME;

/// A crate directory with a `.snakebridge/`, removed on drop.
struct Crate(PathBuf);

impl Crate {
    fn new(tag: &str) -> Self {
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let dir = std::env::temp_dir().join(format!("sb-names-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(dir.join(DIR_NAME)).expect("temp dir");
        Crate(dir)
    }

    fn manifest(&self, file: &str, json: serde_json::Value) -> &Self {
        std::fs::write(self.0.join(DIR_NAME).join(file), json.to_string()).expect("write manifest");
        self
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Crate {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn named(names: &[&str]) -> serde_json::Value {
    names.iter().map(|n| serde_json::json!({ "name": n, "doc": null, "signature": null })).collect()
}

/// A whole-module manifest of `math` with a few of its names.
fn math_crate(tag: &str) -> Crate {
    let c = Crate::new(tag);
    c.manifest(
        "math.0000aaaa.json",
        serde_json::json!({
            "schema_version": 3,
            "module": "math",
            "config": { "module": "math" },
            "introspection": {
                "name": "math",
                "functions": named(&["sqrt", "floor", "isclose"]),
                "constants": [{ "name": "pi", "type": "float", "repr": "3.14" }],
            }
        }),
    );
    c
}

fn check(src: &str, dir: &Path) -> Result<(), String> {
    let expr = parse_expression(src.parse().expect("tokens")).expect("expression");
    check_expression(&expr, dir).map_err(|e| e.to_string())
}

#[test]
fn misspelt_function_is_reported_with_the_closest_name_and_the_manifest() {
    let c = math_crate("typo");
    let err = check("math.sqtr(#x)", c.path()).unwrap_err();
    assert!(err.contains("`math` has no `sqtr`"), "{err}");
    assert!(err.contains("did you mean `sqrt`?"), "{err}");
    assert!(err.contains("according to its manifest in `.snakebridge/`"), "{err}");
}

#[test]
fn known_names_pass() {
    let c = math_crate("known");
    check("math.sqrt(#x) + math.floor(math.pi)", c.path()).unwrap();
    check("[math.isclose(1.0, 1.0), math.__name__]", c.path()).unwrap();
}

#[test]
fn names_inside_arguments_and_operators_are_checked() {
    let c = math_crate("nested");
    let err = check("len([1, 2]) + math.floor(-math.pj)", c.path()).unwrap_err();
    assert!(err.contains("did you mean `pi`?"), "{err}");
}

#[test]
fn unknown_name_far_from_every_known_one_passes() {
    // Could be a submodule imported on demand or a re-export the manifest leaves out.
    let c = math_crate("far");
    check("math.something_else(1)", c.path()).unwrap();
}

#[test]
fn modules_without_a_manifest_and_crates_without_a_directory_pass() {
    let c = math_crate("other");
    check("json.dumsp(1)", c.path()).unwrap();
    check("math.sqtr(1)", &std::env::temp_dir().join("sb-names-does-not-exist")).unwrap();
}

#[test]
fn include_manifest_is_checked_against_the_whole_module_listing() {
    let c = Crate::new("include");
    c.manifest(
        "math.0000bbbb.json",
        serde_json::json!({
            "config": { "module": "math", "include": ["sqrt"] },
            "introspection": {
                "name": "math",
                "functions": named(&["sqrt"]),
                "available": ["floor", "sqrt", "tau"],
            }
        }),
    );
    // `floor` is not in the bindings but the module has it.
    check("math.floor(1.5)", c.path()).unwrap();
    let err = check("math.flor(1.5)", c.path()).unwrap_err();
    assert!(err.contains("did you mean `floor`?"), "{err}");
}

#[test]
fn excluded_names_exist() {
    let c = Crate::new("exclude");
    c.manifest(
        "math.0000cccc.json",
        serde_json::json!({
            "config": { "module": "math", "exclude": ["floor"] },
            "introspection": { "name": "math", "functions": named(&["sqrt"]) }
        }),
    );
    check("math.floor(1.5)", c.path()).unwrap();
}

#[test]
fn dotted_modules_and_submodules() {
    let c = Crate::new("dotted");
    c.manifest(
        "os.path.0000dddd.json",
        serde_json::json!({ "config": { "module": "os.path" }, "introspection": { "name": "os.path", "functions": named(&["join"]) } }),
    );
    c.manifest(
        "numpy.0000eeee.json",
        serde_json::json!({
            "config": { "module": "numpy", "submodules": ["linalg"] },
            "introspection": {
                "name": "numpy",
                "functions": named(&["mean"]),
                "submodules": [{ "name": "numpy.linalg", "functions": named(&["norm"]) }],
            }
        }),
    );
    check("os.path.join('a', 'b')", c.path()).unwrap();
    assert!(check("os.path.joni('a', 'b')", c.path()).unwrap_err().contains("`os.path` has no `joni`"));
    // `os` itself has no manifest: `os.getcwd` is not checked against `os.path`'s.
    check("os.getcdw()", c.path()).unwrap();
    check("numpy.linalg.norm(#a)", c.path()).unwrap();
    let err = check("numpy.linalg.nrom(#a)", c.path()).unwrap_err();
    assert!(err.contains("`numpy.linalg` has no `nrom`") && err.contains("`norm`"), "{err}");
}

#[test]
fn several_configurations_of_a_module_are_merged() {
    let c = math_crate("merged");
    c.manifest(
        "math.0000ffff.json",
        serde_json::json!({ "config": { "module": "math", "include": ["tau"] }, "introspection": { "name": "math", "constants": [{ "name": "tau" }] } }),
    );
    check("math.tau", c.path()).unwrap();
    let err = check("math.florr", c.path()).unwrap_err();
    assert!(err.contains("did you mean `floor`?"), "{err}");
}

#[test]
fn corrupt_manifest_is_ignored() {
    let c = Crate::new("corrupt");
    std::fs::write(c.path().join(DIR_NAME).join("math.00001111.json"), "{ not json").unwrap();
    check("math.sqtr(1)", c.path()).unwrap();
}

#[test]
fn a_changed_manifest_is_read_again() {
    let c = Crate::new("changed");
    check("math.sqtr(1)", c.path()).unwrap();
    c.manifest(
        "math.00002222.json",
        serde_json::json!({ "config": { "module": "math" }, "introspection": { "name": "math", "functions": named(&["sqrt"]) } }),
    );
    assert!(check("math.sqtr(1)", c.path()).is_err());
}
