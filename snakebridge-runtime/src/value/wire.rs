//! The tagged JSON wire format, a public contract shared with SnakeBridge.
//!
//! Plain JSON where it is exact: `null`, booleans, numbers (ints of any size as JSON
//! integers), strings, arrays (lists), objects (dicts whose keys are all distinct strings,
//! none of them `"__type__"`). Everything else is a tagged object with `"__type__"` and
//! `"__schema__": 1`:
//!
//! ```json
//! {"__type__": "tuple", "__schema__": 1, "elements": [1, 2]}
//! {"__type__": "set", "__schema__": 1, "elements": [1]}          (also "frozenset")
//! {"__type__": "dict", "__schema__": 1, "pairs": [[1, "one"]]}
//! {"__type__": "bytes", "__schema__": 1, "data": "aGVsbG8="}
//! {"__type__": "special_float", "__schema__": 1, "value": "infinity"}  ("neg_infinity", "nan")
//! {"__type__": "datetime", "__schema__": 1, "value": "2024-01-02T03:04:05+00:00"}  ("date", "time")
//! {"__type__": "complex", "__schema__": 1, "real": 1.0, "imag": -2.0}
//! {"__type__": "ref", "__schema__": 1, "id": "ref_…", "session_id": "auto_…", "type_name": "Path", "python_module": "pathlib", "library": "pathlib"}
//! ```
//!
//! Decoding also accepts tagged objects without `"__schema__"` and `"atom"` (decoded to a
//! string), as SnakeBridge's decoder does. Anything malformed is an error with the JSON
//! pointer of the offending part, never a panic.

use std::collections::HashSet;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Map, Number, Value as Json};

use super::{Bytes, Int, Value};
use crate::error::{Error, Result};
use crate::refs::{Ref, RefId};

/// The wire schema version written into every tagged value.
pub const SCHEMA_VERSION: u64 = 1;

/// Encodes a value as wire JSON.
pub fn to_json(value: &Value) -> Json {
    match value {
        Value::None => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::Number(int_number(i)),
        Value::Float(f) => float(*f),
        Value::Str(s) => Json::String(s.clone()),
        Value::Bytes(b) => tagged("bytes", [("data", Json::String(STANDARD.encode(&b.0)))]),
        Value::List(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Tuple(items) => tagged("tuple", [("elements", array(items))]),
        Value::Set(items) => tagged("set", [("elements", array(items))]),
        Value::FrozenSet(items) => tagged("frozenset", [("elements", array(items))]),
        Value::Dict(items) => dict(items),
        Value::DateTime(d) => tagged("datetime", [("value", Json::String(d.to_string()))]),
        Value::Date(d) => tagged("date", [("value", Json::String(d.to_string()))]),
        Value::Time(t) => tagged("time", [("value", Json::String(t.to_string()))]),
        Value::Complex { re, im } => tagged("complex", [("real", float(*re)), ("imag", float(*im))]),
        Value::Ref(r) => {
            let inner = &r.0;
            let opt = |s: Option<&str>| s.map_or(Json::Null, |s| Json::String(s.to_owned()));
            tagged(
                "ref",
                [
                    ("id", Json::String(inner.id.to_string())),
                    ("session_id", Json::String(inner.session.to_string())),
                    ("type_name", Json::String(r.type_name().to_owned())),
                    ("python_module", opt(r.python_module())),
                    ("library", opt(r.library())),
                ],
            )
        }
    }
}

/// Encodes a value as wire JSON text.
pub fn to_string(value: &Value) -> String {
    to_json(value).to_string()
}

/// Decodes wire JSON text.
pub fn from_str(text: &str) -> Result<Value> {
    let json: Json = serde_json::from_str(text).map_err(|e| Error::invalid_wire("", format!("not JSON: {e}")))?;
    from_json(&json)
}

/// Decodes wire JSON.
pub fn from_json(json: &Json) -> Result<Value> {
    decode(json, &mut String::new())
}

fn tagged<const N: usize>(tag: &str, fields: [(&str, Json); N]) -> Json {
    let mut map = Map::with_capacity(N + 2);
    map.insert("__type__".into(), Json::String(tag.into()));
    map.insert("__schema__".into(), json!(SCHEMA_VERSION));
    for (k, v) in fields {
        map.insert(k.into(), v);
    }
    Json::Object(map)
}

fn array(items: &[Value]) -> Json {
    Json::Array(items.iter().map(to_json).collect())
}

fn int_number(i: &Int) -> Number {
    match i.as_i64() {
        Some(v) => Number::from(v),
        None => serde_json::from_str(&i.to_string()).expect("decimal digits are a JSON number"),
    }
}

fn float(f: f64) -> Json {
    match Number::from_f64(f) {
        Some(n) => Json::Number(n),
        None => {
            let name = if f.is_nan() {
                "nan"
            } else if f > 0.0 {
                "infinity"
            } else {
                "neg_infinity"
            };
            tagged("special_float", [("value", Json::String(name.into()))])
        }
    }
}

fn dict(items: &[(Value, Value)]) -> Json {
    let mut seen = HashSet::with_capacity(items.len());
    let plain = items.iter().all(|(k, _)| matches!(k, Value::Str(s) if s != "__type__" && seen.insert(s.as_str())));
    if plain {
        let map = items.iter().map(|(k, v)| (k.as_str().expect("checked").to_owned(), to_json(v))).collect();
        Json::Object(map)
    } else {
        let pairs = items.iter().map(|(k, v)| Json::Array(vec![to_json(k), to_json(v)])).collect();
        tagged("dict", [("pairs", Json::Array(pairs))])
    }
}

/// Runs `f` with `segment` appended to the JSON pointer `path`.
fn at<T>(path: &mut String, segment: &str, f: impl FnOnce(&mut String) -> Result<T>) -> Result<T> {
    let len = path.len();
    path.push('/');
    path.push_str(&segment.replace('~', "~0").replace('/', "~1"));
    let out = f(path);
    path.truncate(len);
    out
}

fn decode(json: &Json, path: &mut String) -> Result<Value> {
    Ok(match json {
        Json::Null => Value::None,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => number(n, path)?,
        Json::String(s) => Value::Str(s.clone()),
        Json::Array(items) => Value::List(elements(items, path)?),
        Json::Object(map) => match map.get("__type__") {
            None => Value::Dict(
                map.iter()
                    .map(|(k, v)| Ok((Value::Str(k.clone()), at(path, k, |p| decode(v, p))?)))
                    .collect::<Result<_>>()?,
            ),
            Some(tag) => decode_tagged(tag, map, path)?,
        },
    })
}

fn number(n: &Number, path: &str) -> Result<Value> {
    if let Some(i) = n.as_i64() {
        return Ok(Value::Int(Int::from(i)));
    }
    if let Some(u) = n.as_u64() {
        return Ok(Value::Int(Int::from(u)));
    }
    let text = n.to_string();
    if let Ok(i) = text.parse::<Int>() {
        return Ok(Value::Int(i));
    }
    match n.as_f64() {
        Some(f) if f.is_finite() => Ok(Value::Float(f)),
        _ => Err(Error::invalid_wire(
            path,
            format!("number {text} is out of the float range; send it as a special_float"),
        )),
    }
}

fn elements(items: &[Json], path: &mut String) -> Result<Vec<Value>> {
    items.iter().enumerate().map(|(i, item)| at(path, &i.to_string(), |p| decode(item, p))).collect()
}

fn field<'a>(map: &'a Map<String, Json>, name: &str, tag: &str, path: &str) -> Result<&'a Json> {
    map.get(name).ok_or_else(|| Error::invalid_wire(path, format!("a `{tag}` value needs a `{name}` field")))
}

fn str_field<'a>(map: &'a Map<String, Json>, name: &str, tag: &str, path: &str) -> Result<&'a str> {
    field(map, name, tag, path)?.as_str().ok_or_else(|| {
        Error::invalid_wire(&format!("{path}/{name}"), format!("the `{name}` of a `{tag}` value must be a string"))
    })
}

fn array_field<'a>(map: &'a Map<String, Json>, name: &str, tag: &str, path: &str) -> Result<&'a [Json]> {
    field(map, name, tag, path)?.as_array().map(Vec::as_slice).ok_or_else(|| {
        Error::invalid_wire(&format!("{path}/{name}"), format!("the `{name}` of a `{tag}` value must be an array"))
    })
}

fn decode_tagged(tag: &Json, map: &Map<String, Json>, path: &mut String) -> Result<Value> {
    let tag =
        tag.as_str().ok_or_else(|| Error::invalid_wire(&format!("{path}/__type__"), "`__type__` must be a string"))?;
    match map.get("__schema__") {
        None => {}
        Some(s) if s.as_u64() == Some(SCHEMA_VERSION) => {}
        Some(other) => {
            return Err(Error::invalid_wire(
                &format!("{path}/__schema__"),
                format!("unknown wire schema {other}; this snakebridge reads schema {SCHEMA_VERSION}, upgrade snakebridge to read newer data"),
            ))
        }
    }
    let p = path.clone();
    Ok(match tag {
        "tuple" => Value::Tuple(at(path, "elements", |pp| elements(array_field(map, "elements", tag, &p)?, pp))?),
        "set" => Value::Set(at(path, "elements", |pp| elements(array_field(map, "elements", tag, &p)?, pp))?),
        "frozenset" => Value::FrozenSet(at(path, "elements", |pp| elements(array_field(map, "elements", tag, &p)?, pp))?),
        "list" => Value::List(at(path, "elements", |pp| elements(array_field(map, "elements", tag, &p)?, pp))?),
        "dict" => {
            let pairs = array_field(map, "pairs", tag, &p)?;
            at(path, "pairs", |pp| {
                pairs
                    .iter()
                    .enumerate()
                    .map(|(i, pair)| {
                        at(pp, &i.to_string(), |ppp| match pair.as_array().map(Vec::as_slice) {
                            Some([k, v]) => Ok((at(ppp, "0", |q| decode(k, q))?, at(ppp, "1", |q| decode(v, q))?)),
                            _ => Err(Error::invalid_wire(ppp, "each dict pair must be a [key, value] array")),
                        })
                    })
                    .collect::<Result<Vec<_>>>()
            })
            .map(Value::Dict)?
        }
        "bytes" => {
            let data = str_field(map, "data", tag, &p)?;
            let raw = STANDARD.decode(data).map_err(|e| Error::invalid_wire(&format!("{p}/data"), format!("bad base64: {e}")))?;
            Value::Bytes(Bytes(raw))
        }
        "special_float" => match str_field(map, "value", tag, &p)? {
            "infinity" => Value::Float(f64::INFINITY),
            "neg_infinity" => Value::Float(f64::NEG_INFINITY),
            "nan" => Value::Float(f64::NAN),
            other => {
                return Err(Error::invalid_wire(
                    &format!("{p}/value"),
                    format!("special_float must be \"infinity\", \"neg_infinity\" or \"nan\", not {other:?}"),
                ))
            }
        },
        "datetime" => Value::DateTime(iso(map, tag, &p)?),
        "date" => Value::Date(iso(map, tag, &p)?),
        "time" => Value::Time(iso(map, tag, &p)?),
        "complex" => {
            let part = |name: &str| -> Result<f64> {
                let json = field(map, name, tag, &p)?;
                match decode(json, &mut format!("{p}/{name}"))? {
                    Value::Float(f) => Ok(f),
                    Value::Int(i) => i.as_i64().map(|v| v as f64).ok_or_else(|| Error::invalid_wire(&format!("{p}/{name}"), "complex part out of range")),
                    _ => Err(Error::invalid_wire(&format!("{p}/{name}"), "complex parts must be numbers")),
                }
            };
            Value::Complex { re: part("real")?, im: part("imag")? }
        }
        "atom" => Value::Str(str_field(map, "value", tag, &p)?.to_owned()),
        "ref" => Value::Ref(decode_ref(map, &p)?),
        other => {
            return Err(Error::invalid_wire(
                &format!("{p}/__type__"),
                format!("unknown __type__ {other:?}; expected one of tuple, set, frozenset, dict, bytes, special_float, datetime, date, time, complex, atom, ref"),
            ))
        }
    })
}

fn iso<T: std::str::FromStr<Err = super::datetime::ParseDateTimeError>>(
    map: &Map<String, Json>,
    tag: &str,
    path: &str,
) -> Result<T> {
    str_field(map, "value", tag, path)?
        .parse()
        .map_err(|e: super::datetime::ParseDateTimeError| Error::invalid_wire(&format!("{path}/value"), e.to_string()))
}

fn decode_ref(map: &Map<String, Json>, path: &str) -> Result<Ref> {
    let invalid = |reason: String| Error::InvalidRef {
        reason: format!("{reason} (at `{}`)", if path.is_empty() { "/" } else { path }),
    };
    let id = match map.get("id") {
        Some(Json::String(s)) => {
            RefId::parse(s).ok_or_else(|| invalid(format!("ref id {s:?} is not `ref_` and 32 hex digits")))?
        }
        Some(_) => return Err(invalid("the ref `id` must be a string".into())),
        None => return Err(invalid("the ref has no `id`".into())),
    };
    let session = match map.get("session_id") {
        Some(Json::String(s)) if !s.is_empty() => s.as_str(),
        _ => return Err(invalid("the ref has no `session_id` string".into())),
    };
    let text = |name: &str| map.get(name).and_then(Json::as_str).map(str::to_owned);
    Ok(Ref::borrowed(id, session.into(), text("type_name"), text("python_module"), text("library")))
}

impl serde::Serialize for Value {
    /// Serializes as the tagged wire format.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        to_json(self).serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Value {
    /// Deserializes from the tagged wire format.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let json = Json::deserialize(deserializer)?;
        from_json(&json).map_err(serde::de::Error::custom)
    }
}
