//! Test helper: defines a Python module from source, for tests that need their own functions.

#![allow(dead_code)]

use snakebridge::pyo3::prelude::*;
use snakebridge::pyo3::types::PyModule;

/// Defines the Python module `name` from `source` and registers it in `sys.modules`, so
/// `snakebridge::call(name, ...)` finds it. Defining it twice keeps the first.
pub fn define_module(name: &str, source: &str) {
    // `from_code` registers the module before running its body, and the body may release the
    // GIL (imports): serialise definitions so no test sees a half-defined module.
    static DEFINING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = DEFINING.lock().unwrap_or_else(|e| e.into_inner());
    snakebridge::with_gil(|py| {
        let modules = py.import("sys")?.getattr("modules")?;
        if modules.contains(name)? {
            return Ok(());
        }
        let code = std::ffi::CString::new(source).unwrap();
        let file = std::ffi::CString::new(format!("{name}.py")).unwrap();
        let module_name = std::ffi::CString::new(name).unwrap();
        let m = PyModule::from_code(py, &code, &file, &module_name)?;
        modules.set_item(name, m)?;
        Ok(())
    })
    .expect("test module defines");
}

/// A fresh Python module made from `code`, named `<prefix>_<n>` (never registered in
/// `sys.modules`, so each test gets its own), as a ref.
pub fn fresh_module(prefix: &str, code: &str) -> snakebridge::Ref {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let name = format!("{prefix}_{}", N.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    snakebridge::with_gil(|py| {
        let m = PyModule::from_code(
            py,
            &std::ffi::CString::new(code).unwrap(),
            &std::ffi::CString::new(format!("{name}.py")).unwrap(),
            &std::ffi::CString::new(name).unwrap(),
        )?;
        <snakebridge::Ref as snakebridge::FromPython>::from_python(m.as_any())
    })
    .unwrap()
}
