//! The conversion table for containers, both doors side by side (see `scalars.rs`).
//!
//! Sequences (`Vec`, `HashSet`, `BTreeSet`) take any iterable but `str` and `dict`: a list,
//! tuple, set, frozenset, `bytes` (its ints), a range, a generator. Tuples take a tuple or a
//! list of exactly their length; maps take a dict. Tuples are implemented up to
//! [`MAX_TUPLE_ARITY`](snakebridge_meta::limits::MAX_TUPLE_ARITY) items, in every trait.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasher, Hash};

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use super::from_python::describe;
use super::from_value::{mismatch, via_python};
use super::{FromPython, FromValue, Int, Value};
use crate::error::{py_err, Error, Result};

const SEQUENCE: &str = "a sequence (list, tuple, set, bytes or another iterable but str and dict)";

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::None => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

impl<T: FromPython> FromPython for Option<T> {
    #[inline]
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        match obj.is_none() {
            true => Ok(None),
            false => T::from_python(obj).map(Some),
        }
    }
}

/// The items of a sequence value, or the ref to read through Python.
enum Items {
    Values(Vec<Value>),
    Python(crate::refs::Ref),
}

fn sequence(value: Value) -> Result<Items> {
    match value {
        Value::List(v) | Value::Tuple(v) | Value::Set(v) | Value::FrozenSet(v) => Ok(Items::Values(v)),
        Value::Bytes(b) => Ok(Items::Values(b.0.into_iter().map(|byte| Value::Int(Int::from(byte))).collect())),
        Value::Ref(r) => Ok(Items::Python(r)),
        other => Err(mismatch(SEQUENCE, &other)),
    }
}

/// Collects the items of any iterable but `str` and `dict`, converting each with `T`.
fn collect_python<T: FromPython, C: FromIterator<T>>(obj: &Bound<'_, PyAny>) -> Result<C> {
    if let Ok(list) = obj.cast_exact::<PyList>() {
        return list.iter().map(|item| T::from_python(&item)).collect();
    }
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyDict>() {
        return Err(Error::conversion(SEQUENCE, describe(obj)));
    }
    let iter = obj.try_iter().map_err(|_| Error::conversion(SEQUENCE, describe(obj)))?;
    iter.map(|item| T::from_python(&item.map_err(|e| py_err(obj.py(), e))?)).collect()
}

macro_rules! sequences {
    ($($ty:ident<T $(: $bound:path)?; $($S:ident)?>),*) => {$(
        impl<T: FromValue $(+ $bound)? $(+ Hash, $S: BuildHasher + Default)?> FromValue for $ty<T $(, $S)?> {
            fn from_value(value: Value) -> Result<Self> {
                match sequence(value)? {
                    Items::Values(items) => items.into_iter().map(T::from_value).collect(),
                    Items::Python(r) => via_python(&r),
                }
            }
        }

        impl<T: FromPython $(+ $bound)? $(+ Hash, $S: BuildHasher + Default)?> FromPython for $ty<T $(, $S)?> {
            fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
                collect_python::<T, Self>(obj)
            }
        }
    )*};
}
sequences!(Vec<T;>, BTreeSet<T: Ord;>, HashSet<T: Eq; S>);

fn dict_items(value: Value) -> Result<std::result::Result<Vec<(Value, Value)>, crate::refs::Ref>> {
    match value {
        Value::Dict(items) => Ok(Ok(items)),
        Value::Ref(r) => Ok(Err(r)),
        other => Err(mismatch("a dict", &other)),
    }
}

fn collect_dict<K: FromPython, V: FromPython, C: FromIterator<(K, V)>>(obj: &Bound<'_, PyAny>) -> Result<C> {
    let dict = obj.cast::<PyDict>().map_err(|_| Error::conversion("a dict", describe(obj)))?;
    dict.iter().map(|(k, v)| Ok((K::from_python(&k)?, V::from_python(&v)?))).collect()
}

impl<K, V, S> FromValue for HashMap<K, V, S>
where
    K: FromValue + Eq + Hash,
    V: FromValue,
    S: BuildHasher + Default,
{
    fn from_value(value: Value) -> Result<Self> {
        match dict_items(value)? {
            Ok(items) => items.into_iter().map(|(k, v)| Ok((K::from_value(k)?, V::from_value(v)?))).collect(),
            Err(r) => via_python(&r),
        }
    }
}

impl<K: FromPython + Eq + Hash, V: FromPython, S: BuildHasher + Default> FromPython for HashMap<K, V, S> {
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        collect_dict(obj)
    }
}

impl<K: FromValue + Ord, V: FromValue> FromValue for BTreeMap<K, V> {
    fn from_value(value: Value) -> Result<Self> {
        match dict_items(value)? {
            Ok(items) => items.into_iter().map(|(k, v)| Ok((K::from_value(k)?, V::from_value(v)?))).collect(),
            Err(r) => via_python(&r),
        }
    }
}

impl<K: FromPython + Ord, V: FromPython> FromPython for BTreeMap<K, V> {
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        collect_dict(obj)
    }
}

fn tuple_of(n: usize) -> String {
    format!("a tuple of {n}")
}

macro_rules! tuples {
    ($($n:literal: $($T:ident $i:tt),+;)*) => {$(
        impl<$($T: FromValue),+> FromValue for ($($T,)+) {
            fn from_value(value: Value) -> Result<Self> {
                let items = match value {
                    Value::Tuple(v) | Value::List(v) if v.len() == $n => v,
                    Value::Ref(r) => return via_python(&r),
                    other => return Err(mismatch(&tuple_of($n), &other)),
                };
                let mut it = items.into_iter();
                Ok(($($T::from_value(it.next().expect("length checked"))?,)+))
            }
        }

        impl<$($T: FromPython),+> FromPython for ($($T,)+) {
            fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
                let items = match (obj.cast::<PyTuple>(), obj.cast::<PyList>()) {
                    (Ok(t), _) => t.as_slice().to_vec(),
                    (_, Ok(l)) => l.iter().collect(),
                    _ => return Err(Error::conversion(tuple_of($n), describe(obj))),
                };
                if items.len() != $n {
                    return Err(Error::conversion(tuple_of($n), format!("{} of {} items", describe(obj), items.len())));
                }
                Ok(($($T::from_python(&items[$i])?,)+))
            }
        }
    )*};
}
tuples! {
    1: A 0;
    2: A 0, B 1;
    3: A 0, B 1, C 2;
    4: A 0, B 1, C 2, D 3;
    5: A 0, B 1, C 2, D 3, E 4;
    6: A 0, B 1, C 2, D 3, E 4, F 5;
    7: A 0, B 1, C 2, D 3, E 4, F 5, G 6;
    8: A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7;
    9: A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8;
    10: A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9;
    11: A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10;
    12: A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11;
}

/// The longest tuple implemented above: checked against the shared constant at compile time.
const IMPLEMENTED_TUPLE_ARITY: usize = 12;
const _: () = assert!(IMPLEMENTED_TUPLE_ARITY == snakebridge_meta::limits::MAX_TUPLE_ARITY);
