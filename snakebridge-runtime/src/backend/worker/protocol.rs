//! The worker protocol (version [`PROTOCOL_VERSION`]): requests and replies as JSON objects,
//! values inside them in the tagged wire format, schema 1.
//!
//! Host → worker: `{"op": "hello", "protocol_version": 1, "schema": 1, "worker_id": 7, ...}`
//! first, then `{"seq": 1, "op": "call", "session": "...", "module": "math", "function":
//! "sqrt", "args": [16.0], "kwargs": {}, "release": [[session, ref id], ...]}`.
//! Worker → host: `{"seq": 1, "ok": <wire value>}` or `{"seq": 1, "error": {"kind": ...}}`.

use std::fmt::Write as _;

use serde::Deserialize;

use super::super::request::{Arguments, Request};
use crate::error::{Error, PythonError, RefGone, Result};
use crate::value::{wire, Value};

/// The version of this protocol; a worker speaking another is refused at its handshake.
pub const PROTOCOL_VERSION: u32 = 1;

/// A JSON string literal.
fn string(out: &mut String, s: &str) {
    // serde_json's escaping, straight into the buffer.
    out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()));
}

fn values(out: &mut String, items: &[Value]) -> Result<()> {
    out.push('[');
    for (i, v) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&wire::to_string(v)?);
    }
    out.push(']');
    Ok(())
}

fn arguments(out: &mut String, args: &Arguments) -> Result<()> {
    if !args.positional.is_empty() {
        out.push_str(",\"args\":");
        values(out, &args.positional)?;
    }
    if !args.keywords.is_empty() {
        out.push_str(",\"kwargs\":{");
        for (i, (k, v)) in args.keywords.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            string(out, k);
            out.push(':');
            out.push_str(&wire::to_string(v)?);
        }
        out.push('}');
    }
    Ok(())
}

/// Objects of dropped handles and sessions, released in the worker with the next request.
#[derive(Default)]
pub(crate) struct Releases {
    pub(crate) refs: Vec<(String, String)>,
    pub(crate) sessions: Vec<String>,
}

/// The text of one request frame.
pub(crate) fn encode(seq: u64, session: &str, request: &Request<'_>, releases: &Releases) -> Result<String> {
    let mut out = String::with_capacity(96);
    let _ = write!(out, "{{\"seq\":{seq},\"op\":\"{}\",\"session\":", request.door());
    string(&mut out, session);
    let field = |out: &mut String, name: &str, text: &str| {
        let _ = write!(out, ",\"{name}\":");
        string(out, text);
    };
    match request {
        Request::Call { module, function, args } => {
            field(&mut out, "module", module);
            field(&mut out, "function", function);
            arguments(&mut out, args)?;
        }
        Request::Get { module, name } => {
            field(&mut out, "module", module);
            field(&mut out, "name", name);
        }
        Request::Method { target, name, args } => {
            let _ = write!(out, ",\"target\":{}", wire::to_string(&Value::Ref((*target).clone()))?);
            field(&mut out, "name", name);
            arguments(&mut out, args)?;
        }
        Request::Attr { target, name } => {
            let _ = write!(out, ",\"target\":{}", wire::to_string(&Value::Ref((*target).clone()))?);
            field(&mut out, "name", name);
        }
        Request::SetAttr { target, name, value } => {
            let _ = write!(out, ",\"target\":{}", wire::to_string(&Value::Ref((*target).clone()))?);
            field(&mut out, "name", name);
            let _ = write!(out, ",\"value\":{}", wire::to_string(value)?);
        }
        Request::CallRef { target, args } => {
            let _ = write!(out, ",\"target\":{}", wire::to_string(&Value::Ref((*target).clone()))?);
            arguments(&mut out, args)?;
        }
    }
    admin_fields(&mut out, releases);
    out.push('}');
    Ok(out)
}

/// A request that is not a call: `release_session`, `ref_count`, `ping`.
pub(crate) fn encode_admin(seq: u64, op: &str, session: &str, releases: &Releases) -> String {
    let mut out = format!("{{\"seq\":{seq},\"op\":\"{op}\",\"session\":");
    string(&mut out, session);
    admin_fields(&mut out, releases);
    out.push('}');
    out
}

fn admin_fields(out: &mut String, releases: &Releases) {
    if !releases.refs.is_empty() {
        out.push_str(",\"release\":[");
        for (i, (session, id)) in releases.refs.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('[');
            string(out, session);
            out.push(',');
            string(out, id);
            out.push(']');
        }
        out.push(']');
    }
    if !releases.sessions.is_empty() {
        out.push_str(",\"release_sessions\":[");
        for (i, s) in releases.sessions.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            string(out, s);
        }
        out.push(']');
    }
}

/// The handshake the host sends first.
pub(crate) fn hello(worker_id: u32, limits: crate::RegistryLimits) -> String {
    let ttl = limits.ttl.map_or("null".to_owned(), |t| t.as_secs_f64().to_string());
    format!(
        "{{\"op\":\"hello\",\"protocol_version\":{PROTOCOL_VERSION},\"schema\":{},\"worker_id\":{worker_id},\"max_refs\":{},\"ttl_seconds\":{ttl}}}",
        wire::SCHEMA_VERSION,
        limits.max_refs
    )
}

#[derive(Deserialize)]
pub(crate) struct HelloReply {
    pub(crate) ok: Option<HelloOk>,
    pub(crate) error: Option<Failure>,
}

#[derive(Deserialize)]
pub(crate) struct HelloOk {
    pub(crate) protocol_version: u32,
    pub(crate) pid: u32,
    pub(crate) python: String,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// One reply; `ok` is `Some(Value::None)` for a `null` result, `None` when absent.
#[derive(Deserialize)]
pub(crate) struct Reply {
    pub(crate) seq: Option<u64>,
    #[serde(default, deserialize_with = "present")]
    pub(crate) ok: Option<Value>,
    pub(crate) error: Option<Failure>,
}

/// The error a worker reports.
#[derive(Deserialize, Debug)]
pub(crate) struct Failure {
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) message: String,
    #[serde(default)]
    class: String,
    #[serde(default)]
    module: String,
    #[serde(default)]
    bases: Vec<String>,
    traceback: Option<String>,
    #[serde(flatten)]
    fields: serde_json::Map<String, serde_json::Value>,
}

/// What a reply means once read: a Python exception needs the GIL to become an
/// [`Error`], which the caller takes only after the worker's lock is released.
pub(crate) enum Outcome {
    Value(Value),
    Exception(Box<Failure>),
    Failed(Error),
    /// The call was interrupted by the host's SIGINT (its time limit).
    Interrupted,
}

impl Failure {
    fn text(&self, name: &str) -> String {
        self.fields.get(name).and_then(|v| v.as_str()).unwrap_or_default().to_owned()
    }

    /// The error for every kind but a Python exception.
    pub(crate) fn outcome(self) -> Outcome {
        let e = match self.kind.as_str() {
            "python" => return Outcome::Exception(Box::new(self)),
            "interrupted" => return Outcome::Interrupted,
            "module_not_found" => {
                let module = self.text("module");
                let package = module.split('.').next().unwrap_or_default().to_owned();
                Error::ModuleNotFound { module, package }
            }
            "attribute_not_found" => Error::AttributeNotFound {
                owner: self.text("owner"),
                name: self.text("name"),
                suggestion: self.fields.get("suggestion").and_then(|v| v.as_str()).map(str::to_owned),
            },
            "not_callable" => Error::NotCallable { path: self.text("path"), type_name: self.text("type_name") },
            "ref_not_found" => Error::RefNotFound {
                ref_id: self.text("ref_id"),
                session_id: self.text("session_id"),
                reason: match self.text("reason").as_str() {
                    "expired" => RefGone::Expired,
                    "evicted" => RefGone::Evicted,
                    "released" => RefGone::Released,
                    "session_released" => RefGone::SessionReleased,
                    _ => RefGone::Unknown,
                },
            },
            "session_mismatch" => Error::SessionMismatch {
                ref_id: self.text("ref_id"),
                expected_session: self.text("expected_session"),
                actual_session: self.text("actual_session"),
            },
            "invalid_wire" => Error::invalid_wire("/", self.message),
            _ => Error::InvalidOption { option: "worker request".into(), message: self.message },
        };
        Outcome::Failed(e)
    }

    /// The Python exception, with a host-side stand-in object (needs the GIL).
    pub(crate) fn into_error(self) -> Error {
        let Failure { class, module, bases, message, traceback, .. } = self;
        let made = crate::interpreter::with_gil(|py| {
            Ok(PythonError::remote(
                py,
                class.clone(),
                module.clone(),
                bases.clone(),
                message.clone(),
                traceback.clone(),
            ))
        });
        match made {
            Ok(e) => Error::from(e),
            Err(e) => e,
        }
    }
}
