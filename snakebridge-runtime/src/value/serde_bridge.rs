//! Any `serde` type across the boundary, through `pythonize`.

use pyo3::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{value_from_python, FromPython, ToPython, Value};
use crate::error::{Error, Result};
use crate::interpreter::with_gil;

/// Wraps a `serde` type so that it crosses as Python data: structs and maps as `dict`,
/// sequences as `list`, `None`/unit as `None`, bytes as `bytes`.
///
/// ```no_run
/// # fn main() -> snakebridge_runtime::Result<()> {
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Point { x: f64, y: f64 }
/// let text = snakebridge_runtime::call("json", "dumps", (snakebridge_runtime::Serde(Point { x: 1.0, y: 2.0 }),))?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Serde<T>(pub T);

impl<T: Serialize> ToPython for Serde<T> {
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        pythonize::pythonize(py, &self.0).map_err(|e| serialization::<T>(e.to_string()))
    }
}

impl<T: DeserializeOwned> FromPython for Serde<T> {
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        pythonize::depythonize(obj).map(Serde).map_err(|e| Error::Conversion {
            expected: std::any::type_name::<T>().into(),
            found: obj.repr().map(|r| r.to_string()).unwrap_or_else(|_| "a Python object".into()),
            hint: Some(e.to_string()),
        })
    }
}

fn serialization<T: ?Sized>(message: String) -> Error {
    Error::Serialization { type_name: std::any::type_name::<T>().into(), message }
}

pub(super) fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value> {
    with_gil(|py| {
        let obj = pythonize::pythonize(py, value).map_err(|e| serialization::<T>(e.to_string()))?;
        value_from_python(&obj, 0)
            .ok_or_else(|| serialization::<T>("it produced a Python object with no plain value".into()))
    })
}

pub(super) fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T> {
    with_gil(|py| {
        let obj = value.to_python(py)?;
        Ok(Serde::<T>::from_python(&obj)?.0)
    })
}
