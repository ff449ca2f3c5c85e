//! Bad input never panics and never yields Markdown that rustdoc would compile or warn
//! about: empty, huge, styleless, broken reST, tabs, non-ASCII, unbalanced backticks, and
//! random strings built from the characters that markup is made of.

use proptest::prelude::*;
use snakebridge_docstring::{parse, render, to_rustdoc, RenderOptions, Style};

/// Structural checks on rendered Markdown: fences open and close in pairs, and no text line
/// outside a fence is indented enough to become an indented (Rust) code block.
fn check_markdown(md: &str) {
    let mut fence: Option<(String, usize)> = None;
    let mut prev_blank = true;
    for line in md.lines() {
        let t = strip_containers(line);
        let indent = line.len() - t.len();
        let ticks = t.bytes().take_while(|&b| b == b'`').count();
        match &fence {
            Some((open, _)) if t.starts_with(open.as_str()) && t.trim_end_matches('`').is_empty() => fence = None,
            Some(_) => {}
            None if ticks >= 3 => {
                let info = &t[ticks..];
                assert!(!info.contains('`'), "fence info with a backtick: {line:?}");
                let lang = info.trim();
                assert!(matches!(lang, "python" | "text") || !lang.is_empty() && lang != "rust", "fence language {lang:?} in\n{md}");
                fence = Some((t[..ticks].to_string(), indent));
            }
            None => {
                // List continuations indent by the marker width (2 or 3, nested: multiples);
                // four columns past a blank line outside a list would be a code block.
                if prev_blank && indent >= 4 && !t.is_empty() {
                    let quoted_or_listed = md.contains("- ") || md.contains(". ");
                    assert!(quoted_or_listed, "indented code block at {line:?} in\n{md}");
                }
            }
        }
        prev_blank = t.is_empty();
    }
    assert!(fence.is_none(), "unclosed fence in\n{md}");
}

/// The line without its leading list markers and block-quote prefixes, where a fence may
/// open inside a list item or a quote.
fn strip_containers(line: &str) -> &str {
    let mut t = line.trim_start();
    loop {
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        let next = if let Some(rest) = t.strip_prefix("- ").or_else(|| t.strip_prefix("> ")).or_else(|| t.strip_prefix('>')) {
            rest
        } else if digits > 0 && t[digits..].starts_with(". ") {
            &t[digits + 2..]
        } else {
            return t;
        };
        t = next.trim_start();
    }
}

#[test]
fn empty_and_blank() {
    for raw in ["", " ", "\n\n\n", "\t\t", "\r\n\r\n"] {
        let d = parse(raw);
        assert!(d.is_empty(), "{raw:?}: {d:?}");
        assert_eq!(to_rustdoc(raw), "");
    }
}

#[test]
fn no_known_style_is_description() {
    let d = parse("Just some words.\n\nMore words: with a colon, and Returns: inline.");
    assert_eq!(d.style, Style::Plain);
    assert_eq!(d.short_description.as_deref(), Some("Just some words."));
    assert!(d.params.is_empty());
}

#[test]
fn broken_rest_and_unbalanced_backticks() {
    let raw = "Broken ``literal and `role and :func:`x and .. math:\n\n.. note::\n.. code-block::\n\n:param:\n:param x\n@param\n::\n\n+---+\n| a\n";
    let md = to_rustdoc(raw);
    check_markdown(&md);
    assert!(md.contains("\\`"), "unbalanced backticks are escaped: {md}");
}

#[test]
fn tabs_and_non_ascii() {
    let raw = "Résumé — 数学 🐍\n\n\tParameters\n\t----------\n\tx : float\n\t\tÜber-value, :math:`\\alpha`\n";
    let d = parse(raw);
    assert_eq!(d.style, Style::Numpy);
    assert_eq!(d.params[0].name, "x");
    let md = to_rustdoc(raw);
    assert!(md.contains("Über-value, $\\\\alpha$"), "{md}");
    check_markdown(&md);
}

#[test]
fn huge_docstring_is_linear() {
    let unit = "Parameters\n----------\nx : int\n    The `x` value [1]_ with <b>tags</b> and ``code``.\n\n>>> f(x)\n1\n\n";
    let raw = format!("Huge.\n\n{}", unit.repeat(20_000));
    let start = std::time::Instant::now();
    let md = to_rustdoc(&raw);
    let elapsed = start.elapsed();
    assert!(md.len() > raw.len() / 2);
    // Debug builds: about 0.1 s for 1.8 MB; anything quadratic would take minutes.
    assert!(elapsed.as_secs() < 20, "{elapsed:?} for {} bytes", raw.len());
    let unbalanced = "`".repeat(100_000) + &"a :b:`".repeat(50_000);
    let _ = to_rustdoc(&unbalanced);
    let deep: String = (0..2_000).map(|i| format!("{}- item\n", " ".repeat(i % 200))).collect();
    check_markdown(&to_rustdoc(&deep));
}

fn markup_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "`", "``", ":", "::", ":math:", ":func:", ".. ", ".. math::", ".. note::", "\n", "\n\n", "    ", "\t", "-", "----------",
        "=====", "+---+", "|", "[", "]", "<", ">", "*", "_", ">>> ", "...", "Parameters", "Returns", "Args:", "@param ", ":param ",
        "x", " : ", "int, optional", "é", "数", "🐍", "\\", "$", "#", "1. ", "- ", "http://a.b/c", "```", "~~~", "(", ")",
    ]);
    prop::collection::vec(pieces, 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn markup_soup_never_panics(raw in markup_text()) {
        let d = parse(&raw);
        let md = render(&d, &RenderOptions::new().with_signature(true).with_type_map(|t| Some(format!("R<{t}>"))));
        check_markdown(&md);
    }

    #[test]
    fn arbitrary_strings_never_panic(raw in any::<String>()) {
        check_markdown(&to_rustdoc(&raw));
    }
}
