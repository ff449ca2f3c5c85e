//! Records which Python this build links, for the start-up check that the loaded `libpython`
//! is that one (`interpreter::libpython`) and for `snakebridge::build::rpath()` in users' build
//! scripts (passed on as `links` metadata: `DEP_SNAKEBRIDGE_RUNTIME_LIBDIR`).

fn main() {
    let config = pyo3_build_config::get();
    let version = format!("{}.{}", config.version().major, config.version().minor);
    let libdir = config.lib_dir().unwrap_or_default();
    let executable = config.executable().unwrap_or_default();
    println!("cargo:rustc-env=SNAKEBRIDGE_BUILD_PYTHON_VERSION={version}");
    println!("cargo:rustc-env=SNAKEBRIDGE_BUILD_LIBDIR={libdir}");
    println!("cargo:rustc-env=SNAKEBRIDGE_BUILD_PYTHON={executable}");
    println!("cargo:libdir={libdir}");
    // This package's own unit tests load the library they linked (as snakebridge/build.rs does
    // for the facade's tests); link arguments do not reach dependents.
    let windows = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "windows");
    if !libdir.is_empty() && !windows {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{libdir}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
