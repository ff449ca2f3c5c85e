//! The Python environment around the embedded interpreter: what the project declares, what
//! the machine has, and how to make the two agree.
//!
//! Part of [snakebridge](https://docs.rs/snakebridge); the crates and what lives where:
//! [docs/architecture.md](https://github.com/snakebridge/snakebridge/blob/main/docs/architecture.md).
//!
//! - [`ProjectConfig`] reads `[package.metadata.snakebridge]` from a `Cargo.toml`: the
//!   Python dependencies (the seed's `python_deps`) and the environment settings.
//! - [`HardwareInfo::probe`] reports platform, accelerator (cuda / rocm / mps / cpu), CUDA
//!   version, GPUs and CPU features from the system's own files and tools; it never needs
//!   Python or a GPU library and never fails.
//! - [`WheelSelector`] picks the PyTorch wheel variant and index URL for that hardware.
//! - [`PythonEnv`] finds or creates the venv, lists what is installed and installs what is
//!   missing with uv (found on `PATH`, else fetched from PyPI into [`tool_cache_dir`]), pip
//!   only as the fallback or when `SNAKEBRIDGE_INSTALLER=pip`; [`ensure`] applies the
//!   [`AutoInstall`] policy.
//! - [`Lock`] is `snakebridge.lock`, with the PEP 751 `pylock.toml` uv writes recorded in it
//!   ([`PylockSection`]); [`verify`] compares them with the machine.
//!
//! The `cargo snakebridge` command (`setup`, `verify`, `doctor`, in the `cargo-snakebridge`
//! crate) is built on this crate. Programs reach it as `snakebridge::env` with the facade's
//! `env` feature; it is a crate of its own so that programs that do not provision their
//! environment compile none of it (pip, wheels, PEP 440/508, the lock file).
//!
//! Errors are the runtime's [`snakebridge_runtime::Error`]: a malformed file is
//! `Error::InvalidConfig`, a missing or unprovisionable package `Error::Environment`.

#![warn(missing_docs)]

mod deps;
mod hardware;
mod lock;
mod manifests;
mod policy;
mod pylock;
mod python;
mod requirement;
mod setup;
mod sources;
mod uv;
mod verify;
mod wheel;

pub use deps::{DepVersion, ProjectConfig, PythonDep};
pub use hardware::{Accelerator, Gpu, HardwareInfo, Platform};
pub use lock::{
    generator_hash, packages_hash, Compatibility, HardwareSection, InterpreterSection, Lock, LockEnvironment,
    LockedLibrary, LOCK_FILE_NAME, LOCK_VERSION,
};
pub use manifests::{generated_libraries, GeneratedLibrary};
pub use policy::{AutoInstall, BuildProfile};
pub use pylock::{PylockPackage, PylockSection, PYLOCK_FILE_NAME};
pub use python::{embedded_python_version, find_python, InterpreterDetails, PythonEnv};
pub use requirement::{normalize_name, Requirement};
pub use setup::{ensure, missing_packages, setup, Installer, InstallerPreference, Progress, SetupOptions, SetupReport};
pub use snakebridge_meta::environment_error::EnvironmentError;
pub use sources::{CommandOutput, SystemSources, SystemView};

pub use uv::{cache_dir, cached_uv, fetch_uv, find_uv, tool_cache_dir, uv_version, CACHE_DIR_ENV};
pub use verify::{verify, Finding, Severity, Verification};
pub use wheel::{CudaThreshold, WheelConfig, WheelInfo, WheelSelector, DEFAULT_PYTORCH_INDEX_BASE_URL};
