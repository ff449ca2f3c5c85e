//! `cargo snakebridge promote`: a ledger's dynamic calls become `include = [...]` entries of
//! the crate's `#[python_module]`s, proposed, then written with `--write`; a corrupt or missing
//! ledger is exit 1 with the fix.

use snakebridge_meta::ledger::{self, CallKind};

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
