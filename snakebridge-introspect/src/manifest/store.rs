//! Reading and writing manifest files: pretty JSON with a trailing newline, written atomically
//! and only when the content changed (so cargo does not rebuild for nothing).

use std::path::Path;

use super::Manifest;
use crate::error::Error;

/// Reads the manifest at `path`; `Ok(None)` when there is no file.
pub fn read(path: &Path) -> Result<Option<Manifest>, Error> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(Error::Io { action: "read", path: path.into(), source }),
    };
    from_bytes(path, &bytes).map(Some)
}

/// Parses the bytes of the manifest file `path` (named in the error); the fuzz target's entry.
pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Manifest, Error> {
    serde_json::from_slice(bytes).map_err(|e| Error::CorruptManifest { path: path.into(), message: e.to_string() })
}

/// Writes `manifest` to `path` unless the file already holds exactly that. Returns whether
/// it wrote.
pub fn write_if_changed(path: &Path, manifest: &Manifest) -> Result<bool, Error> {
    let io = |source| Error::Io { action: "write", path: path.into(), source };
    let mut text = serde_json::to_string_pretty(manifest).map_err(|e| io(std::io::Error::other(e)))?;
    text.push('\n');
    if std::fs::read(path).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(false);
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    // A unique temporary name in the same directory, then a rename: parallel builds never
    // see half a file.
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.{}.{nanos}.tmp", std::process::id()));
    std::fs::write(&tmp, text.as_bytes()).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(e)
    })?;
    // The stamp is what the expansion makes cargo track (see `crate::stamp`).
    crate::stamp::write(path).map_err(io)?;
    Ok(true)
}
