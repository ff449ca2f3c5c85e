//! Gives the `cargo-snakebridge` binary (and its tests) the rpath to the libpython the build
//! links, as `snakebridge/build.rs` does for the facade's: `doctor` starts the embedded
//! interpreter, and must load that library rather than another Python of the same soname.

fn main() {
    if let Err(e) = snakebridge_meta::build::rpath() {
        println!("cargo:warning={e}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
