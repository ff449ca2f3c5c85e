//! Gives this package's own tests the rpath to the linked libpython (see `snakebridge/build.rs`),
//! so they load the library the build linked rather than another Python of the same soname.

fn main() {
    if let Err(e) = snakebridge_meta::build::rpath() {
        println!("cargo:warning={e}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
