//! The block form of `python!`: several Python statements, compiled once per call site,
//! whose value is that of the last expression statement.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString};

use super::check;
use crate::error::Result;

/// The name the last expression's value is stored under in the block's namespace.
const RESULT: &str = "__snakebridge_result__";

/// Compiles a block once: the last expression statement becomes an assignment to `RESULT`,
/// and line numbers are shifted to the Rust file's so a traceback names the Rust line.
const COMPILER: &std::ffi::CStr = c"
import ast

def compile_block(source, filename, first_line, result_name):
    tree = ast.parse(source, filename, 'exec')
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = tree.body[-1]
        assign = ast.Assign(targets=[ast.Name(result_name, ast.Store())], value=last.value)
        tree.body[-1] = ast.copy_location(assign, last)
    ast.fix_missing_locations(tree)
    ast.increment_lineno(tree, first_line - 1)
    return compile(tree, filename, 'exec', dont_inherit=True)
";

/// One call site's Python block.
pub struct Block {
    source: &'static str,
    filename: &'static str,
    first_line: u32,
    names: &'static [&'static str],
    compiled: PyOnceLock<Compiled>,
}

/// What a block's first run prepares: the code object and the interned variable names.
struct Compiled {
    code: Py<PyAny>,
    names: Vec<Py<PyString>>,
}

impl Block {
    /// A block of `source`, at `first_line` of `filename`, whose interpolated values are bound
    /// to `names` (in order).
    pub const fn new(
        source: &'static str,
        filename: &'static str,
        first_line: u32,
        names: &'static [&'static str],
    ) -> Self {
        Block { source, filename, first_line, names, compiled: PyOnceLock::new() }
    }

    /// Runs the block with `values` bound to its names in a fresh namespace; returns the value
    /// of its last expression statement, `None` when it ends with another statement.
    pub fn run<'py>(&self, py: Python<'py>, values: Vec<Bound<'py, PyAny>>) -> Result<Bound<'py, PyAny>> {
        let compiled = self.compiled.get_or_try_init(py, || self.compile(py))?;
        static BUILTINS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        static EXEC: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        let builtins =
            check(py, BUILTINS.get_or_try_init(py, || py.import("builtins").map(|m| m.into_any().unbind())))?;
        let exec = check(py, EXEC.import(py, "builtins", "exec"))?;
        let namespace = PyDict::new(py);
        check(py, namespace.set_item(pyo3::intern!(py, "__builtins__"), builtins))?;
        check(py, namespace.set_item(pyo3::intern!(py, "__name__"), pyo3::intern!(py, "__python_block__")))?;
        for (name, value) in compiled.names.iter().zip(values) {
            check(py, namespace.set_item(name, value))?;
        }
        check(py, exec.call1((&compiled.code, &namespace)))?;
        Ok(check(py, namespace.get_item(pyo3::intern!(py, RESULT)))?.unwrap_or_else(|| py.None().into_bound(py)))
    }

    fn compile(&self, py: Python<'_>) -> Result<Compiled> {
        // The block's functions live in no importable module; a process pool must send them by value.
        crate::pickling::install(py)?;
        static COMPILE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        let compile = COMPILE.get_or_try_init(py, || {
            check(py, PyModule::from_code(py, COMPILER, c"<snakebridge python! compiler>", c"_snakebridge_block"))
                .and_then(|m| check(py, m.getattr("compile_block")))
                .map(Bound::unbind)
        })?;
        let code = check(py, compile.bind(py).call1((self.source, self.filename, self.first_line, RESULT)))?;
        let names = self.names.iter().map(|n| PyString::intern(py, n).unbind()).collect();
        Ok(Compiled { code: code.unbind(), names })
    }
}
