//! Any `serde` type across the boundary, through [`Value`] — pure Rust data conversion both
//! ways, with the nesting limit of every other converter.

use pyo3::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::from_python::{value_from_python, NotPlain};
use super::from_value::via_python;
use super::{serde_de, serde_ser, FromPython, FromValue, ToPython, Value};
use crate::error::{Error, Result};

/// Wraps a `serde` type so that it crosses as Python data: structs and maps as `dict`,
/// sequences as `list`, `None`/unit as `None`, bytes as `bytes`, integers as `int` (`i128` and
/// `u128` too).
///
/// `serde_json::Value` round-trips as plain Python data. It cannot hold an int beyond 64 bits,
/// so such an int read as `Serde<serde_json::Value>` comes as the wire format's tagged int,
/// `{"__type__": "int", "__schema__": 1, "value": "<digits>"}`, and that map goes back to Python
/// as the `int` (see `docs/values.md`).
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
        to_value(&self.0)?.to_python(py)
    }
}

impl<T: DeserializeOwned> FromPython for Serde<T> {
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        let expected = std::any::type_name::<T>();
        match value_from_python(obj, 0) {
            Ok(value) => from_value(&value).map(Serde),
            Err(e @ NotPlain::TooDeep) | Err(e @ NotPlain::Object) => Err(e.into_error(expected, obj)),
        }
    }
}

impl<T: DeserializeOwned> FromValue for Serde<T> {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Ref(r) => via_python(&r),
            other => from_value(&other).map(Serde),
        }
    }
}

pub(super) fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value> {
    serde_ser::to_value(value)
        .map_err(|e| Error::Serialization { type_name: std::any::type_name::<T>().into(), message: e.0 })
}

pub(super) fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T> {
    serde_de::from_value(value).map_err(|e| Error::Conversion {
        expected: std::any::type_name::<T>().into(),
        found: format!("Python {} {}", value.type_name(), super::preview_value(value)),
        hint: Some(e.0),
    })
}
