//! Passes the linked libpython's directory on to users' build scripts
//! (`DEP_SNAKEBRIDGE_LIBDIR`, read by `snakebridge_meta::build::rpath()`), and gives this
//! package's own binaries, tests, examples and benches that rpath, so they load the library the
//! build linked rather than another Python of the same soname on the loader's path.

fn main() {
    if let Ok(libdir) = std::env::var("DEP_SNAKEBRIDGE_RUNTIME_LIBDIR") {
        println!("cargo:libdir={libdir}");
    }
    if let Err(e) = snakebridge_meta::build::rpath() {
        println!("cargo:warning={e}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
