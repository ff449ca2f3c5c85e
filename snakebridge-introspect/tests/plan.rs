//! The naming model: every Rust name decided and every collision reported before rendering.

use snakebridge_introspect::model::ModuleInfo;
use snakebridge_introspect::plan::{plan, Options, Rename, Renamed};

fn module() -> ModuleInfo {
    let optional = serde_json::json!({"text": "(n=3)", "source": "inspect", "returns": null,
        "params": [{"name": "n", "kind": "positional_or_keyword", "has_default": true, "default": "3", "annotation": null}]});
    serde_json::from_value(serde_json::json!({
        "name": "demo", "doc": null,
        "functions": [
            {"name": "rows", "doc": null, "signature": optional},
            {"name": "rows_stream", "doc": null, "signature": null},
            {"name": "type", "doc": null, "signature": null},
            {"name": "type_", "doc": null, "signature": null}
        ],
        "classes": [{"name": "Box", "qualname": "demo.Box", "doc": null, "bases": [], "mro": ["demo.Box"], "init": null,
            "methods": [{"name": "new", "kind": "instance", "doc": null, "owner": "demo.Box", "signature": null}],
            "properties": [], "attributes": [], "dunders": ["__len__"]}]
    }))
    .unwrap()
}

#[test]
fn collisions_are_reported_not_dropped_silently() {
    let m = module();
    let streaming = ["rows".to_owned()];
    let model = plan(&m, Options { streaming: &streaming, idempotent: &[], renames: &[] });
    let mut names: Vec<&str> = model.collisions.iter().map(|c| c.rust.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["rows_stream", "type_"]);
    let rows = model.collisions.iter().find(|c| c.rust == "rows_stream").unwrap();
    let text = rows.message();
    assert!(
        text.contains("`demo.rows_stream`") && text.contains("`_stream` variant of Python function `demo.rows`"),
        "{text}"
    );
    assert!(text.contains(r#"rename = { "rows_stream" = "rows_stream_2" }"#), "{text}");
    // The first claimant keeps the name: the Python function, not the variant.
    assert!(model.module.streams.is_empty());
    assert!(model.module.functions.iter().any(|f| f.ident == "rows_stream"));
    assert_eq!(model.module.functions.iter().find(|f| f.ident == "rows").unwrap().with.as_ref().unwrap(), "rows_with");
    // The protocol helper is claimed after Python names and kept when free.
    assert_eq!(model.module.classes[0].helpers.len(), 1);
    // A method spelled like the constructor is not a collision: it gets a trailing underscore,
    // as a keyword does (sympy's domains have a `new` method).
    let new = &model.module.classes[0].methods[0];
    assert_eq!((new.info.name.as_str(), new.ident.to_string().as_str()), ("new", "new_"));
    assert_eq!(new.renamed, Renamed::Reserved);
}

#[test]
fn renames_resolve_collisions_and_variants_follow() {
    let m = module();
    let streaming = ["rows".to_owned()];
    let rename = |python: &str, rust: &str| Rename {
        python: python.into(),
        rust: rust.into(),
        span: proc_macro2::Span::call_site(),
    };
    let renames =
        [rename("rows", "lines"), rename("type_", "kind"), rename("Box.new", "new_box"), rename("nothing", "x")];
    let model = plan(&m, Options { streaming: &streaming, idempotent: &[], renames: &renames });
    assert!(model.collisions.is_empty(), "{:?}", model.collisions);
    assert_eq!(model.unused_renames, [3]);
    let lines = model.module.functions.iter().find(|f| f.info.name == "rows").unwrap();
    assert_eq!(lines.ident, "lines");
    assert_eq!(lines.renamed, Renamed::ByRename);
    assert_eq!(lines.with.as_ref().unwrap(), "lines_with");
    assert_eq!(model.module.streams[0].ident, "lines_stream");
    assert_eq!(model.module.classes[0].methods[0].ident, "new_box");
}

/// A setter yields to a Python method spelled like it (pandas' `Index.set_names` beside the
/// property `names`, logging's `Handler.set_name` beside `name`): no collision, no setter.
#[test]
fn a_setter_yields_to_a_method_spelled_like_it() {
    let m: ModuleInfo = serde_json::from_value(serde_json::json!({
        "name": "demo", "doc": null, "functions": [],
        "classes": [{"name": "Index", "qualname": "demo.Index", "doc": null, "bases": [], "mro": ["demo.Index"],
            "init": null,
            "methods": [{"name": "set_names", "kind": "instance", "doc": null, "owner": "demo.Index", "signature": null}],
            "properties": [
                {"name": "names", "doc": null, "writable": true, "annotation": null, "owner": "demo.Index"},
                {"name": "size", "doc": null, "writable": true, "annotation": null, "owner": "demo.Index"}
            ],
            "attributes": [], "dunders": []}]
    }))
    .unwrap();
    let model = plan(&m, Options { streaming: &[], idempotent: &[], renames: &[] });
    assert!(model.collisions.is_empty(), "{:?}", model.collisions);
    let class = &model.module.classes[0];
    assert_eq!(class.methods[0].ident, "set_names");
    let names = class.properties.iter().find(|p| p.info.name == "names").unwrap();
    assert!(names.setter.is_none() && names.setter_yielded);
    let size = class.properties.iter().find(|p| p.info.name == "size").unwrap();
    assert_eq!(size.setter.as_ref().unwrap(), "set_size");
    assert!(!size.setter_yielded);
}
