//! The same code on every backend: dynamic calls, generated bindings and refs give the same
//! results in-process and in worker processes; a scripted test double stands in for Python.

use snakebridge::backend::{Backend, TestDouble, WorkerConfig, WorkerPool};
use snakebridge::{
    args, attr, call, call_as, get, method, python, python_module, with_session, Error, Ref, Session, Value,
};

#[python_module("math")]
mod math {}

#[python_module("json", include = ["dumps", "loads", "JSONDecodeError"])]
mod json {}

#[python_module("pathlib", include = ["Path", "PurePosixPath"])]
mod pathlib {}

/// A mix of every kind of door a program uses, as text to compare.
fn program() -> Vec<String> {
    let mut out = Vec::new();
    let mut note = |label: &str, v: String| out.push(format!("{label}: {v}"));
    note("sqrt", format!("{:?}", math::sqrt(16.0).unwrap()));
    note("pi", format!("{:?}", math::pi().unwrap()));
    note("isclose", format!("{:?}", math::isclose_with(1.0, 1.0 + 1e-10, args!(rel_tol = 1e-9)).unwrap()));
    note("dumps", format!("{:?}", json::dumps_with(vec![3, 1, 2], args!(indent = 2)).unwrap()));
    note("loads", format!("{:?}", json::loads("{\"a\": [1, 2.5, null]}").unwrap()));
    note("bad json", format!("{}", json::loads("{bad").unwrap_err().is_python("JSONDecodeError")));
    let path = pathlib::Path::new(["/tmp", "x.tar.gz"]).unwrap();
    note("name", format!("{:?}", path.name().unwrap()));
    note("suffix", format!("{:?}", path.suffix().unwrap()));
    let parent = path.parent().unwrap();
    note("parent", parent.to_string());
    note("pure", format!("{}", pathlib::PurePosixPath::try_from(Ref::from(path.clone())).is_ok()));
    note("round", format!("{:?}", call("builtins", "round", args!(1.23456, ndigits = 2)).unwrap()));
    note("tuple", format!("{:?}", call("builtins", "divmod", (17, 5)).unwrap()));
    note("bytes", format!("{:?}", call("base64", "b64decode", ("aGk=",)).unwrap()));
    note("set", format!("{:?}", call("builtins", "frozenset", (vec![3, 1, 2],)).unwrap()));
    note("nan", format!("{:?}", call("builtins", "float", ("nan",)).unwrap()));
    note("datetime", format!("{:?}", call("datetime", "datetime", (2024, 1, 2, 3, 4, 5)).unwrap()));
    note("get", format!("{:?}", get("os", "sep").unwrap()));
    let deque: Ref = call_as("collections", "deque", (vec![1, 2],)).unwrap();
    method(&deque, "append", (3,)).unwrap();
    note("deque", format!("{:?} {:?}", call("builtins", "list", (&deque,)).unwrap(), attr(&deque, "maxlen").unwrap()));
    note("len", format!("{:?}", deque.len().unwrap()));
    note("missing", format!("{}", call("math", "sqrtt", (1,)).unwrap_err()));
    out
}

#[test]
fn the_same_program_gives_the_same_results_in_process_and_in_workers() {
    let in_process = program();
    let pool = WorkerPool::start(WorkerConfig::new(1)).unwrap();
    let session = Session::builder().backend(Backend::Workers(pool.clone())).build();
    let in_workers = with_session(&session, program);
    assert_eq!(in_process, in_workers);
    // It really ran there: the worker's pid, not ours.
    let pid: u32 = with_session(&session, || call_as("os", "getpid", ())).unwrap();
    assert_eq!(pool.pids(), vec![Some(pid)]);
    assert_ne!(pid, std::process::id());
}

#[test]
fn doors_the_worker_backend_lacks_say_so() {
    let pool = WorkerPool::start(WorkerConfig::new(1)).unwrap();
    let session = Session::builder().backend(Backend::Workers(pool)).build();
    let e = with_session(&session, || python!(1 + 1)).unwrap_err();
    assert!(matches!(e, Error::Unsupported { backend: "workers", .. }), "{e:?}");
    let e = with_session(&session, || snakebridge::call_helper("anything", ())).unwrap_err();
    assert!(matches!(e, Error::Unsupported { .. }), "{e:?}");
    // The in-process backend still runs them, in the same program.
    assert_eq!(python!(1 + 1).unwrap(), Value::from(2));
}

#[test]
fn streams_read_a_workers_iterator_in_batches() {
    let pool = WorkerPool::start(WorkerConfig::new(1)).unwrap();
    let session = Session::builder().backend(Backend::Workers(pool)).build();
    with_session(&session, || {
        let squares: Vec<i64> =
            snakebridge::iterate::<i64>("builtins", "range", (2000,)).unwrap().map(|n| n.unwrap().pow(2)).collect();
        assert_eq!(squares.len(), 2000);
        assert_eq!(squares[1999], 1999 * 1999);
        let mut total = 0;
        let count = snakebridge::stream("itertools", "repeat", (7, 5), |n: i64| total += n).unwrap();
        assert_eq!((count, total), (5, 35));
        let counter: Ref = call_as("itertools", "count", (10,)).unwrap();
        let first: Vec<i64> =
            snakebridge::StreamRef::<i64>::from_ref(&counter).unwrap().take(3).collect::<Result<_, _>>().unwrap();
        assert_eq!(first, [10, 11, 12]);
        let stream = snakebridge::iterate::<i64>("builtins", "range", (5,)).unwrap();
        assert_eq!(stream.len().unwrap(), Some(5));
    });
}

#[test]
fn a_test_double_records_calls_and_answers_from_its_script() {
    let double = TestDouble::new();
    double.returns("math", "sqrt", 4.0);
    double.on("json", "dumps", |c| Ok(Value::Str(format!("{} args", c.args.len()))));
    double.raises("json", "loads", "ValueError", "scripted failure");
    let session = Session::builder().backend(Backend::Double(double.clone())).build();
    with_session(&session, || {
        // Generated bindings and dynamic calls alike reach the double.
        assert_eq!(math::sqrt(16.0).unwrap(), 4.0);
        let root: f64 = call_as("math", "sqrt", (25,)).unwrap();
        assert_eq!(root, 4.0, "a canned answer, whatever the argument");
        assert_eq!(json::dumps_with(vec![1], args!(indent = 2)).unwrap(), "1 args");
        let e = json::loads("{}").unwrap_err();
        assert!(e.is_python("ValueError") && e.to_string().contains("scripted failure"), "{e}");
        match call("os", "getcwd", ()).unwrap_err() {
            Error::NotScripted { door, target } => assert_eq!((door, target.as_str()), ("call", "os.getcwd")),
            other => panic!("{other:?}"),
        }
    });
    let calls = double.calls_to("math", "sqrt");
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[1].args, vec![Value::from(25)]);
    assert_eq!(calls[0].session, session.id());
    let dumps = &double.calls_to("json", "dumps")[0];
    assert_eq!(dumps.kwargs, vec![("indent".to_owned(), Value::from(2))]);
    assert_eq!(double.calls().len(), 5);
    // Outside the session, calls run in-process as before.
    assert_eq!(call_as::<f64>("math", "sqrt", (9,)).unwrap(), 3.0);
    assert_eq!(double.calls().len(), 5);
}
