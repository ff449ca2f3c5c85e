//! The helper registry: built-in pack, user helper paths, errors.

use std::path::PathBuf;
use std::sync::Mutex;

use snakebridge::{
    call_helper, call_helper_as, configure_helpers, helpers, reload_helpers, Error, HelperConfig, Value,
};

/// The registry is process-wide: tests that configure it take turns.
static CONFIG: Mutex<()> = Mutex::new(());

fn lock() -> std::sync::MutexGuard<'static, ()> {
    CONFIG.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sb-helpers-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const USER_HELPERS: &str = r#"
from snakebridge_helpers import helper

@helper("mylib.double")
def double(x):
    """Twice x."""
    return 2 * x

@helper
def triple(x):
    return 3 * x

def not_a_helper():
    return None
"#;

#[test]
fn the_built_in_pack_is_there_by_default() {
    let _guard = lock();
    assert!(HelperConfig::default().pack_enabled, "on unless SNAKEBRIDGE_HELPER_PACK turns it off");
    configure_helpers(HelperConfig::default());
    let info = call_helper("snakebridge.python_info", ()).unwrap();
    let version = info.get("version").and_then(Value::as_str).unwrap().to_owned();
    assert!(version.starts_with("3."), "{version}");

    let numpy: Option<String> = call_helper_as("snakebridge.package_version", ("numpy",)).unwrap();
    assert!(numpy.is_some_and(|v| v.chars().next().unwrap().is_ascii_digit()));
    let missing: Option<String> = call_helper_as("snakebridge.package_version", ("surely-not-installed-pkg",)).unwrap();
    assert_eq!(missing, None);

    let first: Vec<i64> = call_helper_as("snakebridge.take", (vec![5, 6, 7, 8], 2)).unwrap();
    assert_eq!(first, [5, 6]);
}

#[test]
fn an_unknown_helper_says_so_with_a_suggestion() {
    let _guard = lock();
    configure_helpers(HelperConfig::empty().pack(true));
    let err = call_helper("snakebridge.python_inf", ()).unwrap_err();
    match &err {
        Error::HelperNotFound { helper, suggestion } => {
            assert_eq!(helper, "snakebridge.python_inf");
            assert_eq!(suggestion.as_deref(), Some("snakebridge.python_info"));
        }
        other => panic!("expected HelperNotFound, got {other:?}"),
    }
    assert!(err.to_string().contains("did you mean `snakebridge.python_info`"), "{err}");
}

#[test]
fn the_pack_can_be_disabled() {
    let _guard = lock();
    configure_helpers(HelperConfig::empty());
    let err = call_helper("snakebridge.python_info", ()).unwrap_err();
    assert!(matches!(err, Error::HelperNotFound { .. }), "{err}");
    assert!(helpers().unwrap().is_empty());
}

#[test]
fn user_helper_paths_register_their_helpers() {
    let _guard = lock();
    let dir = temp_dir("user");
    std::fs::write(dir.join("mylib.py"), USER_HELPERS).unwrap();
    std::fs::write(dir.join("_private.py"), "raise RuntimeError('files starting with _ are skipped')").unwrap();
    std::fs::write(dir.join("notes.txt"), "not python").unwrap();
    configure_helpers(HelperConfig::empty().path(&dir));

    assert_eq!(call_helper("mylib.double", (21,)).unwrap(), Value::from(42));
    assert_eq!(call_helper("mylib.triple", (2,)).unwrap(), Value::from(6));
    let list = helpers().unwrap();
    let names: Vec<&str> = list.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["mylib.double", "mylib.triple"]);
    assert_eq!(list[0].doc.as_deref(), Some("Twice x."));
    assert!(list[0].source.as_deref().unwrap().ends_with("mylib.py"));

    // A helper file edited on disk is picked up by a reload.
    std::fs::write(dir.join("mylib.py"), USER_HELPERS.replace("2 * x", "20 * x")).unwrap();
    reload_helpers().unwrap();
    assert_eq!(call_helper("mylib.double", (2,)).unwrap(), Value::from(40));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_helper_file_that_fails_to_load_is_a_clear_error() {
    let _guard = lock();
    let dir = temp_dir("broken");
    let file = dir.join("broken.py");
    std::fs::write(
        &file,
        "from snakebridge_helpers import helper\n\nx = 1\nraise RuntimeError('helper setup failed')\n",
    )
    .unwrap();
    configure_helpers(HelperConfig::empty().pack(true).path(&file));
    let err = call_helper("snakebridge.python_info", ()).unwrap_err();
    match &err {
        Error::HelperLoad { path, message } => {
            assert_eq!(path, &file.display().to_string());
            assert!(message.contains("RuntimeError: helper setup failed"), "{message}");
            assert!(message.contains("line 4"), "points at the line: {message}");
        }
        other => panic!("expected HelperLoad, got {other:?}"),
    }

    std::fs::write(&file, "def broken(:\n").unwrap();
    reload_helpers().unwrap_err();
    let err = call_helper("anything", ()).unwrap_err();
    assert!(matches!(&err, Error::HelperLoad { message, .. } if message.contains("SyntaxError")), "{err}");

    configure_helpers(HelperConfig::empty().path(dir.join("missing.py")));
    let err = call_helper("anything", ()).unwrap_err();
    assert!(matches!(&err, Error::HelperLoad { message, .. } if message.contains("cannot read it")), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_configuration_comes_from_the_environment() {
    let _guard = lock();
    let dir = temp_dir("env");
    std::fs::write(dir.join("mylib.py"), USER_HELPERS).unwrap();
    std::env::set_var("SNAKEBRIDGE_HELPER_PACK", "false");
    std::env::set_var("SNAKEBRIDGE_HELPER_PATHS", std::env::join_paths([&dir]).unwrap());
    let config = HelperConfig::from_env();
    std::env::remove_var("SNAKEBRIDGE_HELPER_PACK");
    std::env::remove_var("SNAKEBRIDGE_HELPER_PATHS");
    assert!(!config.pack_enabled);
    assert_eq!(config.paths, std::slice::from_ref(&dir));
    configure_helpers(config);
    assert_eq!(call_helper("mylib.double", (4,)).unwrap(), Value::from(8));
    assert!(matches!(call_helper("snakebridge.python_info", ()), Err(Error::HelperNotFound { .. })));
    std::fs::remove_dir_all(&dir).unwrap();
}
