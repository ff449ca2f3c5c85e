//! `python!` against the real interpreter: every construct of the grammar, the block form,
//! refs, caching and errors.

use std::collections::BTreeMap;

use snakebridge::{python, Error, Session, Value};

fn f64_of(v: snakebridge::Result<Value>) -> f64 {
    v.unwrap().extract().unwrap()
}

fn i64_of(v: snakebridge::Result<Value>) -> i64 {
    v.unwrap().extract().unwrap()
}

fn str_of(v: snakebridge::Result<Value>) -> String {
    v.unwrap().extract().unwrap()
}

fn bool_of(v: snakebridge::Result<Value>) -> bool {
    v.unwrap().extract().unwrap()
}

#[test]
fn module_function_with_an_interpolated_value() {
    let x = 16.0;
    assert_eq!(f64_of(python!(math.sqrt(#x))), 4.0);
    // A fresh value on each call: the call site caches the callable, never the arguments.
    for i in 0..50 {
        let v = (i * i) as f64;
        assert_eq!(f64_of(python!(math.sqrt(#v))), i as f64);
    }
}

#[test]
fn dotted_module_paths_and_submodules_are_imported() {
    let name = "file.txt";
    assert_eq!(str_of(python!(os.path.join("/tmp", #name))), "/tmp/file.txt");
    // `xml.etree` is not imported by `xml` itself: the resolver imports it.
    let tag = str_of(python!(xml.etree.ElementTree.fromstring("<a><b/></a>").tag));
    assert_eq!(tag, "a");
    assert_eq!(str_of(python!(urllib.parse.quote("a b"))), "a%20b");
}

#[test]
fn builtins_and_module_constants() {
    let items = vec![3, 1, 2];
    assert_eq!(i64_of(python!(len(#items))), 3);
    assert_eq!(python!(sorted(#items)).unwrap(), Value::List(vec![1.into(), 2.into(), 3.into()]));
    assert_eq!(str_of(python!(str(42))), "42");
    assert!((f64_of(python!(math.pi)) - std::f64::consts::PI).abs() < 1e-15);
    assert_eq!(i64_of(python!(int.from_bytes(b"\x01\x00", "big"))), 256);
}

#[test]
fn rust_expressions_in_parentheses() {
    struct Point {
        x: f64,
        y: f64,
    }
    let p = Point { x: 3.0, y: 4.0 };
    assert_eq!(f64_of(python!(math.hypot(#(p.x), #(p.y)))), 5.0);
    assert_eq!(i64_of(python!(abs(#(-(2_i64 + 5))))), 7);
    let v = [1, 2, 3];
    assert_eq!(i64_of(python!(sum(#(v.iter().map(|x| x * 10).collect::<Vec<_>>())))), 60);
}

#[test]
fn keyword_arguments_and_python_literals() {
    let data: BTreeMap<&str, i64> = [("b", 2), ("a", 1)].into_iter().collect();
    let text = str_of(python!(json.dumps(#data, indent = 2, sort_keys = True)));
    assert_eq!(text, "{\n  \"a\": 1,\n  \"b\": 2\n}");
    assert_eq!(f64_of(python!(round(1.23456, ndigits = 2))), 1.23);
    // A Rust keyword as a Python keyword-argument name.
    assert_eq!(str_of(python!(sorted(["b", "A", "c"], key = str.lower, reverse = True)[0])), "c");
}

#[test]
fn star_and_double_star_arguments() {
    let parts = vec!["a", "b", "c"];
    assert_eq!(str_of(python!(os.path.join("/", *#parts))), "/a/b/c");
    let opts: BTreeMap<&str, bool> = [("sort_keys", true)].into_iter().collect();
    assert_eq!(str_of(python!(json.dumps({"z": 1, "a": 2}, **#opts))), "{\"a\": 2, \"z\": 1}");
    let err = python!(dict(a = 1, **{"a": 2})).unwrap_err();
    assert!(err.is_python("TypeError"), "{err}");
    // More positional arguments than a Rust tuple holds.
    assert_eq!(i64_of(python!(max(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14))), 14);
}

#[test]
fn literals_of_every_kind() {
    assert_eq!(python!(None).unwrap(), Value::None);
    assert_eq!(python!(True).unwrap(), Value::Bool(true));
    assert_eq!(python!(False).unwrap(), Value::Bool(false));
    assert_eq!(i64_of(python!(0x1F)), 31);
    assert_eq!(i64_of(python!(1_000)), 1000);
    assert_eq!(str_of(python!(str(123456789012345678901234567890))), "123456789012345678901234567890");
    assert_eq!(str_of(python!(str(-123456789012345678901234567890))), "-123456789012345678901234567890");
    assert_eq!(f64_of(python!(2.5e3)), 2500.0);
    assert_eq!(str_of(python!('x')), "x");
    assert_eq!(str_of(python!("double \"quoted\"\n")), "double \"quoted\"\n");
    assert_eq!(python!(b"\x00\xff").unwrap(), Value::Bytes(snakebridge::Bytes(vec![0, 255])));
    assert_eq!(python!(2j).unwrap(), Value::Complex { re: 0.0, im: 2.0 });
    assert_eq!(python!([1, "two", 3.0]).unwrap(), Value::List(vec![1.into(), "two".into(), 3.0.into()]));
    assert_eq!(python!((1, 2)).unwrap(), Value::Tuple(vec![1.into(), 2.into()]));
    assert_eq!(python!((1,)).unwrap(), Value::Tuple(vec![1.into()]));
    assert_eq!(python!(()).unwrap(), Value::Tuple(vec![]));
    assert_eq!(
        python!({"a": 1, "b": [2]}).unwrap(),
        Value::Dict(vec![("a".into(), 1.into()), ("b".into(), Value::List(vec![2.into()]))])
    );
    assert_eq!(python!({}).unwrap(), Value::Dict(vec![]));
    assert_eq!(i64_of(python!(len({1, 2, 2, 3}))), 3);
    assert_eq!(python!(type({1}).__name__).unwrap(), Value::from("set"));
}

#[test]
fn method_chains_and_attributes_on_refs() {
    let path = python!(pathlib.Path("/usr/lib/python3/file.tar.gz")).unwrap();
    let path_ref = path.as_ref().expect("a Path is a ref");
    assert_eq!(str_of(python!(#path_ref.name)), "file.tar.gz");
    assert_eq!(str_of(python!(#path_ref.parent.name.upper())), "PYTHON3");
    assert_eq!(python!(#path_ref.suffixes).unwrap(), Value::List(vec![".tar".into(), ".gz".into()]));
    let dir = python!(pathlib.Path(".")).unwrap();
    let dir = dir.as_ref().unwrap();
    assert!(i64_of(python!(#dir.stat().st_size)) > 0);
    assert_eq!(str_of(python!("a,b,c".split(",")[1].upper())), "B");
}

#[test]
fn refs_stay_refs_and_are_the_same_object() {
    let list = python!(collections.deque([1, 2])).unwrap();
    let list = list.as_ref().unwrap();
    python!(#list.append(3)).unwrap();
    assert_eq!(i64_of(python!(len(#list))), 3);
    assert!(bool_of(python!(#list is #list)));
    assert_eq!(python!(list(#list)).unwrap(), Value::List(vec![1.into(), 2.into(), 3.into()]));
}

#[test]
fn a_ref_from_another_session_is_rejected() {
    let owner = Session::new();
    let r = owner.run(|| python!(object())).unwrap();
    let r = r.as_ref().unwrap().clone();
    let err = python!(#r.__class__).unwrap_err();
    assert!(matches!(err, Error::SessionMismatch { .. }), "{err}");
}

#[test]
fn indexing_and_slicing() {
    let rows = vec![vec![1, 2, 3], vec![4, 5, 6]];
    assert_eq!(i64_of(python!(#rows[1][2])), 6);
    assert_eq!(i64_of(python!(#rows[-1][0])), 4);
    let record: BTreeMap<&str, i64> = [("id", 7)].into_iter().collect();
    let records = vec![record];
    assert_eq!(i64_of(python!(#records[0]["id"])), 7);
    let xs = vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    let list = |v: &[i64]| Value::List(v.iter().map(|&i| i.into()).collect());
    assert_eq!(python!(#xs[2:5]).unwrap(), list(&[2, 3, 4]));
    assert_eq!(python!(#xs[:3]).unwrap(), list(&[0, 1, 2]));
    assert_eq!(python!(#xs[7:]).unwrap(), list(&[7, 8, 9]));
    assert_eq!(python!(#xs[::3]).unwrap(), list(&[0, 3, 6, 9]));
    assert_eq!(python!(#xs[1:8:2]).unwrap(), list(&[1, 3, 5, 7]));
    assert_eq!(python!(#xs[::-1][:2]).unwrap(), list(&[9, 8]));
    assert_eq!(python!(#xs[:]).unwrap(), list(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    let n = 4usize;
    assert_eq!(python!(#xs[#n:#n + 2]).unwrap(), list(&[4, 5]));
    // A tuple key.
    assert_eq!(str_of(python!({(1, 2): "pair"}[1, 2])), "pair");
    let err = python!(#xs[100]).unwrap_err();
    assert!(err.is_python("IndexError"), "{err}");
    let err = python!({"a": 1}["b"]).unwrap_err();
    assert!(err.is_python("KeyError"), "{err}");
}

// rustfmt reads `2 ** 10` inside `python!(..)` as Rust and would write `2 * *10`.
#[rustfmt::skip]
#[test]
fn arithmetic_bitwise_and_unary_operators() {
    let x = 7;
    assert_eq!(i64_of(python!(#x + 3 * 2)), 13);
    assert_eq!(i64_of(python!((#x + 3) * 2)), 20);
    assert_eq!(i64_of(python!(#x - 10)), -3);
    assert_eq!(f64_of(python!(#x / 2)), 3.5);
    assert_eq!(i64_of(python!(#x % 4)), 3);
    assert_eq!(i64_of(python!(2 ** 10)), 1024);
    assert_eq!(i64_of(python!(2 ** 3 ** 2)), 512);
    assert_eq!(i64_of(python!(-2 ** 2)), -4);
    assert_eq!(f64_of(python!(2 ** -1)), 0.5);
    assert_eq!(i64_of(python!(1 << 4 | 1)), 17);
    assert_eq!(i64_of(python!(0b1100 & 0b1010 ^ 0b0001)), 0b1001);
    assert_eq!(i64_of(python!(256 >> 4)), 16);
    assert_eq!(i64_of(python!(~#x)), -8);
    assert_eq!(i64_of(python!(-#x)), -7);
    assert_eq!(i64_of(python!(+#x)), 7);
    assert_eq!(str_of(python!("ab" * 2 + "c")), "ababc");
    assert_eq!(str_of(python!("%s-%d" % ("a", 5))), "a-5");
    let err = python!(1 / 0).unwrap_err();
    assert!(err.is_python("ZeroDivisionError"), "{err}");
}

#[test]
fn matrix_multiplication_operator() {
    // `@` on a class that defines __matmul__ (no numpy needed).
    let r = python! {
        class M:
            def __init__(self, v):
                self.v = v
            def __matmul__(self, other):
                return self.v * other.v
        M(6) @ M(7)
    };
    assert_eq!(i64_of(r), 42);
    let m = python!(fractions.Fraction(1, 3)).unwrap();
    let m = m.as_ref().unwrap();
    let err = python!(#m @ #m).unwrap_err();
    assert!(err.is_python("TypeError"), "{err}");
}

#[test]
fn comparisons_chains_membership_and_identity() {
    let x = 5;
    assert!(bool_of(python!(#x == 5)));
    assert!(bool_of(python!(#x != 4)));
    assert!(bool_of(python!(1 < #x <= 5)));
    assert!(!bool_of(python!(1 < #x < 5)));
    assert!(bool_of(python!(#x >= 5 > 4 >= 4)));
    assert!(bool_of(python!(3 in [1, 2, 3])));
    assert!(bool_of(python!("z" not in "abc")));
    assert!(bool_of(python!(None is None)));
    assert!(bool_of(python!(#x is not None)));
    // A chain stops at the first false comparison without evaluating the rest.
    assert!(!bool_of(python!(2 < 1 < int("not evaluated"))));
}

#[test]
fn boolean_operators_short_circuit_and_return_an_operand() {
    assert_eq!(i64_of(python!(0 or 7)), 7);
    assert_eq!(str_of(python!("" or "default")), "default");
    assert_eq!(i64_of(python!(3 and 4)), 4);
    assert_eq!(python!(False and int("never")).unwrap(), Value::Bool(false));
    assert_eq!(i64_of(python!(1 or int("never"))), 1);
    assert!(bool_of(python!(not [])));
    assert!(bool_of(python!(not 0 and not None)));
    assert_eq!(str_of(python!("yes" if 2 > 1 else int("never"))), "yes");
    assert_eq!(str_of(python!(int("never") if 0 else "no")), "no");
}

#[test]
fn an_expression_may_span_several_lines() {
    let data = vec![1, 2, 3];
    let text = str_of(python!(
        json.dumps(
            #data,
            separators = (",", ":"),
        )
    ));
    assert_eq!(text, "[1,2,3]");
}

#[test]
fn names_that_do_not_exist_are_typed_errors() {
    // Modules without a manifest in snakebridge/.snakebridge: with one, `math.sqrtt` would be
    // a compile error (tests/ui/python_macro/unknown_name.rs).
    let xs = vec![1.0, 2.0];
    match python!(statistics.meen(#xs)).unwrap_err() {
        Error::AttributeNotFound { owner, name, suggestion } => {
            assert_eq!((owner.as_str(), name.as_str(), suggestion.as_deref()), ("statistics", "meen", Some("mean")));
        }
        other => panic!("expected AttributeNotFound, got {other}"),
    }
    // A name far from every name of `math`'s manifest is left to the runtime.
    match python!(math.no_such_function_anywhere(1)).unwrap_err() {
        Error::AttributeNotFound { owner, name, .. } => {
            assert_eq!((owner.as_str(), name.as_str()), ("math", "no_such_function_anywhere"))
        }
        other => panic!("expected AttributeNotFound, got {other}"),
    }
    match python!(no_such_module_xyz.run()).unwrap_err() {
        Error::ModuleNotFound { module, .. } => assert_eq!(module, "no_such_module_xyz"),
        other => panic!("expected ModuleNotFound, got {other}"),
    }
    match python!(urllib.parse.quotee("a")).unwrap_err() {
        Error::AttributeNotFound { owner, suggestion, .. } => {
            assert!(owner.ends_with("parse"), "{owner}");
            assert_eq!(suggestion.as_deref(), Some("quote"));
        }
        other => panic!("expected AttributeNotFound, got {other}"),
    }
    let p = python!(pathlib.PurePosixPath("/a")).unwrap();
    let p = p.as_ref().unwrap();
    match python!(#p.nme).unwrap_err() {
        Error::AttributeNotFound { owner, name, suggestion } => {
            assert_eq!((owner.as_str(), name.as_str(), suggestion.as_deref()), ("PurePosixPath", "nme", Some("name")));
        }
        other => panic!("expected AttributeNotFound, got {other}"),
    }
}

#[test]
fn module_values_are_read_on_each_use_but_callees_are_cached() {
    python! {
        import types, sys
        sys.modules["sb_inline_counter"] = types.ModuleType("sb_inline_counter")
        sys.modules["sb_inline_counter"].value = 1
        sys.modules["sb_inline_counter"].get = lambda: "first"
    }
    .unwrap();
    let read = || i64_of(python!(sb_inline_counter.value));
    let call = || str_of(python!(sb_inline_counter.get()));
    assert_eq!((read(), call()), (1, "first".to_owned()));
    python! {
        import sb_inline_counter
        sb_inline_counter.value = 2
        sb_inline_counter.get = lambda: "second"
    }
    .unwrap();
    // The value is re-read (module attributes may be rebound); the call site keeps the
    // callable it resolved, like a generated binding does.
    assert_eq!((read(), call()), (2, "first".to_owned()));
}

#[test]
fn block_returns_its_last_expression() {
    let values = vec![3.0, 1.0, 2.0];
    let median = f64_of(python! {
        import statistics
        ordered = sorted(#values)
        statistics.median(ordered)
    });
    assert_eq!(median, 2.0);
}

#[test]
fn block_with_compound_statements_and_comprehensions() {
    let n = 5;
    let r = python! {
        total = 0
        for i in range(#n):
            if i % 2 == 0:
                total += i
            else:
                total -= 1
        squares = [x * x for x in range(#n)]
        def twice(v):
            return v * 2
        (total, squares, twice(#n))
    };
    let expected =
        Value::Tuple(vec![4.into(), Value::List([0, 1, 4, 9, 16].iter().map(|&i| i.into()).collect()), 10.into()]);
    assert_eq!(r.unwrap(), expected);
}

#[test]
fn block_ending_in_a_statement_is_none() {
    assert_eq!(python! { x = 1; y = x + 1 }.unwrap(), Value::None);
    // A trailing `;` makes one line a block, for syntax the expression grammar leaves to Python.
    let xs = vec![1, 2, 3];
    assert_eq!(python!([x * 2 for x in #xs];).unwrap(), Value::List(vec![2.into(), 4.into(), 6.into()]));
    assert_eq!(i64_of(python!((lambda a: a + 1)(#(41));)), 42);
}

#[test]
fn block_rust_expressions_strings_and_repeated_variables() {
    let word = "tab\there \"quoted\" \\ back";
    let count = 3;
    let r = str_of(python! {
        s = #word * #count
        s[:len(#word)] + "|" + str(#(count * 2))
    });
    assert_eq!(r, format!("{word}|6"));
}

#[test]
fn block_runs_with_fresh_values_each_time() {
    for i in 0..20_i64 {
        let r = i64_of(python! {
            y = #i * 2
            y + 1
        });
        assert_eq!(r, i * 2 + 1);
    }
}

#[test]
fn block_errors_name_the_rust_source_line() {
    let line = line!() + 3;
    let err = python! {
        a = 1
        b = a / 0
        b
    }
    .unwrap_err();
    assert!(err.is_python("ZeroDivisionError"), "{err}");
    let tb = err.as_python().unwrap().traceback.clone().unwrap_or_default();
    assert!(tb.contains(file!()) && tb.contains(&format!("line {line}")), "line {line} of {}: {tb}", file!());
}

#[test]
fn block_syntax_errors_are_typed_errors() {
    let err = python! {
        x = 1 2
    }
    .unwrap_err();
    assert!(err.is_python("SyntaxError"), "{err}");
}

#[test]
fn block_ref_values_stay_refs() {
    let counter = python!(collections.Counter()).unwrap();
    let counter = counter.as_ref().unwrap();
    python! {
        for word in "a b a c a".split():
            #counter[word] += 1
    }
    .unwrap();
    assert_eq!(i64_of(python!(#counter["a"])), 3);
}

#[test]
fn many_threads_share_call_sites() {
    let handles: Vec<_> = (0..8)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..200 {
                    let v = (t * 1000 + i) as f64;
                    let r: f64 = python!(math.sqrt(#v * #v)).unwrap().extract().unwrap();
                    assert_eq!(r, v);
                    let b: i64 = python! { z = #t; z + #(i) }.unwrap().extract().unwrap();
                    assert_eq!(b, t + i);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn python_source_is_compiled_once_per_call_site() {
    // Count calls of the builtin `compile` whose source holds this test's marker.
    python! {
        import builtins
        if not hasattr(builtins, "_sb_compile_log"):
            builtins._sb_compile_log = []
            original = builtins.compile
            def counting(source, *args, **kwargs):
                if isinstance(source, str) and "sb_marker_7f3a" in source:
                    builtins._sb_compile_log.append(1)
                return original(source, *args, **kwargs)
            builtins.compile = counting
    }
    .unwrap();
    let compiles = || i64_of(python!(len(builtins._sb_compile_log)));
    let mut after_first = None;
    for i in 0..5_i64 {
        let r = i64_of(python! {
            sb_marker_7f3a = #i
            sb_marker_7f3a * 10
        });
        assert_eq!(r, i * 10);
        after_first.get_or_insert_with(compiles);
    }
    let first = after_first.unwrap();
    assert!(first >= 1, "the first run compiles the block");
    assert_eq!(compiles(), first, "later runs reuse the cached code object");
    // The expression form never compiles Python source.
    for i in 0..5_i64 {
        let sb_marker_7f3a = i;
        assert_eq!(i64_of(python!(abs(#sb_marker_7f3a) + 1)), i + 1);
    }
    assert_eq!(compiles(), first);
}
