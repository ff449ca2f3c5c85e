//! Bad input never panics and never yields Markdown that rustdoc would compile or warn
//! about: empty, huge, styleless, broken reST, tabs, non-ASCII, unbalanced backticks, and
//! random strings built from the characters that markup is made of.

use proptest::prelude::*;
use snakebridge_docstring::{parse, render, to_rustdoc, RenderOptions, Style};

/// Reads the Markdown with pulldown-cmark, the parser rustdoc uses, as rustdoc configures
/// it, and fails on what rustdoc would compile or warn about: an indented code block or a
/// fence in a Rust language (a doctest), HTML (unclosed tags), a link that is not a URL or a
/// broken reference (intra-doc links), a bare URL.
fn check_markdown(md: &str) {
    use pulldown_cmark::{CodeBlockKind, Event, LinkType, Options, Parser, Tag};
    let broken = std::cell::RefCell::new(Vec::new());
    let callback = |link: pulldown_cmark::BrokenLink<'_>| {
        broken.borrow_mut().push(link.reference.to_string());
        None
    };
    let opts =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut in_link = 0usize;
    for event in Parser::new_with_broken_link_callback(md, opts, Some(callback)) {
        match event {
            Event::End(pulldown_cmark::TagEnd::Link | pulldown_cmark::TagEnd::CodeBlock) => in_link -= 1,
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => {
                panic!("indented code block (a Rust doctest) in\n{md}")
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) => {
                in_link += 1; // rustdoc's bare-URL lint skips code blocks, as it skips links
                let rusty = lang.trim().is_empty()
                    || lang.split([',', ' ']).any(|a| {
                        matches!(
                            a,
                            "rust"
                                | "ignore"
                                | "should_panic"
                                | "no_run"
                                | "compile_fail"
                                | "test_harness"
                                | "standalone_crate"
                        ) || a.starts_with("edition")
                    });
                assert!(!rusty, "fence {lang:?} would be compiled as Rust in\n{md}");
            }
            Event::Html(h) | Event::InlineHtml(h) => panic!("HTML {h:?} in\n{md}"),
            Event::Start(Tag::Link { link_type, dest_url, .. }) => {
                let url = dest_url.starts_with("http://")
                    || dest_url.starts_with("https://")
                    || dest_url.starts_with("mailto:");
                assert!(url || link_type == LinkType::Email, "link {link_type:?} to {dest_url:?} in\n{md}");
                in_link += 1;
            }
            Event::Text(t) if in_link == 0 => {
                assert!(!t.contains("http://") && !t.contains("https://"), "bare URL in {t:?} in\n{md}")
            }
            _ => {}
        }
    }
    assert!(broken.borrow().is_empty(), "broken links {:?} in\n{md}", broken.borrow());
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
    let unit =
        "Parameters\n----------\nx : int\n    The `x` value [1]_ with <b>tags</b> and ``code``.\n\n>>> f(x)\n1\n\n";
    // Linear means 4× the input takes about 4× the time; quadratic would take 16×. Each size
    // is timed at its fastest of two runs, so a busy machine slows both alike.
    let time = |units: usize| {
        let raw = format!("Huge.\n\n{}", unit.repeat(units));
        let md = to_rustdoc(&raw);
        assert!(md.len() > raw.len() / 2);
        (0..2)
            .map(|_| {
                let start = std::time::Instant::now();
                std::hint::black_box(to_rustdoc(&raw));
                start.elapsed()
            })
            .min()
            .unwrap()
    };
    let (small, large) = (time(2_500), time(10_000));
    let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-9);
    assert!(ratio < 9.0, "4× the input took {ratio:.1}× the time ({small:?} → {large:?}): not linear");
    println!("4× the input: {ratio:.1}× the time ({small:?} → {large:?})");
    assert!(large.as_secs() < 20, "{large:?} for 10,000 units");
    let unbalanced = "`".repeat(100_000) + &"a :b:`".repeat(50_000) + &" *a".repeat(100_000);
    let _ = to_rustdoc(&unbalanced);
    let deep: String = (0..2_000).map(|i| format!("{}- item\n", " ".repeat(i % 200))).collect();
    check_markdown(&to_rustdoc(&deep));
}

fn markup_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "`",
        "``",
        ":",
        "::",
        ":math:",
        ":func:",
        ".. ",
        ".. math::",
        ".. note::",
        "\n",
        "\n\n",
        "    ",
        "\t",
        "-",
        "----------",
        "=====",
        "+---+",
        "|",
        "[",
        "]",
        "<",
        ">",
        "*",
        "_",
        ">>> ",
        "...",
        "Parameters",
        "Returns",
        "Args:",
        "@param ",
        ":param ",
        "x",
        " : ",
        "int, optional",
        "é",
        "数",
        "🐍",
        "\\",
        "$",
        "#",
        "1. ",
        "- ",
        "http://a.b/c",
        "```",
        "~~~",
        "(",
        ")",
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
