//! Unit tests of the grammar, the block source and the expansion, without a compiler.

use proc_macro2::TokenStream;

use super::ast::{Arg, BinOp, CmpOp, Expr, Lit, Subscript};
use super::block::block_source;
use super::expand_python;
use super::parse::parse_expression;

fn tokens(s: &str) -> TokenStream {
    s.parse().expect("valid Rust tokens")
}

fn parse(s: &str) -> Expr {
    parse_expression(tokens(s)).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn parse_err(s: &str) -> String {
    match parse_expression(tokens(s)) {
        Ok(e) => panic!("{s} parsed as {e:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn dotted_call_with_interpolation() {
    let Expr::Call { func, args } = parse("math.sqrt(#x)") else { panic!() };
    assert!(matches!(*func, Expr::Attr { ref name, .. } if name == "sqrt"));
    assert!(matches!(args.as_slice(), [Arg::Pos(Expr::Interp(_))]));
}

#[test]
fn keyword_star_and_double_star_arguments() {
    let Expr::Call { args, .. } = parse("f(1, *#xs, indent = 2, type = None, **#kw)") else { panic!() };
    assert!(matches!(
        args.as_slice(),
        [Arg::Pos(_), Arg::Star(_), Arg::Kw(a, _), Arg::Kw(b, _), Arg::StarStar(_)] if a == "indent" && b == "type"
    ));
}

#[test]
fn precedence_follows_python() {
    // 1 + 2 * 3 ** 2 == 19 and not x  →  ((1 + (2 * (3 ** 2))) == 19) and (not x)
    let Expr::BoolOp { and_: true, values } = parse("1 + 2 * 3 ** 2 == 19 and not x") else { panic!() };
    let Expr::Compare { first, rest } = &values[0] else { panic!() };
    assert_eq!(rest[0].0, CmpOp::Eq);
    let Expr::Binary { op: BinOp::Add, right, .. } = first.as_ref() else { panic!() };
    let Expr::Binary { op: BinOp::Mul, right, .. } = right.as_ref() else { panic!() };
    assert!(matches!(right.as_ref(), Expr::Binary { op: BinOp::Pow, .. }));
    assert!(matches!(values[1], Expr::Not(_)));
}

#[test]
fn power_is_right_associative_and_binds_tighter_than_unary_minus() {
    let Expr::Unary { operand, .. } = parse("-2 ** 2") else { panic!() };
    assert!(matches!(*operand, Expr::Binary { op: BinOp::Pow, .. }));
    let Expr::Binary { op: BinOp::Pow, right, .. } = parse("2 ** 3 ** 2") else { panic!() };
    assert!(matches!(*right, Expr::Binary { op: BinOp::Pow, .. }));
}

#[test]
fn negative_numbers_are_literals() {
    assert!(matches!(parse("-5"), Expr::Lit(Lit::Int(ref d), _) if d == "-5"));
    assert!(matches!(parse("-2.5"), Expr::Lit(Lit::Float(f), _) if f == -2.5));
}

#[test]
fn comparison_operators_including_two_word_ones() {
    let Expr::Compare { rest, .. } = parse("a < b <= c != d in e not in f is g is not h >= i > j") else { panic!() };
    let ops: Vec<CmpOp> = rest.iter().map(|(op, _)| *op).collect();
    use CmpOp::*;
    assert_eq!(ops, [Lt, Le, Ne, In, NotIn, Is, IsNot, Ge, Gt]);
}

#[test]
fn shifts_are_not_comparisons() {
    assert!(
        matches!(parse("1 << 2 < 3"), Expr::Compare { ref first, .. } if matches!(**first, Expr::Binary { op: BinOp::Shl, .. }))
    );
    assert!(matches!(parse("a >> b"), Expr::Binary { op: BinOp::Shr, .. }));
}

#[test]
fn literals() {
    assert!(matches!(parse("0xff"), Expr::Lit(Lit::Int(ref d), _) if d == "255"));
    assert!(matches!(parse("123456789012345678901234567890"), Expr::Lit(Lit::Int(ref d), _) if d.len() == 30));
    assert!(matches!(parse("2j"), Expr::Lit(Lit::Imaginary(f), _) if f == 2.0));
    assert!(matches!(parse("'c'"), Expr::Lit(Lit::Str(ref s), _) if s == "c"));
    assert!(matches!(parse("b\"ab\""), Expr::Lit(Lit::Bytes(ref b), _) if b == b"ab"));
    assert!(matches!(parse("None"), Expr::Lit(Lit::None, _)));
    assert!(matches!(parse("True"), Expr::Lit(Lit::Bool(true), _)));
}

#[test]
fn displays() {
    assert!(matches!(parse("()"), Expr::Tuple(ref v) if v.is_empty()));
    assert!(matches!(parse("(1,)"), Expr::Tuple(ref v) if v.len() == 1));
    assert!(matches!(parse("(1)"), Expr::Lit(..)));
    assert!(matches!(parse("[1, 2,]"), Expr::List(ref v) if v.len() == 2));
    assert!(matches!(parse("{}"), Expr::Dict(ref v) if v.is_empty()));
    assert!(matches!(parse("{1: 2, 3: 4}"), Expr::Dict(ref v) if v.len() == 2));
    assert!(matches!(parse("{1, 2}"), Expr::Set(ref v) if v.len() == 2));
}

#[test]
fn slices_and_tuple_keys() {
    let index = |s: &str| match parse(s) {
        Expr::Index { index, .. } => *index,
        other => panic!("{other:?}"),
    };
    assert!(matches!(index("x[1:2]"), Subscript::Slice(Some(_), Some(_), None)));
    assert!(matches!(index("x[::2]"), Subscript::Slice(None, None, Some(_))));
    assert!(matches!(index("x[:]"), Subscript::Slice(None, None, None)));
    assert!(matches!(index("x[1:]"), Subscript::Slice(Some(_), None, None)));
    assert!(matches!(index("x[:, 0]"), Subscript::Tuple(ref v) if v.len() == 2));
    assert!(matches!(index("x[0,]"), Subscript::Tuple(ref v) if v.len() == 1));
}

#[test]
fn conditional_expression() {
    assert!(matches!(parse("a if b else c"), Expr::IfElse { .. }));
}

#[test]
fn unsupported_syntax_says_what_to_do() {
    assert!(parse_err("[x for x in y]").contains("comprehensions are not supported"));
    assert!(parse_err("lambda: 1").contains("`lambda` is not supported"));
    assert!(parse_err("a && b").contains("write `and`"));
    assert!(parse_err("a || b").contains("write `or`"));
    assert!(parse_err("!a").contains("write `not`"));
    assert!(parse_err("true").contains("`True`"));
    assert!(parse_err("1u8").contains("suffix `u8`"));
    assert!(parse_err("f(a = 1, 2)").contains("positional argument follows keyword argument"));
    assert!(parse_err("f(a = 1, a = 2)").contains("repeated"));
    assert!(parse_err("#1").contains("after `#`"));
    assert!(parse_err("a b").contains("one Python expression"));
    assert!(parse_err("x[]").contains("index or a slice"));
    assert!(parse_err("a if b").contains("expected `else`"));
}

#[test]
fn errors_point_at_the_offending_token() {
    let err = parse_expression(tokens("math.sqrt(x) && y")).unwrap_err();
    let start = err.span().start();
    assert_eq!((start.line, start.column), (1, 13));
}

#[test]
fn block_source_keeps_lines_and_indentation() {
    let b = block_source(tokens("import math\nfor i in range(#n):\n    total = math.sqrt(i) ** 2\ntotal")).unwrap();
    assert_eq!(b.source, "import math\nfor i in range(_sb_n):\n    total = math.sqrt(i) ** 2\ntotal\n");
    assert_eq!(b.names, ["_sb_n"]);
    assert_eq!(b.first_line, 1);
}

#[test]
fn block_source_dedents_and_tolerates_a_first_line_after_the_brace() {
    let b = block_source(tokens("                  x = 1\n        if x:\n            y = 2\n        y")).unwrap();
    assert_eq!(b.source, "x = 1\nif x:\n    y = 2\ny\n");
    let b = block_source(tokens("    a = [1,\n  2]\n    a")).unwrap();
    assert_eq!(b.source, "a = [1,\n  2]\na\n");
}

#[test]
fn block_strings_keep_their_rust_value() {
    let b = block_source(tokens(r#"s = "a\"b\\c\n" + 'q' + r"raw\n"; s"#)).unwrap();
    assert_eq!(b.source, "s = \"a\\\"b\\\\c\\n\" + \"q\" + \"raw\\\\n\"; s\n");
    let b = block_source(tokens(r#"b"\x00z""#)).unwrap();
    assert_eq!(b.source, "b\"\\x00z\"\n");
}

#[test]
fn block_interpolations_are_deduplicated_by_name() {
    let b = block_source(tokens("#x + #x + #(a.b) + #(a.b)")).unwrap();
    assert_eq!(b.names, ["_sb_x", "_sb_1", "_sb_2"]);
    assert_eq!(b.source, "_sb_x + _sb_x + _sb_1 + _sb_2\n");
}

#[test]
fn block_operators_stay_joined() {
    let b = block_source(tokens("x **= 2; y = x != 3; z = x // 2")).unwrap_or_else(|e| panic!("{e}"));
    // `//` is a Rust comment: the tokens end at `x`.
    assert_eq!(b.source, "x **= 2; y = x != 3; z = x\n");
}

#[test]
fn a_python_comment_is_reported() {
    let err = block_source(tokens("x = 1 # note\nx")).unwrap_err();
    assert!(err.to_string().contains("Python comments cannot be written"), "{err}");
    let err = block_source(tokens("x = 1 #[note]\nx")).unwrap_err();
    assert!(err.to_string().contains("Python comments cannot be written"), "{err}");
}

#[test]
fn form_detection() {
    let expanded = |s: &str| expand_python(tokens(s)).unwrap().to_string();
    assert!(expanded("math.sqrt(#x)").contains("Global"));
    assert!(!expanded("math.sqrt(#x)").contains("Block"));
    assert!(expanded("x = 1\nx").contains("Block"));
    assert!(expanded("import os").contains("Block"));
    assert!(expanded("[x for x in #y];").contains("Block"));
    assert!(expanded("a += 1").contains("Block"));
    assert!(!expanded("a == 1").contains("Block"));
    assert!(!expanded("a <= 1").contains("Block"));
    assert!(!expanded("f(a = 1)").contains("Block"));
    // One expression over several lines is still one expression.
    assert!(!expanded("f(\n  1,\n  2)").contains("Block"));
    assert!(expand_python(tokens("[x for x in y]")).is_err());
}

#[test]
fn expansion_caches_the_callee_and_interns_names() {
    let out = expand_python(tokens("os.path.join(\"/tmp\", #name).upper()")).unwrap().to_string();
    assert!(out.contains(r#"Global :: new (& ["os" , "path" , "join"])"#), "{out}");
    assert!(out.contains("callee"), "{out}");
    assert!(out.contains(r#"intern ! (__sb_py , "upper")"#), "{out}");
    assert!(out.contains("Const"), "{out}");
    assert!(out.contains("let __sb_v0 = & (name)"), "{out}");
    // Only facade paths: nothing that depends on the user's imports. Every `snakebridge` path
    // is absolute (`:: snakebridge ::`) and every `pyo3` path goes through the facade.
    let absolute = |name: &str| out.match_indices(name).all(|(i, _)| out[..i].ends_with(":: "));
    assert!(absolute("snakebridge ::"), "{out}");
    assert_eq!(out.matches("pyo3 ::").count(), out.matches("__private :: pyo3 ::").count(), "{out}");
}

#[test]
#[ignore = "prints an expansion for the docs"]
fn print_expansion() {
    println!("fn f() {{ let _ = {}; }}", expand_python(tokens("math.sqrt(#x)")).unwrap());
}

#[test]
fn a_keyword_after_hash_is_an_error_not_a_panic() {
    // Found by the `python_macro_parse` fuzz target.
    let err = expand_python(tokens("import os\nx = os.getcwd()\nlambda a, *b: a if b #else c")).unwrap_err();
    assert!(err.to_string().contains("Rust keyword"), "{err}");
}

#[test]
fn a_keyword_after_hash_in_an_expression_is_an_error_not_a_panic() {
    // Found by the `python_macro_parse` fuzz target.
    let err = expand_python(tokens("i - #if")).unwrap_err();
    assert!(err.to_string().contains("Rust keyword"), "{err}");
}

/// Runs `f` on a thread with a 4 MiB stack, half of what rustc gives the proc macros it
/// runs: deep input must be an error before it is a stack overflow, in a debug build too.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(4 << 20).spawn(f).unwrap().join().unwrap();
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // The `python_macro_parse` fuzz target overflowed the stack (SIGSEGV) on deep brackets.
    on_small_stack(|| {
        for (open, close) in [("(", ")"), ("[", "]"), ("f(", ")"), ("x[", "]")] {
            let text = format!("{}1{}", open.repeat(5_000), close.repeat(5_000));
            let err = expand_python(tokens(&text)).unwrap_err();
            assert!(err.to_string().contains("levels deep"), "{open}: {err}");
        }
        let err = expand_python(tokens(&format!("1{}", "**1".repeat(5_000)))).unwrap_err();
        assert!(err.to_string().contains("levels deep"), "**: {err}");
        // Interpolated Rust expressions go to syn, which has no limit of its own.
        for text in
            [format!("f(#({}x))", "-".repeat(5_000)), format!("x = #({}y{});", "(".repeat(5_000), ")".repeat(5_000))]
        {
            let err = expand_python(tokens(&text)).unwrap_err();
            assert!(err.to_string().contains("interpolated Rust expression"), "{err}");
        }
        for prefix in ["-", "~", "not "] {
            let err = expand_python(tokens(&format!("{}x", prefix.repeat(20_000)))).unwrap_err();
            assert!(err.to_string().contains("levels deep"), "{prefix}: {err}");
        }
        let block = format!("x = {}1{}\n", "(".repeat(5_000), ")".repeat(5_000));
        let err = expand_python(tokens(&format!("{block}x;"))).unwrap_err();
        assert!(err.to_string().contains("levels deep"), "block: {err}");
        // Within the limit, nesting still works.
        let ok = format!("{}1{}", "(".repeat(100), ")".repeat(100));
        expand_python(tokens(&ok)).unwrap();
    });
}
