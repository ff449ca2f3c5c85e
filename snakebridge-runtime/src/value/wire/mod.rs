//! The tagged JSON wire format, a public contract shared with SnakeBridge.
//!
//! Plain JSON where it is exact: `null`, booleans, numbers (ints that fit `i64` or `u64`),
//! strings, arrays (lists), objects (dicts whose keys are all distinct strings, none of them
//! `"__type__"`). Everything else is a tagged object with `"__type__"` and `"__schema__": 1`:
//!
//! ```json
//! {"__type__": "int", "__schema__": 1, "value": "-1267650600228229401496703205376"}  (beyond 64 bits)
//! {"__type__": "tuple", "__schema__": 1, "elements": [1, 2]}
//! {"__type__": "set", "__schema__": 1, "elements": [1]}          (also "frozenset"; sorted)
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
//!
//! The output is canonical: set and frozenset elements are sorted by the bytes of their own
//! compact encoding, so equal sets encode byte-identically whatever Python's hash seed. Nesting
//! is bounded by [`MAX_NESTING_DEPTH`] values in both directions (a tagged value is one level),
//! so whatever encodes also decodes. [`to_string`]/[`from_str`] keep dict order;
//! [`to_json`]/[`from_json`] go through `serde_json::Value`, whose objects sort their keys unless
//! your build turns on `serde_json/preserve_order`.

mod node;

use std::collections::HashSet;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::Value as Json;
use snakebridge_meta::limits::MAX_NESTING_DEPTH;

use self::node::Node;
use super::{Int, Value};
use crate::error::{Error, Result};

/// The wire schema version written into every tagged value.
pub const SCHEMA_VERSION: u64 = 1;

/// Encodes a value as wire JSON (objects in `serde_json`'s key order; see the module docs).
pub fn to_json(value: &Value) -> Result<Json> {
    Ok(node::into_json(encode(value, 0)?))
}

/// Encodes a value as wire JSON text, keeping dict order.
pub fn to_string(value: &Value) -> Result<String> {
    Ok(encode(value, 0)?.to_text())
}

/// Decodes wire JSON text.
pub fn from_str(text: &str) -> Result<Value> {
    decode(&node::parse(text)?, &mut String::new(), 0)
}

/// Decodes wire JSON.
pub fn from_json(json: &Json) -> Result<Value> {
    decode(&node::from_json(json, 0)?, &mut String::new(), 0)
}

/// The compact encodings of `items`, sorted: the canonical order of a set's elements.
pub(crate) fn sorted_keys(items: &[Value]) -> Option<Vec<String>> {
    let mut keys = items.iter().map(|i| encode(i, 0).map(|n| n.to_text())).collect::<Result<Vec<_>>>().ok()?;
    keys.sort_unstable();
    Some(keys)
}

fn too_deep_value(value: &Value) -> Error {
    Error::Conversion {
        expected: format!("a Value with containers nested at most {MAX_NESTING_DEPTH} deep"),
        found: format!("a {} nested deeper", value.type_name()),
        hint: Some("flatten the data before encoding it".into()),
    }
}

fn tagged<const N: usize>(tag: &str, fields: [(&str, Node); N]) -> Node {
    let mut map = Vec::with_capacity(N + 2);
    map.push(("__type__".to_owned(), Node::Str(tag.into())));
    map.push(("__schema__".to_owned(), Node::UInt(SCHEMA_VERSION)));
    for (k, v) in fields {
        map.push((k.to_owned(), v));
    }
    Node::Object(map)
}

/// The wire tree of `value`, which sits inside `depth` containers.
fn encode(value: &Value, depth: usize) -> Result<Node> {
    let inner = || match depth < MAX_NESTING_DEPTH {
        true => Ok(depth + 1),
        false => Err(too_deep_value(value)),
    };
    let array = |items: &[Value]| -> Result<Vec<Node>> {
        let d = inner()?;
        items.iter().map(|i| encode(i, d)).collect()
    };
    Ok(match value {
        Value::None => Node::Null,
        Value::Bool(b) => Node::Bool(*b),
        Value::Int(i) => int_node(i),
        Value::Float(f) => float(*f),
        Value::Str(s) => Node::Str(s.clone()),
        Value::Bytes(b) => tagged("bytes", [("data", Node::Str(STANDARD.encode(&b.0)))]),
        Value::List(items) => Node::Array(array(items)?),
        Value::Tuple(items) => tagged("tuple", [("elements", Node::Array(array(items)?))]),
        Value::Set(items) => tagged("set", [("elements", Node::Array(sorted(array(items)?)))]),
        Value::FrozenSet(items) => tagged("frozenset", [("elements", Node::Array(sorted(array(items)?)))]),
        Value::Dict(items) => dict(items, inner()?)?,
        Value::DateTime(d) => tagged("datetime", [("value", Node::Str(d.to_string()))]),
        Value::Date(d) => tagged("date", [("value", Node::Str(d.to_string()))]),
        Value::Time(t) => tagged("time", [("value", Node::Str(t.to_string()))]),
        Value::Complex { re, im } => tagged("complex", [("real", float(*re)), ("imag", float(*im))]),
        Value::Ref(r) => {
            let inner = &r.0;
            let opt = |s: Option<&str>| s.map_or(Node::Null, |s| Node::Str(s.to_owned()));
            tagged(
                "ref",
                [
                    ("id", Node::Str(inner.id.to_string())),
                    ("session_id", Node::Str(inner.session.to_string())),
                    ("type_name", Node::Str(r.type_name().to_owned())),
                    ("python_module", opt(r.python_module())),
                    ("library", opt(r.library())),
                ],
            )
        }
    })
}

/// Set elements in canonical order: by the bytes of their compact encoding.
fn sorted(nodes: Vec<Node>) -> Vec<Node> {
    let mut keyed: Vec<(String, Node)> = nodes.into_iter().map(|n| (n.to_text(), n)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, n)| n).collect()
}

fn int_node(i: &Int) -> Node {
    match (i.as_i64(), i.as_u128().and_then(|u| u64::try_from(u).ok())) {
        (Some(v), _) => Node::Int(v),
        (None, Some(u)) => Node::UInt(u),
        // Beyond 64 bits a JSON number would be rounded by most readers (serde_json without
        // `arbitrary_precision`, JavaScript): the digits travel as a string instead.
        (None, None) => tagged("int", [("value", Node::Str(i.to_string()))]),
    }
}

fn float(f: f64) -> Node {
    if f.is_finite() {
        return Node::Float(f);
    }
    let name = if f.is_nan() {
        "nan"
    } else if f > 0.0 {
        "infinity"
    } else {
        "neg_infinity"
    };
    tagged("special_float", [("value", Node::Str(name.into()))])
}

fn dict(items: &[(Value, Value)], inner: usize) -> Result<Node> {
    let mut seen = HashSet::with_capacity(items.len());
    let plain = items.iter().all(|(k, _)| matches!(k, Value::Str(s) if s != "__type__" && seen.insert(s.as_str())));
    if plain {
        let map = items
            .iter()
            .map(|(k, v)| Ok((k.as_str().expect("checked").to_owned(), encode(v, inner)?)))
            .collect::<Result<_>>()?;
        Ok(Node::Object(map))
    } else {
        let pairs = items
            .iter()
            .map(|(k, v)| Ok(Node::Array(vec![encode(k, inner)?, encode(v, inner)?])))
            .collect::<Result<_>>()?;
        Ok(tagged("dict", [("pairs", Node::Array(pairs))]))
    }
}

fn decode(node: &Node, path: &mut String, depth: usize) -> Result<Value> {
    decode::decode(node, path, depth)
}

mod decode;

impl serde::Serialize for Value {
    /// Serializes as the tagged wire format (in any serde format, dict order kept).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        encode(self, 0).map_err(serde::ser::Error::custom)?.serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Value {
    /// Deserializes from the tagged wire format, nesting bounded as in [`from_str`].
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        use serde::de::DeserializeSeed;
        let node = node::Seed { depth: 0 }.deserialize(deserializer)?;
        decode(&node, &mut String::new(), 0).map_err(serde::de::Error::custom)
    }
}
