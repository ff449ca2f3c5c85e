//! Typed bindings generated at compile time with `#[python_module]`.
//!
//! The first build introspects the modules with the project's Python and writes manifests to
//! `snakebridge/.snakebridge/`; later builds (and `SNAKEBRIDGE_OFFLINE=1` builds) read them
//! without starting Python.
//!
//! Run with `cargo run --example python_module`.

use snakebridge::{args, python_module, Value};

/// Bindings for three functions and a constant of Python's `math`.
#[python_module("math", include = ["sqrt", "isclose", "factorial", "pi"])]
pub mod math {}

/// A class as a struct: constructor, methods and properties.
#[python_module("pathlib", include = ["Path", "PurePosixPath"])]
pub mod pathlib {}

/// numpy, with a submodule function reached through `include`.
#[python_module("numpy", include = ["mean", "array", "ndarray", "pi", "sqrt", "linalg.norm", "float64"])]
pub mod np {}

fn main() -> snakebridge::Result<()> {
    // Required arguments are plain parameters; untyped ones take anything convertible.
    let root = math::sqrt(2.0)?;
    println!("math.sqrt(2) = {root:?}");
    println!("math.pi = {}", math::pi()?);

    // Optional and keyword arguments go in the `_with` variant, checked against the signature.
    let close = math::isclose_with(1.0, 1.0 + 1e-10, args!(rel_tol = 1e-9))?;
    println!("isclose(1, 1+1e-10, rel_tol=1e-9) = {close:?}");
    match math::isclose_with(1.0, 1.0, args!(rel_toll = 1e-9)) {
        Err(e) => println!("a misspelt keyword: {e}"),
        Ok(v) => println!("unexpected: {v:?}"),
    }

    // Classes are structs wrapping a ref; conversions check the Python type.
    let path = pathlib::Path::new(["/tmp", "archive.tar.gz"])?;
    println!("{path} has suffix {:?} and exists: {:?}", path.suffix()?, path.exists()?);
    // `parent` is typed by typeshed's stub: it returns the struct itself.
    let parent = path.parent()?;
    println!("its parent is {parent}");

    // numpy: `array` is typed by numpy's stub as an `NDArray`, so it arrives as an `AnyArray`.
    let a = np::array(vec![1.0, 2.0, 3.0, 4.0])?;
    let mean = np::mean(&a)?;
    let norm = np::linalg::norm(vec![3.0, 4.0])?;
    println!("mean = {}, norm = {}, shape = {:?}", as_f64(&mean)?, as_f64(&norm)?, a.shape());
    Ok(())
}

/// numpy scalars subclass Python `float`, so they arrive as refs; `float(x)` converts.
fn as_f64(v: &Value) -> snakebridge::Result<f64> {
    snakebridge::call_as("builtins", "float", (v,))
}
