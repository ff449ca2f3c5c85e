//! The call ledger: dynamic calls (`call`, `method`, `attr`, `python!`) are recorded once each,
//! with their library, name, arity and Rust types, and `promote`'s proposal is built from them
//! (`cargo snakebridge promote` itself: cargo-snakebridge/tests/promote.rs).
//! (Its own test binary: the ledger is opened when the interpreter starts.)

use snakebridge::{args, attr, call, call_as, method, python, RuntimeConfig};
use snakebridge_meta::ledger::{self, CallKind, Proposal};

#[test]
fn dynamic_calls_are_recorded_once_with_their_types() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calls.jsonl");
    snakebridge::init(RuntimeConfig::default().ledger(&path)).unwrap();
    assert_eq!(snakebridge::ledger_path().as_deref(), Some(path.as_path()));

    for _ in 0..3 {
        let _: String = call_as("json", "dumps", (vec![1_i64, 2],)).unwrap();
    }
    call("json", "dumps", args!(vec![1], indent = 2)).unwrap();
    let d = call("collections", "deque", ()).unwrap();
    let d = d.as_ref().unwrap();
    method(d, "append", (1,)).unwrap();
    attr(d, "maxlen").unwrap();
    let x = 2.5_f64;
    let floor: i64 = python!(math.floor(#x)).unwrap().extract().unwrap();
    assert_eq!(floor, 2);
    // Through a class and a submodule: the deepest module is recorded, the rest is the name.
    python!(pathlib.Path.cwd()).unwrap();
    python!(os.path.basename("/a/b")).unwrap();
    python!(str.upper("a")).unwrap();

    let entries = ledger::read(&path).unwrap();
    let find =
        |kind: CallKind, name: &str| entries.iter().filter(|e| e.kind == kind && e.name == name).collect::<Vec<_>>();
    let dumps = find(CallKind::Call, "dumps");
    assert_eq!(dumps.len(), 2, "one entry per distinct call, not per call: {dumps:?}");
    let typed = dumps.iter().find(|e| e.returns == "String").expect("call_as::<String> records its type");
    assert_eq!((typed.library.as_str(), typed.arity, typed.args.as_str()), ("json", Some(1), "(Vec<i64>,)"));
    let with_kw = dumps.iter().find(|e| e.returns == "Value").unwrap();
    assert_eq!((with_kw.arity, with_kw.args.as_str()), (Some(2), "Args<'_>"));
    assert_eq!(find(CallKind::Method, "deque.append")[0].module, "collections");
    assert_eq!(find(CallKind::Attr, "deque.maxlen").len(), 1);
    assert_eq!(find(CallKind::Inline, "floor")[0].module, "math");
    assert_eq!(find(CallKind::Inline, "Path.cwd")[0].module, "pathlib");
    assert_eq!(find(CallKind::Inline, "basename")[0].module, "os.path");
    assert_eq!(find(CallKind::Inline, "str.upper")[0].module, "builtins");

    let proposals = ledger::propose(&entries);
    assert!(proposals.contains(&Proposal { module: "json".into(), include: vec!["dumps".into()] }), "{proposals:?}");
    assert!(proposals.contains(&Proposal { module: "collections".into(), include: vec!["deque".into()] }));
    assert!(proposals.contains(&Proposal { module: "math".into(), include: vec!["floor".into()] }));
    assert!(proposals.contains(&Proposal { module: "pathlib".into(), include: vec!["Path".into()] }), "{proposals:?}");
    assert!(proposals.contains(&Proposal { module: "os.path".into(), include: vec!["basename".into()] }));
    assert!(!proposals.iter().any(|p| p.module == "str" || p.module == "builtins"), "{proposals:?}");
}
