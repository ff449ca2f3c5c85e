//! Wire tree → [`Value`], bounded by the nesting limit.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use snakebridge_meta::limits::MAX_NESTING_DEPTH;

use super::node::Node;
use super::SCHEMA_VERSION;
use crate::error::{Error, Result};
use crate::refs::{Ref, RefId};
use crate::value::{Bytes, Int, Value};

type Fields = [(String, Node)];

/// Runs `f` with `segment` appended to the JSON pointer `path`.
fn at<T>(path: &mut String, segment: &str, f: impl FnOnce(&mut String) -> Result<T>) -> Result<T> {
    let len = path.len();
    path.push('/');
    path.push_str(&segment.replace('~', "~0").replace('/', "~1"));
    let out = f(path);
    path.truncate(len);
    out
}

/// The depth of a container's items, or the error beyond the limit.
fn enter(depth: usize, path: &str) -> Result<usize> {
    match depth < MAX_NESTING_DEPTH {
        true => Ok(depth + 1),
        false => Err(Error::invalid_wire(
            path,
            format!("values nested deeper than {MAX_NESTING_DEPTH} levels, the limit of every snakebridge converter"),
        )),
    }
}

/// Decodes `node`, which sits inside `depth` containers.
pub(super) fn decode(node: &Node, path: &mut String, depth: usize) -> Result<Value> {
    Ok(match node {
        Node::Null => Value::None,
        Node::Bool(b) => Value::Bool(*b),
        Node::Int(i) => Value::Int(Int::from(*i)),
        Node::UInt(u) => Value::Int(Int::from(*u)),
        Node::Float(f) if f.is_finite() => Value::Float(*f),
        Node::Float(_) => {
            return Err(Error::invalid_wire(path, "a number out of the float range; send it as a special_float"))
        }
        Node::Str(s) => Value::Str(s.clone()),
        Node::Array(items) => Value::List(elements(items, path, enter(depth, path)?)?),
        Node::Object(map) => match Node::get(map, "__type__") {
            None => {
                let inner = enter(depth, path)?;
                Value::Dict(
                    map.iter()
                        .map(|(k, v)| Ok((Value::Str(k.clone()), at(path, k, |p| decode(v, p, inner))?)))
                        .collect::<Result<_>>()?,
                )
            }
            Some(Node::Str(tag)) if matches!(tag.as_str(), "tuple" | "set" | "frozenset" | "list") => {
                check_schema(map, path)?;
                let items = array_field(map, "elements", tag, path)?;
                let inner = enter(depth, path)?;
                let len = path.len();
                path.push_str("/elements");
                let out = elements(items, path, inner);
                path.truncate(len);
                let items = out?;
                match tag.as_str() {
                    "tuple" => Value::Tuple(items),
                    "set" => Value::Set(items),
                    "frozenset" => Value::FrozenSet(items),
                    _ => Value::List(items),
                }
            }
            Some(tag) => decode_tagged(tag, map, path, depth)?,
        },
    })
}

fn elements(items: &[Node], path: &mut String, depth: usize) -> Result<Vec<Value>> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let len = path.len();
        path.push('/');
        path.push_str(&i.to_string());
        let value = decode(item, path, depth);
        path.truncate(len);
        out.push(value?);
    }
    Ok(out)
}

fn field<'a>(map: &'a Fields, name: &str, tag: &str, path: &str) -> Result<&'a Node> {
    Node::get(map, name).ok_or_else(|| Error::invalid_wire(path, format!("a `{tag}` value needs a `{name}` field")))
}

fn str_field<'a>(map: &'a Fields, name: &str, tag: &str, path: &str) -> Result<&'a str> {
    field(map, name, tag, path)?.as_str().ok_or_else(|| {
        Error::invalid_wire(&format!("{path}/{name}"), format!("the `{name}` of a `{tag}` value must be a string"))
    })
}

fn array_field<'a>(map: &'a Fields, name: &str, tag: &str, path: &str) -> Result<&'a [Node]> {
    match field(map, name, tag, path)? {
        Node::Array(items) => Ok(items),
        _ => Err(Error::invalid_wire(
            &format!("{path}/{name}"),
            format!("the `{name}` of a `{tag}` value must be an array"),
        )),
    }
}

#[inline(never)]
fn check_schema(map: &Fields, path: &str) -> Result<()> {
    match Node::get(map, "__schema__") {
        None => {}
        Some(Node::Int(1)) | Some(Node::UInt(1)) => {}
        Some(other) => {
            return Err(Error::invalid_wire(
                &format!("{path}/__schema__"),
                format!("unknown wire schema {}; this snakebridge reads schema {SCHEMA_VERSION}, upgrade snakebridge to read newer data", other.to_text()),
            ))
        }
    }
    Ok(())
}

#[inline(never)]
fn decode_tagged(tag: &Node, map: &Fields, path: &mut String, depth: usize) -> Result<Value> {
    let tag =
        tag.as_str().ok_or_else(|| Error::invalid_wire(&format!("{path}/__type__"), "`__type__` must be a string"))?;
    check_schema(map, path)?;
    let p = path.clone();
    let items = |path: &mut String| -> Result<Vec<Value>> {
        let inner = enter(depth, path)?;
        at(path, "elements", |pp| elements(array_field(map, "elements", tag, &p)?, pp, inner))
    };
    Ok(match tag {
        "tuple" => Value::Tuple(items(path)?),
        "set" => Value::Set(items(path)?),
        "frozenset" => Value::FrozenSet(items(path)?),
        "list" => Value::List(items(path)?),
        "dict" => {
            let inner = enter(depth, path)?;
            let pairs = array_field(map, "pairs", tag, &p)?;
            at(path, "pairs", |pp| {
                pairs
                    .iter()
                    .enumerate()
                    .map(|(i, pair)| {
                        at(pp, &i.to_string(), |ppp| match pair {
                            Node::Array(kv) if kv.len() == 2 => Ok((
                                at(ppp, "0", |q| decode(&kv[0], q, inner))?,
                                at(ppp, "1", |q| decode(&kv[1], q, inner))?,
                            )),
                            _ => Err(Error::invalid_wire(ppp, "each dict pair must be a [key, value] array")),
                        })
                    })
                    .collect::<Result<Vec<_>>>()
            })
            .map(Value::Dict)?
        }
        "int" => {
            let digits = str_field(map, "value", tag, &p)?;
            Value::Int(digits.parse().map_err(|e: crate::value::int::ParseIntError| {
                Error::invalid_wire(&format!("{p}/value"), e.to_string())
            })?)
        }
        "bytes" => {
            let data = str_field(map, "data", tag, &p)?;
            let raw =
                STANDARD.decode(data).map_err(|e| Error::invalid_wire(&format!("{p}/data"), format!("bad base64: {e}")))?;
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
                let node = field(map, name, tag, &p)?;
                let at = format!("{p}/{name}");
                match decode(node, &mut at.clone(), depth)? {
                    Value::Float(f) => Ok(f),
                    Value::Int(i) => i.as_i64().map(|v| v as f64).ok_or_else(|| Error::invalid_wire(&at, "complex part out of range")),
                    _ => Err(Error::invalid_wire(&at, "complex parts must be numbers")),
                }
            };
            Value::Complex { re: part("real")?, im: part("imag")? }
        }
        "atom" => Value::Str(str_field(map, "value", tag, &p)?.to_owned()),
        "ref" => Value::Ref(decode_ref(map, &p)?),
        other => {
            return Err(Error::invalid_wire(
                &format!("{p}/__type__"),
                format!("unknown __type__ {other:?}; expected one of int, tuple, set, frozenset, dict, bytes, special_float, datetime, date, time, complex, atom, ref"),
            ))
        }
    })
}

fn iso<T: std::str::FromStr<Err = crate::value::datetime::ParseDateTimeError>>(
    map: &Fields,
    tag: &str,
    path: &str,
) -> Result<T> {
    str_field(map, "value", tag, path)?.parse().map_err(|e: crate::value::datetime::ParseDateTimeError| {
        Error::invalid_wire(&format!("{path}/value"), e.to_string())
    })
}

fn decode_ref(map: &Fields, path: &str) -> Result<Ref> {
    let invalid = |reason: String| Error::InvalidRef {
        reason: format!("{reason} (at `{}`)", if path.is_empty() { "/" } else { path }),
    };
    let id = match Node::get(map, "id") {
        Some(Node::Str(s)) => {
            RefId::parse(s).ok_or_else(|| invalid(format!("ref id {s:?} is not `ref_` and 32 hex digits")))?
        }
        Some(_) => return Err(invalid("the ref `id` must be a string".into())),
        None => return Err(invalid("the ref has no `id`".into())),
    };
    let session = match Node::get(map, "session_id") {
        Some(Node::Str(s)) if !s.is_empty() => s.as_str(),
        _ => return Err(invalid("the ref has no `session_id` string".into())),
    };
    let text = |name: &str| Node::get(map, name).and_then(Node::as_str).map(str::to_owned);
    Ok(Ref::borrowed(id, session.into(), text("type_name"), text("python_module"), text("library")))
}
