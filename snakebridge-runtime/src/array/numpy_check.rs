//! Makes sure numpy can be imported before any rust-numpy call, which would panic otherwise.

use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::prelude::*;

use crate::error::{py_err, Error, Result};

static AVAILABLE: AtomicBool = AtomicBool::new(false);

/// `Ok` when numpy imports in the embedded interpreter; [`Error::ModuleNotFound`] with the
/// install command when it does not.
///
/// rust-numpy loads numpy's C API on first use and panics when that fails, so every entry
/// point of this module checks here first; after the first success the check is one atomic load.
#[inline]
pub(crate) fn ensure_numpy(py: Python<'_>) -> Result<()> {
    if AVAILABLE.load(Ordering::Relaxed) {
        return Ok(());
    }
    check(py)
}

#[cold]
fn check(py: Python<'_>) -> Result<()> {
    match crate::import::import_raw(py, "numpy") {
        Ok(_) => {
            AVAILABLE.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(e) if e.is_instance_of::<pyo3::exceptions::PyModuleNotFoundError>(py) => {
            Err(Error::ModuleNotFound { module: "numpy".into(), package: "numpy".into() })
        }
        // numpy is there but broken (ABI mismatch, missing libraries): show Python's reason.
        Err(e) => Err(py_err(py, e)),
    }
}

/// Whether numpy has been found importable already.
pub(crate) fn is_loaded() -> bool {
    AVAILABLE.load(Ordering::Relaxed)
}
