//! The 30-second tour: calls, keyword arguments, a ref and its methods, a session.
//!
//! Standard library only: `cargo run --example quickstart`.

use snakebridge::{args, attr, call, get, method, Session, Value};

fn main() -> snakebridge::Result<()> {
    // A plain call: Python's float comes back as a Value, extracted to f64.
    let root: f64 = call("math", "sqrt", (16,))?.extract()?;
    println!("math.sqrt(16) = {root}");

    // Module constants, dotted module paths, keyword arguments.
    let pi: f64 = get("math", "pi")?.extract()?;
    let joined: String = call("os.path", "join", ("/tmp", "data.txt"))?.extract()?;
    let rounded: f64 = call("builtins", "round", args!(pi, ndigits = 3))?.extract()?;
    println!("pi = {pi}, rounded = {rounded}, joined = {joined}");

    // JSON with keyword arguments; Python ints of any size survive.
    let big = call("builtins", "pow", (2, 100))?;
    let text: String = call("json", "dumps", args!(vec![1, 2, 3], indent = 2))?.extract()?;
    println!("2**100 = {big:?}\njson.dumps:\n{text}");

    // Explicit bytes for hashing; the hash object has no Rust form, so it is a Ref.
    let digest = call("hashlib", "sha256", (snakebridge::bytes(b"snakebridge".to_vec()),))?;
    let hasher = digest.as_ref().expect("a hash object comes back as a ref");
    let hex: String = method(hasher, "hexdigest", ())?.extract()?;
    println!("sha256 = {hex}");

    // A pathlib.Path is a ref too; call its methods and read its attributes.
    let path = call("pathlib", "Path", ("/usr/lib",))?;
    let path = path.as_ref().expect("a Path comes back as a ref");
    let name: String = attr(path, "name")?.extract()?;
    let is_dir: bool = method(path, "is_dir", ())?.extract()?;
    println!("{path:?}: name = {name}, is_dir = {is_dir}");

    // A session: refs made inside belong to it and are released together.
    let session = Session::new();
    let counter = session.run(|| call("collections", "Counter", ("abracadabra",)))?;
    let common: Value = session.run(|| method(counter.as_ref().unwrap(), "most_common", (2,)))?;
    println!("most common letters: {common:?} (session {} holds {} ref)", session.id(), session.ref_count());

    // Python errors are typed and matchable by class, subclasses included.
    let err = call("json", "loads", ("{not json",)).unwrap_err();
    println!("json.loads error is a ValueError: {} ({err})", err.is_python("ValueError"));
    Ok(())
}
