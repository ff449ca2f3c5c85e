//! The universal calls against the real interpreter, including every kind of bad input.

use snakebridge::{args, attr, call, call_ref, get, method, set_attr, Error, Value};

#[test]
fn call_get_method_attr_set_attr() {
    assert_eq!(call("math", "sqrt", (16,)).unwrap(), Value::Float(4.0));
    assert_eq!(call("builtins", "round", args!(1.23456, ndigits = 2)).unwrap(), Value::Float(1.23));
    assert_eq!(get("math", "pi").unwrap().extract::<f64>().unwrap(), std::f64::consts::PI);
    assert_eq!(get("os", "sep").unwrap(), Value::from("/"));

    let ns = call("types", "SimpleNamespace", args!(a = 1)).unwrap();
    let ns = ns.as_ref().expect("a SimpleNamespace is a ref");
    assert_eq!(attr(ns, "a").unwrap(), Value::from(1));
    set_attr(ns, "b", vec!["x", "y"]).unwrap();
    assert_eq!(attr(ns, "b").unwrap(), Value::List(vec!["x".into(), "y".into()]));

    let path = call("pathlib", "Path", ("/tmp",)).unwrap();
    let path = path.as_ref().unwrap();
    let child = method(path, "joinpath", ("a", "b.txt")).unwrap();
    let child = child.as_ref().expect("joinpath returns a Path ref");
    assert_eq!(call("builtins", "str", (child,)).unwrap(), Value::from("/tmp/a/b.txt"));
    assert_eq!(attr(child, "suffix").unwrap(), Value::from(".txt"));
}

#[test]
fn dotted_module_paths_and_attribute_chains() {
    assert_eq!(call("os.path", "join", ("/tmp", "f.txt")).unwrap(), Value::from("/tmp/f.txt"));
    assert_eq!(
        call("xml.etree.ElementTree", "tostring", (call("xml.etree.ElementTree", "Element", ("a",)).unwrap(),))
            .unwrap(),
        Value::Bytes(snakebridge::bytes(b"<a />".to_vec()))
    );
    // `pathlib.Path` is a class, not a module: resolved as an attribute, then `cwd` called on it.
    let cwd = call("pathlib.Path", "cwd", ()).unwrap();
    assert!(cwd.as_ref().is_some());
}

#[test]
fn keyword_arguments_and_kwargs_only_functions() {
    let text: String = call(
        "json",
        "dumps",
        args!(
            Value::Dict(vec![("b".into(), 1.into()), ("a".into(), 2.into())]),
            sort_keys = true,
            separators = (",", ":")
        ),
    )
    .unwrap()
    .extract()
    .unwrap();
    assert_eq!(text, r#"{"a":2,"b":1}"#);
    let sorted = call("builtins", "sorted", args!(vec![3, 1, 2], reverse = true)).unwrap();
    assert_eq!(sorted, Value::List(vec![3.into(), 2.into(), 1.into()]));
    // The builder form of the same thing, with a runtime-chosen keyword name.
    let key = String::from("reverse");
    let sorted = call("builtins", "sorted", snakebridge::Args::new().arg(vec![1, 3, 2]).kwarg(key, true)).unwrap();
    assert_eq!(sorted, Value::List(vec![3.into(), 2.into(), 1.into()]));
}

#[test]
fn callable_refs_can_be_called() {
    let counter_class = get("collections", "Counter").unwrap();
    let counter = call_ref(counter_class.as_ref().unwrap(), ("hello",)).unwrap();
    let l: i64 = method(counter.as_ref().unwrap(), "total", ()).unwrap().extract().unwrap();
    assert_eq!(l, 5);
}

#[test]
fn unknown_module_says_what_to_install() {
    let err = call("no_such_module_xyz", "f", ()).unwrap_err();
    assert!(matches!(&err, Error::ModuleNotFound { module, .. } if module == "no_such_module_xyz"), "{err:?}");
    assert!(err.to_string().contains("pip install no_such_module_xyz"), "{err}");
    let err = call("os.no_such_sub", "f", ()).unwrap_err();
    assert!(matches!(&err, Error::ModuleNotFound { .. }), "{err:?}");
}

#[test]
fn unknown_function_and_attribute_suggest_the_close_name() {
    let err = call("math", "sqtr", (1,)).unwrap_err();
    assert!(matches!(&err, Error::AttributeNotFound { suggestion: Some(s), .. } if s == "sqrt"), "{err:?}");
    assert!(err.to_string().contains("did you mean `sqrt`?"), "{err}");
    let path = call("pathlib", "Path", (".",)).unwrap();
    let err = method(path.as_ref().unwrap(), "exits", ()).unwrap_err();
    assert!(err.to_string().contains("did you mean `exists`?"), "{err}");
    let err = get("math", "nothing_close_here").unwrap_err();
    assert!(matches!(&err, Error::AttributeNotFound { suggestion: None, .. }), "{err:?}");
}

#[test]
fn calling_a_constant_is_not_callable() {
    let err = call("math", "pi", ()).unwrap_err();
    assert!(matches!(&err, Error::NotCallable { .. }), "{err:?}");
    assert!(err.to_string().contains("use `get`"), "{err}");
}

#[test]
fn python_exceptions_keep_class_bases_message_and_traceback() {
    let err = call("codecs", "decode", (snakebridge::bytes(vec![0xff]), "utf-8")).unwrap_err();
    let py = err.as_python().expect("a Python exception");
    assert_eq!(py.class, "UnicodeDecodeError");
    assert!(err.is_python("ValueError"), "UnicodeDecodeError is a ValueError: {:?}", py.bases);
    assert!(err.is_python("UnicodeError"));
    assert!(!err.is_python("KeyError"));
    assert!(err.is::<pyo3::exceptions::PyValueError>());
    assert!(py.message.contains("can't decode byte 0xff"), "{}", py.message);

    let err = call("json", "loads", ("{",)).unwrap_err();
    assert!(err.is_python("json.decoder.JSONDecodeError") && err.is_python("JSONDecodeError"));
    assert_eq!(err.as_python().unwrap().module, "json.decoder");

    // A traceback from Python code.
    let err = call("fractions", "Fraction", (1, 0)).unwrap_err();
    let py = err.as_python().unwrap();
    assert_eq!(py.class, "ZeroDivisionError");
    assert!(py.traceback.as_deref().unwrap_or("").contains("fractions.py"), "{:?}", py.traceback);
}

#[test]
fn wrong_argument_types_are_python_type_errors_and_the_interpreter_stays_usable() {
    let err = call("math", "sqrt", ("four",)).unwrap_err();
    assert!(err.is_python("TypeError"), "{err}");
    let err = call("math", "sqrt", (1, 2, 3)).unwrap_err();
    assert!(err.is_python("TypeError"), "{err}");
    assert_eq!(call("math", "sqrt", (9,)).unwrap(), Value::Float(3.0));
}

#[test]
fn the_callable_is_looked_up_once() {
    // Replacing the module attribute after the first call does not change what is called:
    // the callable was resolved and cached on first use.
    call("statistics", "mean", (vec![1, 2, 3],)).unwrap();
    let original = get("statistics", "mean").unwrap();
    set_attr_module("statistics", "mean", get("builtins", "len").unwrap());
    let still_mean = call("statistics", "mean", (vec![1, 2, 3],)).unwrap();
    set_attr_module("statistics", "mean", original);
    assert_eq!(still_mean, Value::Int(2.into()));
}

fn set_attr_module(module: &str, name: &str, value: Value) {
    let m = call("importlib", "import_module", (module,)).unwrap();
    set_attr(m.as_ref().unwrap(), name, value).unwrap();
}
