//! Return types read from the source where no annotation or stub has one (`returns.py`):
//! every `return` of the function must fix one type, else it stays untyped.

use std::time::Duration;

use snakebridge_introspect::config::LibraryConfig;
use snakebridge_introspect::introspect::introspect;

mod support;
use support::{python_with_modules, TempDir};

const MODULE: &str = r#"
def predicate(x):
    return x is None or isinstance(x, int)

def fuzzy(x):
    if x > 0:
        return True
    if x < 0:
        return False
    return None

def guarded(x):
    try:
        return not x
    except ValueError:
        return False

def falls_off(x):
    if x:
        return True

def nothing(x):
    print(x)

def count(xs):
    return len(xs)

def label(x):
    return f"<{x}>"

def mixed(x):
    return 1 if x else "one"

def computed(x):
    return x + 1

def annotated(x) -> float:
    return x

def generator(n):
    yield n

def abstract(x):
    raise NotImplementedError

class Box:
    def chain(self):
        return self

    def is_empty(self):
        return self.size == 0
"#;

#[test]
#[cfg(unix)]
fn returns_whose_type_the_source_fixes_are_typed_and_others_are_not() {
    let dir = TempDir::new("returns");
    let py = python_with_modules(&dir.0, &[("sb_returns", MODULE)]);
    let found = introspect(&py, &LibraryConfig::new("sb_returns"), Duration::from_secs(30)).unwrap().module;
    let returns = |name: &str| {
        let f = found.functions.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("{name} is reported"));
        let sig = f.signature.as_ref().expect("a signature");
        (sig.returns.as_deref(), sig.stub.as_deref())
    };
    let source = Some("source");
    assert_eq!(returns("predicate"), (Some("bool"), source));
    assert_eq!(returns("fuzzy"), (Some("Optional[bool]"), source));
    assert_eq!(returns("guarded"), (Some("bool"), source), "every path of the try returns");
    assert_eq!(returns("falls_off"), (Some("Optional[bool]"), source), "it can run off its end");
    assert_eq!(returns("nothing"), (Some("None"), source));
    assert_eq!(returns("count"), (Some("int"), source));
    assert_eq!(returns("label"), (Some("str"), source));
    for untyped in ["mixed", "computed", "generator", "abstract"] {
        assert_eq!(returns(untyped), (None, None), "{untyped}");
    }
    assert_eq!(returns("annotated"), (Some("float"), None), "an annotation wins");

    let class = found.classes.iter().find(|c| c.name == "Box").unwrap();
    let method = |name: &str| class.methods.iter().find(|m| m.name == name).unwrap().signature.as_ref().unwrap();
    assert_eq!(method("chain").returns.as_deref(), Some("@sb_returns.Box"), "`return self` is the class");
    assert_eq!(method("is_empty").returns, None, "`==` may return anything (numpy's does)");
}
