//! The call ledger: dynamic calls (`call`, `method`, `attr`, `python!`) are recorded once each,
//! with their library, name, arity and Rust types, and `promote`'s proposal is built from them.
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

    let proposals = ledger::propose(&entries);
    assert!(proposals.contains(&Proposal { module: "json".into(), include: vec!["dumps".into()] }), "{proposals:?}");
    assert!(proposals.contains(&Proposal { module: "collections".into(), include: vec!["deque".into()] }));
    assert!(proposals.contains(&Proposal { module: "math".into(), include: vec!["floor".into()] }));
}

fn promote(project: &std::path::Path, args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-snakebridge"))
        .args(["snakebridge", "promote"])
        .args(args)
        .current_dir(project)
        .env_remove(ledger::LEDGER_ENV)
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn promote_proposes_then_writes_the_include_entries() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"app\"\nversion = \"0.1.0\"\n").unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    let main = dir.path().join("src/main.rs");
    let source = "#[snakebridge::python_module(\"json\", include = [\"dumps\"])]\nmod json {}\nfn main() {}\n";
    std::fs::write(&main, source).unwrap();
    let entry = |kind, module: &str, name: &str| ledger::LedgerEntry {
        kind,
        library: module.into(),
        module: module.into(),
        name: name.into(),
        arity: Some(1),
        args: "(&str,)".into(),
        returns: "Value".into(),
    };
    let lines = [
        ledger::header_line(),
        ledger::entry_line(&entry(CallKind::Call, "json", "loads")),
        ledger::entry_line(&entry(CallKind::Call, "json", "dumps")),
        ledger::entry_line(&entry(CallKind::Method, "collections", "deque.append")),
    ];
    let calls = dir.path().join("calls.jsonl");
    std::fs::write(&calls, lines.join("\n") + "\n").unwrap();
    let calls = calls.to_str().unwrap();

    let (code, out) = promote(dir.path(), &["--file", calls]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("would add to #[python_module(\"json\")] in src/main.rs: \"loads\""), "{out}");
    assert!(out.contains("no #[python_module(\"collections\")]") && out.contains("include = [\"deque\"]"), "{out}");
    assert_eq!(std::fs::read_to_string(&main).unwrap(), source, "nothing is written without --write");

    let (code, out) = promote(dir.path(), &["--file", calls, "--write"]);
    assert_eq!(code, 0, "{out}");
    assert!(std::fs::read_to_string(&main).unwrap().contains("include = [\"dumps\", \"loads\"]"));
    let (_, again) = promote(dir.path(), &["--file", calls, "--write"]);
    assert!(!again.contains("added to"), "a second run adds nothing: {again}");

    std::fs::write(dir.path().join("bad.jsonl"), "{\"snakebridge_ledger\":1}\nnot json\n").unwrap();
    let (code, out) = promote(dir.path(), &["--file", "bad.jsonl"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("corrupt at line 2"), "{out}");
    let (code, out) = promote(dir.path(), &["--file", "missing.jsonl"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("no call ledger at missing.jsonl") && out.contains("SNAKEBRIDGE_LEDGER"), "{out}");
}
