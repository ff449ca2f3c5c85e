//! The manifest reader on any bytes: a manifest or `Error::CorruptManifest`, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use snakebridge_introspect::manifest;

fuzz_target!(|data: &[u8]| {
    let _ = manifest::from_bytes(std::path::Path::new("fuzz.json"), data);
});
