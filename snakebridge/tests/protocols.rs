//! Python protocols on refs: str/repr, len, iteration, items, `in`, equality, hashing, calls.

mod support;

use snakebridge::{args, call, get, method, release_ref, Ref, Value};

fn module(code: &str) -> Ref {
    support::fresh_module("sb_test_proto", code)
}

fn new_ref(module: &str, class: &str, a: impl snakebridge::IntoArgs) -> Ref {
    call(module, class, a).unwrap().as_ref().expect("a ref").clone()
}

const BAG: &str = r#"
class Bag:
    """Every protocol, written out."""
    def __init__(self, *items):
        self.items = list(items)
    def __len__(self):
        return len(self.items)
    def __iter__(self):
        return iter(self.items)
    def __getitem__(self, i):
        return self.items[i]
    def __setitem__(self, i, v):
        self.items[i] = v
    def __contains__(self, v):
        return v in self.items
    def __eq__(self, other):
        return isinstance(other, Bag) and self.items == other.items
    def __hash__(self):
        return hash(tuple(self.items))
    def __call__(self, x):
        return [x * i for i in self.items]
    def __str__(self):
        return "bag of %d" % len(self.items)
    def __repr__(self):
        return "Bag(%s)" % ", ".join(map(repr, self.items))
"#;

#[test]
fn display_is_str_and_repr_is_available() {
    let path = new_ref("pathlib", "PurePosixPath", ("/tmp", "x.txt"));
    assert_eq!(path.to_string(), "/tmp/x.txt");
    assert_eq!(path.repr().unwrap(), "PurePosixPath('/tmp/x.txt')");
    // Debug is the handle and never calls Python (docs/idioms.md); repr() is asked for.
    let debug = format!("{path:?}");
    assert!(
        debug.starts_with("<Ref pathlib.PurePosixPath ref_") && debug.ends_with(&format!(" in {}>", path.session_id())),
        "{debug}"
    );
    assert!(!debug.contains("/tmp"), "{debug}");
    assert_eq!(format!("{path:#?}"), debug);
    // A released ref prints its handle.
    let gone = new_ref("pathlib", "PurePosixPath", ("/",));
    release_ref(&gone);
    assert!(format!("{gone:?}").starts_with("<Ref pathlib.PurePosixPath ref_"));

    let m = module(BAG);
    let bag = method(&m, "Bag", (1, 2)).unwrap().as_ref().unwrap().clone();
    assert_eq!(format!("{bag}"), "bag of 2");
    assert_eq!(bag.repr().unwrap(), "Bag(1, 2)");
}

#[test]
fn display_of_a_released_ref_says_why_instead_of_failing() {
    let path = new_ref("pathlib", "PurePosixPath", ("/tmp",));
    release_ref(&path);
    let text = path.to_string();
    assert!(text.contains("str() failed") && text.contains("no longer available"), "{text}");
}

#[test]
fn len_items_and_contains() {
    let d = new_ref("collections", "OrderedDict", ());
    assert_eq!(d.len().unwrap(), 0);
    assert!(d.is_empty().unwrap());
    d.set_item("a", 1).unwrap();
    d.set_item((1, 2), vec![3.5]).unwrap();
    assert_eq!(d.len().unwrap(), 2);
    assert_eq!(d.get_item("a").unwrap(), Value::from(1));
    assert_eq!(d.get_item_as::<Vec<f64>>((1, 2)).unwrap(), [3.5]);
    assert!(d.contains("a").unwrap());
    assert!(!d.contains("b").unwrap());
    d.del_item("a").unwrap();
    assert!(!d.contains("a").unwrap());

    let err = d.get_item("missing").unwrap_err();
    assert!(err.is_python("KeyError"), "{err}");
    let obj = new_ref("builtins", "object", ());
    let err = obj.len().unwrap_err();
    assert!(err.is_python("TypeError"), "{err}");
}

#[test]
fn iteration_over_a_ref() {
    let d = new_ref("collections", "OrderedDict", (vec![("x", 1), ("y", 2)],));
    let keys: Vec<String> = d.iter_as::<String>().unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(keys, ["x", "y"]);

    let m = module(BAG);
    let bag = method(&m, "Bag", (1, "two", 3.0)).unwrap().as_ref().unwrap().clone();
    let items: Vec<Value> = bag.iter().unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(items, [Value::from(1), Value::Str("two".into()), Value::Float(3.0)]);
    // A fresh iteration each time, as Python's `for` over an iterable.
    assert_eq!(bag.iter().unwrap().count(), 3);

    let err = new_ref("builtins", "object", ()).iter().unwrap_err();
    assert!(matches!(err, snakebridge::Error::NotIterable { .. }), "{err}");
}

#[test]
fn equality_and_hashing_follow_python() {
    let half = new_ref("fractions", "Fraction", (1, 2));
    assert!(half.py_eq(0.5).unwrap());
    assert!(!half.py_eq(0.25).unwrap());
    let other_half = new_ref("fractions", "Fraction", (2, 4));
    assert!(half.py_eq(&other_half).unwrap());
    assert_ne!(half, other_half, "`==` on Ref compares handles, not Python values");
    assert_eq!(half, half.clone());
    let hash_of_half: isize = call("builtins", "hash", (0.5,)).unwrap().extract().unwrap();
    assert_eq!(half.py_hash().unwrap(), hash_of_half);

    let m = module(BAG);
    let a = method(&m, "Bag", (1, 2)).unwrap().as_ref().unwrap().clone();
    let b = method(&m, "Bag", (1, 2)).unwrap().as_ref().unwrap().clone();
    assert!(a.py_eq(&b).unwrap());
    assert_eq!(a.py_hash().unwrap(), b.py_hash().unwrap());

    let unhashable = new_ref("builtins", "bytearray", (b"ab".to_vec(),));
    let err = unhashable.py_hash().unwrap_err();
    assert!(err.is_python("TypeError"), "{err}");
}

#[test]
fn a_callable_ref_can_be_called() {
    let hypot = get("math", "hypot").unwrap();
    let hypot = hypot.as_ref().unwrap();
    assert!(hypot.is_callable().unwrap());
    assert_eq!(hypot.call((3, 4)).unwrap(), Value::Float(5.0));

    let m = module(BAG);
    let bag = method(&m, "Bag", (1, 2)).unwrap().as_ref().unwrap().clone();
    assert_eq!(bag.call((10,)).unwrap(), Value::List(vec![Value::from(10), Value::from(20)]));

    let counter_class = get("collections", "Counter").unwrap();
    let counter = counter_class.as_ref().unwrap().call(args!("hello")).unwrap();
    assert_eq!(counter.as_ref().unwrap().get_item("l").unwrap(), Value::from(2));

    let not_callable = new_ref("builtins", "object", ());
    assert!(!not_callable.is_callable().unwrap());
    assert!(not_callable.call(()).unwrap_err().is_python("TypeError"));
}
