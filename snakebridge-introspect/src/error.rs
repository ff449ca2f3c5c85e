//! The errors of the compile-time core; the macro shows them as compile errors.

use std::path::PathBuf;

use crate::introspect::IntrospectError;

/// A failure to produce the manifest an expansion needs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Running the introspection script failed.
    #[error(transparent)]
    Introspect(#[from] IntrospectError),

    /// A manifest file exists but cannot be read as a manifest.
    #[error("the manifest {} is corrupt: {message}; delete it so that the next build regenerates it (or restore it from version control)", path.display())]
    CorruptManifest {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },

    /// `SNAKEBRIDGE_OFFLINE=1` and the manifest is missing or unusable.
    #[error("SNAKEBRIDGE_OFFLINE=1 forbids running Python, and the manifest {} {reason}; build once with SNAKEBRIDGE_OFFLINE unset and the project's Python available (or run `cargo snakebridge prepare`), then commit the `.snakebridge/` directory", path.display())]
    Offline {
        /// The manifest file that was needed.
        path: PathBuf,
        /// Why it cannot be used.
        reason: String,
    },

    /// `SNAKEBRIDGE_STRICT=1` and the manifest is missing or stale.
    #[error("SNAKEBRIDGE_STRICT=1 forbids regenerating manifests, and the manifest {} {reason}; regenerate it by building with SNAKEBRIDGE_STRICT unset (or `cargo snakebridge prepare`) and commit it", path.display())]
    Strict {
        /// The manifest file that was needed.
        path: PathBuf,
        /// Why it would have been regenerated.
        reason: String,
    },

    /// Reading or writing a manifest failed.
    #[error("cannot {action} the manifest {}: {source}; check the permissions of the crate's `.snakebridge/` directory", path.display())]
    Io {
        /// `read` or `write`.
        action: &'static str,
        /// The manifest file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}
