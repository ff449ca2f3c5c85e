//! Typed required arguments plus the optional rest ([`Args`]) of one generated call, with
//! keyword names checked against the Python signature.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::call::{Args, CallOptions, IntoArgs, PyArgs};
use crate::error::{py_err, Error, Result};
use crate::suggest::closest;
use crate::value::ToPython;

/// What a generated binding knows about the keyword parameters of its Python function.
#[derive(Debug)]
pub struct Signature {
    /// `module.function`, for error messages.
    pub function: &'static str,
    /// The parameters that may be passed by keyword.
    pub keywords: &'static [&'static str],
    /// Whether the function takes `**kwargs`, so that any keyword is accepted.
    pub var_keywords: bool,
}

impl Signature {
    fn check(&self, keyword: &str) -> Result<()> {
        if self.var_keywords || self.keywords.contains(&keyword) {
            return Ok(());
        }
        Err(Error::UnknownKeyword {
            function: self.function.into(),
            keyword: keyword.into(),
            valid: self.keywords.iter().map(|k| (*k).to_owned()).collect(),
            suggestion: closest(keyword, self.keywords.iter().copied()).map(str::to_owned),
        })
    }
}

/// The arguments of a generated call: required positional and keyword-only values, then
/// whatever the caller added with [`Args`] (optional positionals, `*args`, keywords, options).
pub struct BoundArgs<'a> {
    /// Required positional arguments, in order.
    pub positional: &'a [&'a dyn ToPython],
    /// Required keyword-only arguments.
    pub keywords: &'a [(&'static str, &'a dyn ToPython)],
    /// The optional rest, appended after the required arguments.
    pub rest: Option<&'a Args<'a>>,
    /// The Python signature the keywords in `rest` are checked against.
    pub signature: &'static Signature,
}

impl IntoArgs for BoundArgs<'_> {
    fn to_py_args<'py>(&self, py: Python<'py>) -> Result<PyArgs<'py>> {
        let (rest_positional, rest_keywords) = match self.rest {
            Some(rest) => (rest.positional_values(), rest.keyword_values()),
            None => (&[][..], &[][..]),
        };
        let mut items = Vec::with_capacity(self.positional.len() + rest_positional.len());
        for value in self.positional {
            items.push(value.to_python(py)?);
        }
        for value in rest_positional {
            items.push(value.to_python(py)?);
        }
        let args = PyTuple::new(py, items).map_err(|e| py_err(py, e))?;
        if self.keywords.is_empty() && rest_keywords.is_empty() {
            return Ok(PyArgs { args, kwargs: None });
        }
        let kwargs = PyDict::new(py);
        for (name, value) in self.keywords {
            kwargs.set_item(*name, value.to_python(py)?).map_err(|e| py_err(py, e))?;
        }
        for (name, value) in rest_keywords {
            self.signature.check(name)?;
            kwargs.set_item(name.as_ref(), value.to_python(py)?).map_err(|e| py_err(py, e))?;
        }
        Ok(PyArgs { args, kwargs: Some(kwargs) })
    }

    fn options(&self) -> Option<&CallOptions> {
        self.rest.and_then(IntoArgs::options)
    }
}
