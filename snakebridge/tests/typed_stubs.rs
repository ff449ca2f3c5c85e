//! End-to-end: bindings typed from stubs (issue 15), called against the real interpreter.
//! typeshed's stdlib stubs type `math`, `os.path`, `json`, `re` and `hashlib`; the fixture
//! packages in `tests/python` carry inline stubs that type, disagree, lie and do not parse.
//! The manifests are committed in `snakebridge/.snakebridge/` (refresh them with
//! `PYTHONPATH=tests/python cargo snakebridge prepare`).

use snakebridge::{args, python_module, Bytes, Error, Value};

#[python_module("math", include = ["sqrt", "floor", "gcd", "hypot"])]
mod math {}

#[python_module("os.path", include = ["join", "exists", "basename"])]
mod os_path {}

#[python_module("json", include = ["dumps"])]
mod json {}

#[python_module("re", include = ["compile", "Pattern", "Match"])]
mod re {}

#[python_module("hashlib", include = ["sha256"])]
mod hashlib {}

#[python_module("sb_stubbed", include = ["scale", "count_words", "disagreeing", "lying", "touch", "lazy_double"])]
mod stubbed {}

#[python_module("sb_badstub")]
mod badstub {}

#[test]
fn math_is_typed_from_typeshed() {
    let root: f64 = math::sqrt(16.0).unwrap();
    assert_eq!(root, 4.0);
    // `SupportsFloat | SupportsIndex` → f64 in, `int` → i64 out.
    let floor: i64 = math::floor(2.7).unwrap();
    assert_eq!(floor, 2);
    let err = math::sqrt(-1.0).unwrap_err();
    assert!(err.is_python("ValueError"), "{err}");
}

#[test]
fn os_path_and_json_return_strings() {
    // The overload taken is `(a: LiteralString, *p: LiteralString)`: `p` is an iterable of
    // `impl AsRef<str>`, spread into positional arguments.
    let joined: String = os_path::join("/tmp", [String::from("a"), "b".into()]).unwrap();
    assert_eq!(joined, "/tmp/a/b");
    // `StrPath` → `impl AsRef<Path>`: a `Path`, a `PathBuf` or a `&str` passes.
    let exists: bool = os_path::exists(std::path::Path::new("/definitely/not/here")).unwrap();
    assert!(!exists);
    assert!(os_path::exists(std::env::temp_dir()).unwrap());
    let text: String = json::dumps(vec![1, 2]).unwrap();
    assert_eq!(text, "[1, 2]");
    let pretty: String = json::dumps_with(vec![1], args!(indent = 1)).unwrap();
    assert_eq!(pretty, "[\n 1\n]");
}

#[test]
fn re_compile_gives_a_pattern_whose_matches_are_options() {
    let pattern: re::Pattern = re::compile(r"(\d+)-(\d+)").unwrap();
    let found: Option<re::Match> = pattern.search("order 12-34 shipped").unwrap();
    let found = found.expect("the pattern occurs");
    assert_eq!(found.span().unwrap(), (6, 11));
    assert_eq!(found.start().unwrap(), 6);
    assert!(pattern.match_("order 12-34").unwrap().is_none());
    let whole: Option<re::Match> = pattern.fullmatch("1-2").unwrap();
    assert!(whole.is_some());
    let replaced: String = pattern.sub("#", "a1-2b").unwrap();
    assert_eq!(replaced, "a#b");
    assert_eq!(pattern.groups().unwrap(), 2);
}

#[test]
fn hashlib_returns_a_struct_with_a_typed_hexdigest() {
    // The stub's `HASH` lives in `_hashlib`, bound beside `sha256`. `data` is optional, so
    // it goes through `sha256_with`; `update` takes it as `ReadableBuffer` → `&[u8]`.
    let digest: hashlib::HASH = hashlib::sha256_with(args!(Bytes::from(&b"abc"[..]))).unwrap();
    let hex: String = digest.hexdigest().unwrap();
    assert_eq!(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    let fed = hashlib::sha256().unwrap();
    fed.update(b"abc").unwrap();
    assert_eq!(fed.hexdigest().unwrap(), hex);
    assert_eq!(digest.digest_size().unwrap(), 32);
    assert_eq!(digest.name().unwrap(), "sha256");
}

#[test]
fn inline_stubs_type_a_package() {
    // `Sequence[float]` → any Rust collection of f64.
    let scaled: Vec<f64> = stubbed::scale(vec![1.0, 2.0], 3.0).unwrap();
    assert_eq!(scaled, vec![3.0, 6.0]);
    let from_array: Vec<f64> = stubbed::scale([0.5], 2.0).unwrap();
    assert_eq!(from_array, vec![1.0]);
    let words: i64 = stubbed::count_words("a b c").unwrap();
    assert_eq!(words, 3);
    let touched: String = stubbed::touch(std::path::PathBuf::from("/tmp/x")).unwrap();
    assert_eq!(touched, "/tmp/x");
    // A name only the stub lists (the package creates it in `__getattr__`) still binds.
    assert_eq!(stubbed::lazy_double(21).unwrap(), 42);
}

#[test]
fn a_stub_that_disagrees_or_does_not_parse_leaves_the_item_untyped() {
    // The stub's parameters (x, y) are not the runtime's (a, b): untyped, not a build error.
    let sum: Value = stubbed::disagreeing(1, 2).unwrap();
    assert_eq!(sum.extract::<i64>().unwrap(), 3);
    let sum: Value = badstub::add(1, 2).unwrap();
    assert_eq!(sum.extract::<i64>().unwrap(), 3);
}

#[test]
fn a_typed_return_python_does_not_honour_is_a_conversion_error() {
    match stubbed::lying().unwrap_err() {
        Error::Conversion { expected, found, .. } => {
            assert!(expected.contains("i64"), "{expected}");
            assert!(found.contains("str"), "{found}");
        }
        other => panic!("wanted Error::Conversion, got {other:?}"),
    }
}
