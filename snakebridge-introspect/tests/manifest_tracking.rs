//! Cargo rebuilds a crate when one of the files its expansion includes changes. The expansion
//! includes the manifest's stamp, not the manifest (whose bytes `cargo expand` would print):
//! this checks that the stamp it names changes whenever the manifest does — written by
//! snakebridge, or edited by hand and seen by the next expansion — and stays put otherwise.

use std::path::{Path, PathBuf};

use quote::quote;
use snakebridge_introspect::manifest::{read, write_if_changed};

fn expand(crate_dir: &Path) -> String {
    let env = |name: &str| (name == "SNAKEBRIDGE_OFFLINE").then(|| "1".to_owned());
    snakebridge_introspect::expand::expand_in(
        crate_dir,
        quote!("math"),
        quote!(
            mod math {}
        ),
        &env,
    )
    .to_string()
}

/// The one file the expansion `include_bytes!`s.
fn included(expansion: &str) -> PathBuf {
    assert!(!expansion.contains("compile_error"), "{}", &expansion[..expansion.len().min(2000)]);
    let rest = expansion.split("include_bytes !").nth(1).expect("the expansion includes a file");
    assert_eq!(expansion.matches("include_bytes !").count(), 1);
    PathBuf::from(rest.split('"').nth(1).unwrap())
}

#[test]
fn the_included_stamp_changes_with_the_manifest() {
    let dir = std::env::temp_dir().join(format!("sb-tracking-{}", std::process::id()));
    let cache = dir.join(".snakebridge");
    std::fs::create_dir_all(&cache).unwrap();
    let facade = Path::new(env!("CARGO_MANIFEST_DIR")).join("../snakebridge/.snakebridge/math.39af9816.json");
    let manifest = cache.join("math.39af9816.json");
    std::fs::copy(&facade, &manifest).unwrap();

    // First expansion: the stamp is created beside the manifest, and it is small.
    let stamp = included(&expand(&dir));
    assert_eq!(stamp, cache.join("math.39af9816.stamp"));
    let first = std::fs::read_to_string(&stamp).unwrap();
    assert!(first.len() < 1024, "{first}");

    // An unchanged manifest leaves the stamp alone: no rebuild for nothing.
    let modified = std::fs::metadata(&stamp).unwrap().modified().unwrap();
    assert_eq!(included(&expand(&dir)), stamp);
    assert_eq!(std::fs::read_to_string(&stamp).unwrap(), first);
    assert_eq!(std::fs::metadata(&stamp).unwrap().modified().unwrap(), modified);

    // snakebridge rewrites the manifest (a regeneration, `cargo snakebridge prepare`): the
    // stamp changes with it, before any expansion runs.
    let mut changed = read(&manifest).unwrap().unwrap();
    changed.introspection.constants[0].repr.push_str(" (changed)");
    assert!(write_if_changed(&manifest, &changed).unwrap());
    let second = std::fs::read_to_string(&stamp).unwrap();
    assert_ne!(second, first);
    assert_eq!(included(&expand(&dir)), stamp);

    // Edited by hand: the next expansion finds the stamp out of date and rewrites it.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let text = std::fs::read_to_string(&manifest).unwrap().replace(" (changed)", " (by hand)");
    std::fs::write(&manifest, text).unwrap();
    assert_eq!(included(&expand(&dir)), stamp);
    let third = std::fs::read_to_string(&stamp).unwrap();
    assert!(third != second && third != first, "{third}");

    std::fs::remove_dir_all(&dir).unwrap();
}
