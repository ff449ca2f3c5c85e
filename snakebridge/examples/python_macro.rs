//! `python!`: Python expressions and blocks inline, with Rust values interpolated.
//!
//! Standard library only: `cargo run --example python_macro`.

use snakebridge::{python, Value};

fn main() -> snakebridge::Result<()> {
    // A module function: `math` is imported and `math.sqrt` looked up once for this call site.
    let x = 2.0_f64;
    let root: f64 = python!(math.sqrt(#x))?.extract()?;
    println!("math.sqrt({x}) = {root}");

    // Dotted module paths, Rust strings, keyword arguments and Python literals.
    let name = "data.txt";
    let path: String = python!(os.path.join("/tmp", #name))?.extract()?;
    let data = vec![("b", 2), ("a", 1)];
    let text: String = python!(json.dumps(dict(#data), indent = 2, sort_keys = True))?.extract()?;
    println!("{path}\n{text}");

    // Objects without a Rust form come back as refs; use them in later calls: attribute
    // access and method chains run on the Python object itself.
    let p = python!(pathlib.Path("/usr/lib"))?;
    let p = p.as_ref().expect("a Path is a ref");
    let parts: Vec<String> = python!(#p.parts[1:])?.extract()?;
    let is_dir: bool = python!(#p.is_dir())?.extract()?;
    println!("parts = {parts:?}, is_dir = {is_dir}");

    // Indexing, slicing, operators and comparisons.
    let rows = vec![vec![10, 20, 30], vec![40, 50, 60]];
    let corner = python!(#rows[-1][-1] * 2 + 1)?;
    let inside = python!(0 <= #x < 10 and not #x == 3)?;
    println!("corner = {corner:?}, inside = {inside:?}");

    // A block: statements, compiled once per call site; its value is the last expression.
    let values = vec![3.5, 1.25, 9.0, 4.75];
    let summary = python! {
        import statistics
        ordered = sorted(#values)
        spread = ordered[-1] - ordered[0]
        {"median": statistics.median(ordered), "spread": spread}
    }?;
    println!("summary = {summary:?}");

    // A Python exception is a typed error, never a panic.
    let err = python!(int("not a number")).unwrap_err();
    println!("error: {err}");
    assert!(err.is_python("ValueError"));
    // A misspelt name is a compile error where a manifest in `.snakebridge/` knows the module
    // (`math.sqrtt` would not compile here); elsewhere it is a typed error at run time.
    let missing = python!(statistics.meen(#(vec![1.0, x]))).unwrap_err();
    println!("error: {missing}");
    assert!(matches!(python!(None)?, Value::None));
    Ok(())
}
