//! The stamp file beside each manifest: a line holding the manifest's content hash, which the
//! expansion `include_bytes!`s so that cargo rebuilds the crate when the manifest changes.
//!
//! Including the manifest itself would do that too, but `include_bytes!` expands into the
//! file's bytes: `cargo expand` of numpy's bindings printed 9 MB, most of it one byte string.
//! Stable Rust has no other way for a proc macro to make cargo track a file
//! (`proc_macro::tracked_path` is nightly-only), so the stamp stands in for the manifest: it
//! is rewritten whenever the manifest is written (by an expansion or `cargo snakebridge
//! prepare`) and whenever an expansion finds it out of date. Commit it with the manifest, so a
//! checkout that changes one changes both.

use std::path::{Path, PathBuf};

/// The stamp of the manifest at `manifest`: the same name with the extension `stamp`.
pub fn path_for(manifest: &Path) -> PathBuf {
    manifest.with_extension("stamp")
}

/// The stamp's content for a manifest's bytes.
pub fn content(manifest_bytes: &[u8]) -> String {
    format!(
        "{:016x} {} (snakebridge: the hash and size of the manifest beside this file; cargo rebuilds when it changes)\n",
        hash(manifest_bytes),
        manifest_bytes.len()
    )
}

/// Makes the stamp of `manifest` current and returns its path. A stamp newer than its manifest
/// is trusted without hashing, so a warm expansion reads only a few bytes.
pub fn ensure(manifest: &Path) -> std::io::Result<PathBuf> {
    let stamp = path_for(manifest);
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified());
    if let (Ok(stamp_time), Ok(manifest_time)) = (modified(&stamp), modified(manifest)) {
        if stamp_time >= manifest_time {
            return Ok(stamp);
        }
    }
    write(manifest)?;
    Ok(stamp)
}

/// Writes the stamp of `manifest` from its current bytes, only when its content changes (so
/// an unchanged manifest never makes cargo rebuild).
pub fn write(manifest: &Path) -> std::io::Result<()> {
    let stamp = path_for(manifest);
    let text = content(&std::fs::read(manifest)?);
    // Left untouched when current, even if older than the manifest: a newer stamp would make
    // cargo rebuild once more for nothing.
    if std::fs::read(&stamp).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(());
    }
    let tmp = stamp.with_extension(format!("stamp.{}.tmp", std::process::id()));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, &stamp).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// The hash of a tracked file's contents, as stamps and manifests record it (16 hex digits).
pub fn content_hash(bytes: &[u8]) -> String {
    format!("{:016x}", hash(bytes))
}

/// A fast 64-bit hash of the bytes, eight at a time (FxHash's mixing): a stamp only has to
/// change when the manifest does, and a warm expansion of numpy hashes megabytes.
fn hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h: u64 = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        h = (h.rotate_left(5) ^ word).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stamp_follows_the_manifest() {
        let dir = std::env::temp_dir().join(format!("sb-stamp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let manifest = dir.join("m.0000.json");
        std::fs::write(&manifest, "{\"a\": 1}\n").unwrap();
        let stamp = ensure(&manifest).unwrap();
        assert_eq!(stamp, dir.join("m.0000.stamp"));
        let first = std::fs::read_to_string(&stamp).unwrap();
        assert!(first.len() < 200, "{first}");
        std::fs::write(&manifest, "{\"a\": 2}\n").unwrap();
        write(&manifest).unwrap();
        let second = std::fs::read_to_string(&stamp).unwrap();
        assert_ne!(first, second);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
