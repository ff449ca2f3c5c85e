//! Starting CPython as a given Python executable, through `PyConfig`.
//!
//! CPython derives `sys.prefix`, `sys.base_prefix` and `sys.path` from the executable it
//! believes it is (getpath reads `pyvenv.cfg` next to it; `site` then makes the venv the
//! prefix and adds its site-packages). Starting as `<venv>/bin/python` therefore gives the
//! embedded interpreter the venv's identity: the same `sys.executable`, prefixes and path as
//! that interpreter run from a shell, so anything that starts "another Python like this one"
//! (`multiprocessing`'s spawn and forkserver, `ProcessPoolExecutor`, Dask and Ray workers)
//! starts the venv's Python.

use std::ffi::{CStr, CString};
use std::mem::MaybeUninit;
use std::path::Path;

use pyo3::ffi;

/// Initialises CPython as `executable` (when given; else CPython finds itself from its own
/// library) and releases the GIL, so that pyo3's `Python::initialize` then finds it running.
///
/// As pyo3's own start-up (`Py_InitializeEx(0)`), it installs no signal handlers; unlike the
/// default Python configuration it neither coerces the C locale (that would set `LC_CTYPE` in
/// the host's environment) nor reconfigures the C stdio streams the host may use.
pub(super) fn initialize(executable: Option<&Path>) -> Result<(), String> {
    // SAFETY: called once, under STARTED's OnceLock, before anything else in the process
    // touches CPython (every door goes through `interpreter::ensure`).
    unsafe {
        if ffi::Py_IsInitialized() != 0 {
            return Ok(()); // started by someone else (another pyo3 user in the process)
        }
        let mut pre = MaybeUninit::<ffi::PyPreConfig>::zeroed();
        ffi::PyPreConfig_InitPythonConfig(pre.as_mut_ptr());
        let mut pre = pre.assume_init();
        pre.coerce_c_locale = 0;
        pre.coerce_c_locale_warn = 0;
        status(ffi::Py_PreInitialize(&pre), "pre-initialise")?;

        let mut config = Box::new(MaybeUninit::<ffi::PyConfig>::zeroed());
        ffi::PyConfig_InitPythonConfig(config.as_mut_ptr());
        let config = config.assume_init_mut();
        let outcome = configure(config, executable)
            .and_then(|()| status(ffi::Py_InitializeFromConfig(config), "initialise the interpreter"));
        ffi::PyConfig_Clear(config);
        outcome?;
        // pyo3 attaches with PyGILState_Ensure; the initialising thread must let go first.
        ffi::PyEval_SaveThread();
    }
    Ok(())
}

/// # Safety
/// `config` was set up by `PyConfig_InitPythonConfig` after pre-initialisation.
unsafe fn configure(config: &mut ffi::PyConfig, executable: Option<&Path>) -> Result<(), String> {
    config.install_signal_handlers = 0;
    config.parse_argv = 0;
    config.configure_c_stdio = 0;
    if let Some(exe) = executable {
        let bytes = path_bytes(exe)?;
        // SAFETY: the fields belong to `config`; PyConfig_SetBytesString copies the string.
        unsafe {
            status(
                ffi::PyConfig_SetBytesString(config, &mut config.program_name, bytes.as_ptr()),
                "set the program name",
            )?;
            status(ffi::PyConfig_SetBytesString(config, &mut config.executable, bytes.as_ptr()), "set the executable")?;
        }
    }
    Ok(())
}

fn path_bytes(path: &Path) -> Result<CString, String> {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()).to_vec();
    #[cfg(not(unix))]
    let bytes = path.to_string_lossy().into_owned().into_bytes();
    CString::new(bytes).map_err(|_| format!("the Python executable path {} holds a NUL byte", path.display()))
}

/// `Ok` for a successful `PyStatus`; an error or an exit request becomes a message (CPython
/// would exit the process through `Py_ExitStatusException`; the host is told instead).
fn status(status: ffi::PyStatus, what: &str) -> Result<(), String> {
    // SAFETY: PyStatus is a plain value; the message pointers are static strings or NULL.
    unsafe {
        if ffi::PyStatus_Exception(status) == 0 {
            return Ok(());
        }
        if ffi::PyStatus_IsExit(status) != 0 {
            return Err(format!("Python asked to exit with code {} while trying to {what}", status.exitcode));
        }
        let text = |p: *const std::ffi::c_char| {
            if p.is_null() {
                String::new()
            } else {
                CStr::from_ptr(p).to_string_lossy().into_owned()
            }
        };
        let (func, msg) = (text(status.func), text(status.err_msg));
        Err(format!(
            "Python could not {what}: {}{msg}",
            if func.is_empty() { String::new() } else { format!("{func}: ") }
        ))
    }
}
