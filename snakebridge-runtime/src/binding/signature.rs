//! Typed required arguments plus the optional rest ([`Args`]) of one generated call, with
//! keyword names checked against the Python signature.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString};

use crate::call::{call_method_on, keyword, tuple_of, Args, CachedFunction, CallOptions, IntoArgs, PyArgs};
use crate::error::{py_err, Error, Result};
use crate::refs::Ref;
use crate::suggest::closest;
use crate::supervise::{enter, Door, Target};
use crate::value::{FromPython, ToPython};

/// The keyword parameters of a Python signature, as one space-separated string (`"axis dtype
/// out"`, compact in generated code); the entry `**` means the function takes `**kwargs`.
#[derive(Debug, Clone, Copy)]
pub struct Keywords(pub &'static str);

impl Keywords {
    fn check(&self, owner: &dyn Fn() -> String, keyword: &str) -> Result<()> {
        let mut names = self.0.split_ascii_whitespace();
        if names.any(|k| k == keyword || k == "**") {
            return Ok(());
        }
        let valid: Vec<String> = self.0.split_ascii_whitespace().filter(|k| *k != "**").map(str::to_owned).collect();
        Err(Error::UnknownKeyword {
            function: owner(),
            keyword: keyword.into(),
            suggestion: closest(keyword, valid.iter().map(String::as_str)).map(str::to_owned),
            valid,
        })
    }
}

/// A generated module function: its cached callable and its keyword parameters.
pub struct Function {
    cached: CachedFunction,
    module: &'static str,
    name: &'static str,
    keywords: Keywords,
}

impl Function {
    /// `module.name`, looked up on first call.
    pub const fn new(module: &'static str, name: &'static str, keywords: &'static str) -> Self {
        Function { cached: CachedFunction::new(module, name), module, name, keywords: Keywords(keywords) }
    }

    /// `module.name` whose calls are idempotent: cached by their arguments.
    pub const fn idempotent(module: &'static str, name: &'static str, keywords: &'static str) -> Self {
        Function { cached: CachedFunction::idempotent(module, name), module, name, keywords: Keywords(keywords) }
    }

    /// Calls it with any arguments (a function whose signature is unknown).
    #[inline]
    pub fn call<R: FromPython>(&self, args: impl IntoArgs) -> Result<R> {
        self.cached.call(args)
    }

    /// Calls it with required positional arguments only: the common, fastest path (a tuple
    /// goes through `IntoArgs::call_with`, pyo3's vectorcall), supervised like every call.
    #[inline]
    pub fn call_positional<R: FromPython>(&self, args: impl IntoArgs) -> Result<R> {
        self.cached.call(args)
    }

    /// Calls it with required arguments plus the caller's optional `rest`.
    pub fn call_with<R: FromPython>(
        &self,
        positional: &[&dyn ToPython],
        keywords: &[(&'static str, &dyn ToPython)],
        rest: Option<&Args<'_>>,
    ) -> Result<R> {
        let owner = || format!("{}.{}", self.module, self.name);
        self.cached.call(BoundArgs { positional, keywords, rest, signature: self.keywords, owner: &owner })
    }

    /// The cached callable (a class, for constructors).
    pub fn cached(&self) -> &CachedFunction {
        &self.cached
    }
}

/// Calls the class `class` (a constructor) with required arguments plus the caller's optional `rest`.
pub fn call_class<R: FromPython>(
    class: &CachedFunction,
    qualname: &'static str,
    signature: &'static str,
    positional: &[&dyn ToPython],
    keywords: &[(&'static str, &dyn ToPython)],
    rest: Option<&Args<'_>>,
) -> Result<R> {
    let owner = || qualname.to_owned();
    class.call(BoundArgs { positional, keywords, rest, signature: Keywords(signature), owner: &owner })
}

/// A generated method: its name, made a Python string once (interned, as pyo3's `intern!`),
/// and its keyword parameters. Generated code holds one per method in a `static`.
pub struct Method {
    name: &'static str,
    interned: PyOnceLock<Py<PyString>>,
    keywords: Keywords,
}

impl Method {
    /// The method `name` with the keyword parameters `keywords` (see [`Keywords`]).
    pub const fn new(name: &'static str, keywords: &'static str) -> Self {
        Method { name, interned: PyOnceLock::new(), keywords: Keywords(keywords) }
    }

    /// Calls it on `target` with any arguments, supervised like every call.
    #[inline]
    pub fn call<R: FromPython>(&self, target: &Ref, args: impl IntoArgs) -> Result<R> {
        let module = target.python_module().unwrap_or_default();
        enter(Target::new(Door::Method, module, self.name), args.options(), |py| {
            let obj = target.bind(py)?;
            let name = self.interned.get_or_init(py, || PyString::intern(py, self.name).unbind()).bind(py);
            R::from_python(&call_method_on(&obj, target.type_name(), name, &args)?)
        })
    }

    /// Calls it on `target` with required arguments plus the caller's optional `rest`.
    pub fn call_with<R: FromPython>(
        &self,
        target: &Ref,
        positional: &[&dyn ToPython],
        keywords: &[(&'static str, &dyn ToPython)],
        rest: Option<&Args<'_>>,
    ) -> Result<R> {
        let owner = || format!("{}.{}", target.type_name(), self.name);
        self.call(target, BoundArgs { positional, keywords, rest, signature: self.keywords, owner: &owner })
    }
}

/// The arguments of a generated call: required positional and keyword-only values, then
/// whatever the caller added with [`Args`] (optional positionals, `*args`, keywords, options).
struct BoundArgs<'a, 'r> {
    positional: &'a [&'a dyn ToPython],
    keywords: &'a [(&'static str, &'a dyn ToPython)],
    rest: Option<&'a Args<'r>>,
    signature: Keywords,
    owner: &'a dyn Fn() -> String,
}

impl IntoArgs for BoundArgs<'_, '_> {
    fn to_py_args<'py>(&self, py: Python<'py>) -> Result<PyArgs<'py>> {
        let (rest_positional, rest_keywords) = match self.rest {
            Some(rest) => (rest.positional_values(), rest.keyword_values()),
            None => (&[][..], &[][..]),
        };
        let values = self.positional.iter().copied().chain(rest_positional.iter().map(|v| &**v));
        let args = tuple_of(py, self.positional.len() + rest_positional.len(), values)?;
        if self.keywords.is_empty() && rest_keywords.is_empty() {
            return Ok(PyArgs { args, kwargs: None });
        }
        let kwargs = PyDict::new(py);
        for (name, value) in self.keywords {
            kwargs.set_item(keyword(py, name), value.to_python(py)?).map_err(|e| py_err(py, e))?;
        }
        for (name, value) in rest_keywords {
            self.signature.check(self.owner, name)?;
            kwargs.set_item(keyword(py, name), value.to_python(py)?).map_err(|e| py_err(py, e))?;
        }
        Ok(PyArgs { args, kwargs: Some(kwargs) })
    }

    fn options(&self) -> Option<&CallOptions> {
        self.rest.and_then(IntoArgs::options)
    }
}
