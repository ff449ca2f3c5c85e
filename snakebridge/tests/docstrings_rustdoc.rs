//! The rendered Markdown of every docstring of numpy's top level (and of the stdlib modules
//! of the differential test) goes through the real rustdoc with `-D warnings`, and through
//! `cargo test --doc`, which must find no doctest to run: no broken intra-doc link, no
//! unclosed HTML tag, no bare URL, no code block that rustdoc would compile as Rust.
//!
//! It builds a scratch crate with one documented function per docstring in
//! `$CARGO_TARGET_TMPDIR`, so it takes a few seconds.

#[path = "support/corpus.rs"]
mod corpus;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use snakebridge::docs::{parse, render, RenderOptions};

/// Docstrings that misuse the markup on purpose.
const HOSTILE: &[&str] = &[
    "",
    "Unbalanced ``literal and `interpreted and :func:`role",
    "Links [x] and [`y`] and <div> and <T> and a [1]_ footnote, $5 and https://example.com/a_(b).",
    "```\nA stray fence\n```\n\n~~~\nand another",
    "Tabs\tinside\n\t\tand indented\n\n\t    code?",
    "Déjà vu — ünïcödé — 数学 — 🐍 `ß` :math:`\\alpha_1`",
    "Parameters\n----------\nx : <class 'int'>, [1, 2]\n    Broken <b>html\n\n    ::\n\n        literal\n",
    "Title\n=====\n\n.. math::\n\n   a = [b]\n\n.. note::\n\n   >>> x = 1\n\n.. unknown:: arg\n\n   body [z]\n",
    "    #. one\n    #. two\n\n    * - nested [x]\n\n            deeper",
];

#[test]
fn rendered_docstrings_build_with_rustdoc_deny_warnings_and_hold_no_doctest() {
    let items = corpus::corpus("differential_json");
    let mut docs: Vec<(String, String)> = corpus::docstrings(&items);
    docs.extend(HOSTILE.iter().enumerate().map(|(i, d)| (format!("hostile{i}"), d.to_string())));
    let opts = RenderOptions::new().with_signature(true).with_type_map(|t| match t {
        "int" => Some("i64".into()),
        "float" => Some("f64".into()),
        "bool" => Some("bool".into()),
        "str" => Some("String".into()),
        _ => None,
    });
    let mut lib = String::from("//! Scratch crate: numpy docstrings as rustdoc.\n#![allow(non_snake_case)]\n\n");
    for (i, (name, raw)) in docs.iter().enumerate() {
        let md = render(&parse(raw), &opts);
        let _ = writeln!(lib, "/// `{}`\n///", name.replace('`', ""));
        let _ = writeln!(lib, "#[doc = {md:?}]\npub fn item{i}() {{}}\n");
    }

    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("docstring-rustdoc");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"docstring_scratch\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[lib]\npath = \"src/lib.rs\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(dir.join("src/lib.rs"), &lib).unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let run = |args: &[&str]| {
        let out = Command::new(&cargo)
            .args(args)
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", dir.join("target"))
            .env("RUSTDOCFLAGS", "-D warnings")
            .env_remove("RUSTFLAGS")
            .output()
            .expect("cargo runs");
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "cargo {args:?} failed for {}:\n{text}", dir.join("src/lib.rs").display());
        text
    };
    run(&["doc", "--offline", "--quiet"]);
    let doctests = run(&["test", "--doc", "--offline"]);
    assert!(doctests.contains("running 0 tests"), "a docstring became a Rust doctest:\n{doctests}");
    println!("{} docstrings rendered; rustdoc -D warnings passed", docs.len());
}
