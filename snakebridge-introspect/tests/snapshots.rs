//! Snapshots of generated code, pretty-printed: small modules built by hand (every shape the
//! generator handles) and one real expansion from a committed manifest.

use std::path::Path;

use quote::quote;
use snakebridge_introspect::model::ModuleInfo;

fn pretty(tokens: proc_macro2::TokenStream) -> String {
    prettyplease::unparse(&syn::parse2::<syn::File>(tokens).expect("generated code parses"))
}

fn module(json: serde_json::Value) -> ModuleInfo {
    serde_json::from_value(json).unwrap()
}

fn param(name: &str, kind: &str, default: Option<&str>, annotation: Option<&str>) -> serde_json::Value {
    serde_json::json!({"name": name, "kind": kind, "has_default": default.is_some(), "default": default, "annotation": annotation})
}

#[test]
fn functions() {
    let m = module(serde_json::json!({
        "name": "demo",
        "doc": "A demo module.",
        "functions": [
            {"name": "hypot", "doc": "Typed from annotations.", "signature": {"text": "(x: float, y: float) -> float", "source": "inspect",
                "returns": "float", "params": [param("x", "positional_or_keyword", None, Some("float")), param("y", "positional_or_keyword", None, Some("float"))]}},
            {"name": "dumps", "doc": "Optional and keyword-only parameters.", "signature": {"text": "(obj, *, indent=None, **kw)", "source": "inspect", "returns": "str",
                "params": [param("obj", "positional_or_keyword", None, None), param("indent", "keyword_only", Some("None"), Some("int | None")), param("kw", "var_keyword", None, None)]}},
            {"name": "open", "doc": null, "signature": {"text": "(path, *, mode)", "source": "inspect", "returns": null,
                "params": [param("path", "positional_only", None, Some("str")), param("mode", "keyword_only", None, Some("str"))]}},
            {"name": "type", "doc": "A Rust keyword.", "signature": {"text": "(*args)", "source": "text_signature", "returns": null,
                "params": [param("args", "var_positional", None, None)]}},
            {"name": "opaque", "doc": "Docs with ``` fences ``` and [links].", "signature": null}
        ],
        "constants": [{"name": "pi", "type": "float", "repr": "3.14"}, {"name": "nothing", "type": "NoneType", "repr": "None"}]
    }));
    insta::assert_snapshot!(pretty(snakebridge_introspect::generate::module_items(&m, &["dumps".to_owned()])));
}

#[test]
fn classes_and_submodules() {
    let init = serde_json::json!({"text": "(name: str)", "source": "inspect", "returns": null, "params": [param("name", "positional_or_keyword", None, Some("str"))]});
    let m = module(serde_json::json!({
        "name": "zoo",
        "doc": null,
        "classes": [
            {"name": "Animal", "qualname": "zoo.Animal", "doc": "An animal.", "bases": [], "mro": ["zoo.Animal"], "init": init,
             "methods": [
                {"name": "speak", "kind": "instance", "doc": "Says something.", "owner": "zoo.Animal",
                 "signature": {"text": null, "source": "inspect", "returns": "str", "params": [param("loud", "positional_or_keyword", Some("False"), Some("bool"))]}},
                {"name": "create", "kind": "class", "doc": null, "owner": "zoo.Animal",
                 "signature": {"text": "()", "source": "inspect", "returns": "Animal", "params": []}}
             ],
             "properties": [{"name": "name", "doc": "The name.", "writable": true, "annotation": "str", "owner": "zoo.Animal"}],
             "attributes": [{"name": "legs", "type": "int", "repr": "4"}],
             "dunders": ["__len__", "__iter__"]},
            {"name": "Dog", "qualname": "zoo.Dog", "doc": "A dog.", "bases": ["zoo.Animal"], "mro": ["zoo.Dog", "zoo.Animal"], "init": init,
             "methods": [
                {"name": "speak", "kind": "instance", "doc": null, "owner": "zoo.Animal", "signature": null},
                {"name": "fetch", "kind": "instance", "doc": null, "owner": "zoo.Dog", "signature": {"text": "()", "source": "inspect", "returns": "Dog", "params": []}}
             ],
             "properties": [], "attributes": [], "dunders": ["__len__", "__iter__"]}
        ],
        "submodules": [{"name": "zoo.keepers", "doc": "People.", "functions": [{"name": "count", "doc": null,
            "signature": {"text": "()", "source": "inspect", "returns": "int", "params": []}}]}]
    }));
    insta::assert_snapshot!(pretty(snakebridge_introspect::generate::module_items(&m, &[])));
}

#[test]
fn numpy_array_annotations() {
    let sig = |text: &str, params: Vec<serde_json::Value>, returns: &str| serde_json::json!({"text": text, "source": "pyi", "returns": returns, "params": params});
    let pk = "positional_or_keyword";
    let m = module(serde_json::json!({
        "name": "arrays",
        "doc": null,
        "functions": [
            {"name": "scale", "doc": "Typed element both ways.", "signature": sig("(a: NDArray[np.float64], k: float) -> NDArray[np.float64]",
                vec![param("a", pk, None, Some("NDArray[np.float64]")), param("k", pk, None, Some("float"))], "NDArray[np.float64]")},
            {"name": "mask", "doc": null, "signature": sig("(a: npt.NDArray[numpy.int32], out: ndarray | None = None) -> ndarray[tuple[int], np.dtype[np.bool]]",
                vec![param("a", pk, None, Some("npt.NDArray[numpy.int32]")), param("out", pk, Some("None"), Some("ndarray | None"))], "ndarray[tuple[int], np.dtype[np.bool]]")},
            {"name": "fft", "doc": null, "signature": sig("(a: NDArray[np.complex128]) -> NDArray[np.complex64]",
                vec![param("a", pk, None, Some("NDArray[np.complex128]"))], "NDArray[np.complex64]")},
            {"name": "nonzero", "doc": "Unknown dtypes: AnyArray.", "signature": sig("(a: numpy.ndarray) -> tuple[NDArray[Any], NDArray[np.intp]]",
                vec![param("a", pk, None, Some("numpy.ndarray"))], "tuple[NDArray[Any], NDArray[np.intp]]")},
            {"name": "half", "doc": null, "signature": sig("(a: ArrayLike) -> NDArray[np.float16] | None",
                vec![param("a", pk, None, Some("ArrayLike"))], "NDArray[np.float16] | None")}
        ],
        "classes": [{"name": "ndarray", "qualname": "arrays.ndarray", "doc": "A class named like numpy's: annotations still mean arrays.", "bases": [], "mro": ["arrays.ndarray"], "init": null,
            "methods": [{"name": "copy", "kind": "instance", "doc": null, "owner": "arrays.ndarray", "signature": sig("() -> ndarray", vec![], "ndarray")}],
            "properties": [{"name": "T", "doc": null, "writable": false, "annotation": "NDArray[np.uint8]", "owner": "arrays.ndarray"}],
            "attributes": [], "dunders": []}]
    }));
    insta::assert_snapshot!(pretty(snakebridge_introspect::generate::module_items(&m, &[])));
}

#[test]
fn expansion_of_a_committed_manifest() {
    let facade = Path::new(env!("CARGO_MANIFEST_DIR")).join("../snakebridge");
    let env = |name: &str| (name == "SNAKEBRIDGE_OFFLINE").then(|| "1".to_owned());
    let tokens = snakebridge_introspect::expand::expand_in(
        &facade,
        quote!("os.path", include = ["join", "basename", "splitext", "sep"]),
        quote!(
            mod os_path {}
        ),
        &env,
    );
    let text = pretty(tokens).replace(&facade.display().to_string(), "<crate>");
    insta::assert_snapshot!(text);
}
