//! ML error translation: a NumPy shape mismatch comes back with the parsed shapes and a
//! suggestion, and Python exception classes are matched by class, subclasses included.
//!
//! `cargo run --example ml_errors` (needs numpy in the venv)

use snakebridge::{call, ExceptionClass, MlError};

static JSON_ERROR: ExceptionClass = ExceptionClass::lazy("json", "JSONDecodeError");

fn main() -> snakebridge::Result<()> {
    let a = call("numpy", "ones", (vec![2, 3],))?;
    let b = call("numpy", "ones", (vec![2, 3],))?;
    match call("numpy", "dot", (a, b)) {
        Err(e) => {
            println!("{e}\n");
            if let Some(MlError::ShapeMismatch(s)) = e.ml() {
                println!(
                    "operation {:?}, A {:?}, B {:?}\nsuggestion: {}",
                    s.operation,
                    s.shape_a,
                    s.shape_b,
                    s.suggestion()
                );
            }
        }
        Ok(v) => println!("unexpectedly fine: {v:?}"),
    }

    if let Err(e) = call("json", "loads", ("{oops",)) {
        // Matched by class object, no string comparison: JSONDecodeError is a ValueError too.
        println!(
            "\nJSONDecodeError? {}  ValueError? {}",
            e.is_instance(&JSON_ERROR),
            e.is::<snakebridge::pyo3::exceptions::PyValueError>()
        );
    }
    Ok(())
}
