//! One call as an out-of-process backend receives it: the door, the names, and the
//! arguments converted to [`Value`]s.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::call::{IntoArgs, PyArgs};
use crate::error::{py_err, Error, Result};
use crate::interpreter::with_gil;
use crate::refs::Ref;
use crate::value::{FromPython, Value};

/// Positional and keyword arguments as values.
#[derive(Debug, Clone, Default)]
pub(crate) struct Arguments {
    pub(crate) positional: Vec<Value>,
    pub(crate) keywords: Vec<(String, Value)>,
}

/// What an out-of-process backend is asked to do.
#[derive(Debug)]
pub(crate) enum Request<'a> {
    Call { module: &'a str, function: &'a str, args: Arguments },
    Get { module: &'a str, name: &'a str },
    Method { target: &'a Ref, name: &'a str, args: Arguments },
    Attr { target: &'a Ref, name: &'a str },
    SetAttr { target: &'a Ref, name: &'a str, value: Value },
    CallRef { target: &'a Ref, args: Arguments },
}

impl Request<'_> {
    /// The door's name, as in telemetry.
    pub(crate) fn door(&self) -> &'static str {
        match self {
            Request::Call { .. } => "call",
            Request::Get { .. } => "get",
            Request::Method { .. } => "method",
            Request::Attr { .. } => "attr",
            Request::SetAttr { .. } => "set_attr",
            Request::CallRef { .. } => "call_ref",
        }
    }

    /// The module (or the target's type) and the name, for matching and messages.
    pub(crate) fn names(&self) -> (&str, &str) {
        match self {
            Request::Call { module, function, .. } => (module, function),
            Request::Get { module, name } => (module, name),
            Request::Method { target, name, .. }
            | Request::Attr { target, name }
            | Request::SetAttr { target, name, .. } => (target.type_name(), name),
            Request::CallRef { target, .. } => (target.type_name(), "__call__"),
        }
    }

    /// The ref the request is about, if any: it decides which worker runs it.
    pub(crate) fn target(&self) -> Option<&Ref> {
        match self {
            Request::Method { target, .. }
            | Request::Attr { target, .. }
            | Request::SetAttr { target, .. }
            | Request::CallRef { target, .. } => Some(target),
            _ => None,
        }
    }

    /// The argument values (the value of `set_attr` included).
    pub(crate) fn values(&self) -> impl Iterator<Item = &Value> {
        let (args, value) = match self {
            Request::Call { args, .. } | Request::Method { args, .. } | Request::CallRef { args, .. } => {
                (Some(args), None)
            }
            Request::SetAttr { value, .. } => (None, Some(value)),
            _ => (None, None),
        };
        let args = args.into_iter().flat_map(|a| a.positional.iter().chain(a.keywords.iter().map(|(_, v)| v)));
        args.chain(value)
    }
}

/// The arguments as values, converted by the same [`ToPython`](crate::ToPython) table as an
/// in-process call (a worker's ref stands in as its marker and converts back).
pub(crate) fn encode_args(args: &(impl IntoArgs + ?Sized)) -> Result<Arguments> {
    with_gil(|py| {
        let PyArgs { args, kwargs } = args.to_py_args(py)?;
        let positional = args.iter().map(|a| arg_value(&a)).collect::<Result<Vec<_>>>()?;
        let keywords = match kwargs {
            Some(k) => keywords(&k)?,
            None => Vec::new(),
        };
        Ok(Arguments { positional, keywords })
    })
}

/// One value (for `set_attr`), converted like an argument.
pub(crate) fn encode_value(value: &(impl crate::ToPython + ?Sized)) -> Result<Value> {
    with_gil(|py| arg_value(&value.to_python(py)?))
}

fn keywords(kwargs: &Bound<'_, PyDict>) -> Result<Vec<(String, Value)>> {
    let py = kwargs.py();
    kwargs.iter().map(|(k, v)| Ok((k.extract::<String>().map_err(|e| py_err(py, e))?, arg_value(&v)?))).collect()
}

fn arg_value(obj: &Bound<'_, PyAny>) -> Result<Value> {
    let value = Value::from_python(obj)?;
    match &value {
        Value::Ref(r) if r.0.remote.is_none() => Err(Error::Serialization {
            type_name: format!("Python {}", r.type_name()),
            message: "an object of this process cannot be sent to a worker process: only plain values and refs made by the same worker can (a container holding a ref travels as one object too)".into(),
        }),
        _ => Ok(value),
    }
}
