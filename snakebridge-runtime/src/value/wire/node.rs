//! An ordered JSON tree, so that the wire keeps Python's dict order without turning on
//! `serde_json/preserve_order` (which would change `serde_json` in every crate of a user's build).

use serde::de::{self, DeserializeSeed, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde_json::{Map, Number, Value as Json};
use snakebridge_meta::limits::MAX_NESTING_DEPTH;

use crate::error::{Error, Result};

/// How deep wire JSON may nest: a `Value` container is at most three JSON levels (a tagged
/// dict: object, `pairs` array, pair array) and a leaf two (a complex with a special float).
pub(super) const MAX_JSON_DEPTH: usize = 3 * MAX_NESTING_DEPTH + 2;

#[derive(Debug, Clone)]
pub(super) enum Node {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

impl Node {
    pub(super) fn get<'a>(items: &'a [(String, Node)], key: &str) -> Option<&'a Node> {
        items.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub(super) fn as_str(&self) -> Option<&str> {
        match self {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Compact JSON text, as serde_json writes it.
    pub(super) fn to_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    /// A writer of its own rather than serde_json's serializer: one small frame per level,
    /// where serde's generic frames would overflow a 2 MiB stack at the nesting limit in
    /// debug builds (a tagged dict is three JSON levels per value level).
    fn write(&self, out: &mut String) {
        match self {
            Node::Null => out.push_str("null"),
            Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Node::Int(i) => out.push_str(&i.to_string()),
            Node::UInt(u) => out.push_str(&u.to_string()),
            Node::Float(f) => out.push_str(&float_text(*f)),
            Node::Str(t) => write_str(t, out),
            Node::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Node::Object(items) => {
                out.push('{');
                for (i, (k, v)) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(k, out);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

#[inline(never)]
fn float_text(f: f64) -> String {
    serde_json::to_string(&f).unwrap_or_else(|_| "null".into())
}

#[inline(never)]
fn write_str(s: &str, out: &mut String) {
    out.push_str(&serde_json::to_string(s).expect("a str always serializes"));
}

fn too_deep(path: &str) -> Error {
    Error::invalid_wire(
        path,
        format!("JSON nested deeper than {MAX_JSON_DEPTH} levels (more than {MAX_NESTING_DEPTH} nested values)"),
    )
}

/// Parses wire text, bounding the depth itself (serde_json's own limit is off: it is 128).
pub(super) fn parse(text: &str) -> Result<Node> {
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    let node =
        Seed { depth: 0 }.deserialize(&mut de).map_err(|e| Error::invalid_wire("", format!("not wire JSON: {e}")))?;
    de.end().map_err(|e| Error::invalid_wire("", format!("not JSON: {e}")))?;
    Ok(node)
}

/// Builds a [`Node`] from any deserializer, counting depth.
pub(super) struct Seed {
    pub(super) depth: usize,
}

impl<'de> DeserializeSeed<'de> for Seed {
    type Value = Node;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<Node, D::Error> {
        d.deserialize_any(self)
    }
}

impl Seed {
    fn inner<E: de::Error>(&self) -> std::result::Result<Seed, E> {
        match self.depth < MAX_JSON_DEPTH {
            true => Ok(Seed { depth: self.depth + 1 }),
            false => Err(E::custom(format!(
                "JSON nested deeper than {MAX_JSON_DEPTH} levels (more than {MAX_NESTING_DEPTH} nested values)"
            ))),
        }
    }
}

impl<'de> Visitor<'de> for Seed {
    type Value = Node;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JSON")
    }
    fn visit_unit<E>(self) -> std::result::Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> std::result::Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Node, E> {
        Ok(Node::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Node, E> {
        Ok(Node::UInt(v))
    }
    fn visit_f64<E>(self, v: f64) -> std::result::Result<Node, E> {
        Ok(Node::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Node, E> {
        Ok(Node::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Node, A::Error> {
        let inner = self.inner()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Seed { depth: inner.depth })? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> std::result::Result<Node, A::Error> {
        let inner = self.inner()?;
        let mut items: Vec<(String, Node)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Seed { depth: inner.depth })?;
            // A repeated key replaces the earlier value in place, as serde_json does.
            // (Checked for small objects only, to stay linear; Python dicts never repeat keys.)
            let slot = if items.len() <= 64 { items.iter_mut().find(|(k, _)| *k == key) } else { None };
            match slot {
                Some(slot) => slot.1 = value,
                None => items.push((key, value)),
            }
        }
        Ok(Node::Object(items))
    }
}

impl serde::Serialize for Node {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Node::Null => s.serialize_unit(),
            Node::Bool(b) => s.serialize_bool(*b),
            Node::Int(i) => s.serialize_i64(*i),
            Node::UInt(u) => s.serialize_u64(*u),
            Node::Float(f) => s.serialize_f64(*f),
            Node::Str(t) => s.serialize_str(t),
            Node::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Node::Object(items) => {
                let mut map = s.serialize_map(Some(items.len()))?;
                for (k, v) in items {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// The tree of a `serde_json::Value`, refusing more than [`MAX_JSON_DEPTH`] levels.
pub(super) fn from_json(json: &Json, depth: usize) -> Result<Node> {
    let inner = || match depth < MAX_JSON_DEPTH {
        true => Ok(depth + 1),
        false => Err(too_deep("")),
    };
    Ok(match json {
        Json::Null => Node::Null,
        Json::Bool(b) => Node::Bool(*b),
        Json::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Node::Int(i),
            (None, Some(u)) => Node::UInt(u),
            _ => Node::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Json::String(s) => Node::Str(s.clone()),
        Json::Array(items) => {
            let d = inner()?;
            Node::Array(items.iter().map(|i| from_json(i, d)).collect::<Result<_>>()?)
        }
        Json::Object(map) => {
            let d = inner()?;
            Node::Object(map.iter().map(|(k, v)| Ok((k.clone(), from_json(v, d)?))).collect::<Result<_>>()?)
        }
    })
}

/// The `serde_json::Value` of a tree (whose depth the encoder bounded).
pub(super) fn into_json(node: Node) -> Json {
    match node {
        Node::Null => Json::Null,
        Node::Bool(b) => Json::Bool(b),
        Node::Int(i) => Json::Number(i.into()),
        Node::UInt(u) => Json::Number(u.into()),
        Node::Float(f) => Number::from_f64(f).map_or(Json::Null, Json::Number),
        Node::Str(s) => Json::String(s),
        Node::Array(items) => Json::Array(items.into_iter().map(into_json).collect()),
        Node::Object(items) => Json::Object(items.into_iter().map(|(k, v)| (k, into_json(v))).collect::<Map<_, _>>()),
    }
}
