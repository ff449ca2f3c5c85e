//! Python context managers: `with_python` always calls `__exit__`.
//!
//! Standard library only: `cargo run --example context_manager`.

use snakebridge::{args, attr, call, method, with_python, Ref, Value};

fn main() -> snakebridge::Result<()> {
    let dir = std::env::temp_dir().join(format!("snakebridge-ctx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("notes.txt");
    let path_str = path.to_str().expect("utf-8 temp path");

    // `with open(path, "w") as f: f.write(...)`
    let file = call("builtins", "open", (path_str, "w"))?;
    let file = file.as_ref().expect("a file object is a ref");
    with_python(file, |f: Ref| {
        method(&f, "write", ("written from Rust\n",))?;
        Ok(())
    })?;
    println!("closed after the block: {:?}", attr(file, "closed")?);
    println!("content: {:?}", std::fs::read_to_string(&path).expect("file written"));

    // The block's error reaches __exit__, which closes the file, then comes back to Rust.
    let file = call("builtins", "open", (path_str,))?;
    let file = file.as_ref().expect("a file object is a ref");
    let result = with_python(file, |f: Ref| -> snakebridge::Result<i64> {
        let text: String = method(&f, "read", ())?.extract()?;
        call("builtins", "int", (text,))?.extract() // not a number: ValueError
    });
    println!("error from the block: {}", result.unwrap_err());
    println!("closed anyway: {:?}", attr(file, "closed")?);

    // contextlib.suppress: __exit__ returns True, so the error is swallowed, as in Python.
    let value_error = snakebridge::get("builtins", "ValueError")?;
    let suppress = call("contextlib", "suppress", (value_error,))?;
    let outcome = with_python(suppress.as_ref().expect("a ref"), |_: Value| call("builtins", "int", ("nope",)))?;
    println!("inside contextlib.suppress(ValueError): {outcome:?}");

    // A temporary directory that is removed when the block ends.
    let tmp = call("tempfile", "TemporaryDirectory", args!(prefix = "sb-"))?;
    let kept: String = with_python(tmp.as_ref().expect("a ref"), |name: String| Ok(name))?.expect("not suppressed");
    println!("{kept} exists after the block: {}", std::path::Path::new(&kept).exists());

    std::fs::remove_dir_all(&dir).expect("cleanup");
    Ok(())
}
