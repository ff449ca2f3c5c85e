//! Idempotent calls: a call marked idempotent returns its cached result when it was made
//! before with the same arguments, without entering the Python function.
//!
//! A call is marked per call ([`Args::idempotent`](crate::Args::idempotent),
//! [`CallOptions::idempotent`](crate::CallOptions::idempotent)) or per function
//! (`#[python_module(idempotent = ["dumps"])]`). The cache key is the function and its
//! arguments' lossless encoding: the values the wire format carries (`None`, `bool`, `int`,
//! `float`, `str`, `bytes`, `list`, `tuple`, `dict`), each tagged with its exact type, so `1`,
//! `1.0` and `True` are three keys. Arguments that hold anything else (a ref, an arbitrary
//! object, a subclass) make the call uncached, as does a result that would not cross
//! losslessly: only plain values are kept, never refs, and each hit gives the caller a fresh
//! copy. The cache is bounded ([`IdempotentCache::configure`]: entries and time to live) and
//! emptied on demand ([`invalidate_idempotent`]); hits and misses are counted
//! ([`idempotent_stats`]) and emitted as `snakebridge.runtime.call.cache` events.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use foldhash::{HashMap, HashMapExt};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use super::args::{IntoArgs, PyArgs};
use crate::error::{py_err, Result};
use crate::locks::Mutex;
use crate::telemetry;
use crate::value::{FromPython, ToPython, Value};

/// The bounds of the idempotent-call cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdempotentCache {
    /// Results kept before the oldest is dropped (default 1024; 0 turns caching off).
    pub max_entries: usize,
    /// How long a result is served (default 5 minutes; `None`: until evicted or invalidated).
    pub ttl: Option<Duration>,
}

impl Default for IdempotentCache {
    fn default() -> Self {
        IdempotentCache { max_entries: 1024, ttl: Some(Duration::from_secs(300)) }
    }
}

impl IdempotentCache {
    /// Sets the process's cache bounds; results already kept that no longer fit are dropped.
    pub fn configure(self) {
        let mut cache = CACHE.lock();
        cache.bounds = self;
        let dropped = cache.trim();
        drop(cache);
        drop(dropped);
    }
}

/// Hit and miss counts of idempotent calls since the process started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct IdempotentStats {
    /// Calls answered from the cache.
    pub hits: u64,
    /// Cacheable calls that ran (their result is kept if it is plain data).
    pub misses: u64,
    /// Calls marked idempotent whose arguments cannot be a key (they ran uncached).
    pub uncacheable: u64,
    /// Results kept now.
    pub entries: usize,
}

static HITS: AtomicU64 = AtomicU64::new(0);
static MISSES: AtomicU64 = AtomicU64::new(0);
static UNCACHEABLE: AtomicU64 = AtomicU64::new(0);

/// The counts of idempotent calls so far.
pub fn idempotent_stats() -> IdempotentStats {
    IdempotentStats {
        hits: HITS.load(Ordering::Relaxed),
        misses: MISSES.load(Ordering::Relaxed),
        uncacheable: UNCACHEABLE.load(Ordering::Relaxed),
        entries: CACHE.lock().entries.len(),
    }
}

/// Drops cached results: those of `module.function` when given, else every one. Returns how
/// many were dropped.
pub fn invalidate_idempotent(target: Option<(&str, &str)>) -> usize {
    let mut cache = CACHE.lock();
    let dropped: Vec<Kept> = match target {
        None => {
            cache.order.clear();
            cache.entries.drain().map(|(_, v)| v).collect()
        }
        Some((module, function)) => {
            let prefix = key_prefix(module, function);
            let keys: Vec<Box<[u8]>> = cache.entries.keys().filter(|k| k.starts_with(&prefix)).cloned().collect();
            cache.order.retain(|k| !k.starts_with(&prefix));
            keys.iter().filter_map(|k| cache.entries.remove(k)).collect()
        }
    };
    drop(cache);
    dropped.len()
}

struct Kept {
    value: Value,
    at: Instant,
}

struct Cache {
    entries: HashMap<Box<[u8]>, Kept>,
    /// Insertion order: the front is dropped first.
    order: VecDeque<Box<[u8]>>,
    bounds: IdempotentCache,
}

impl Cache {
    /// Drops the oldest results while over the bound; they are returned to be dropped after
    /// the lock (a plain `Value` runs no Python, but the rule is kept).
    fn trim(&mut self) -> Vec<Kept> {
        let mut out = Vec::new();
        while self.entries.len() > self.bounds.max_entries {
            let Some(key) = self.order.pop_front() else { break };
            out.extend(self.entries.remove(&key));
        }
        out
    }
}

static CACHE: std::sync::LazyLock<Mutex<Cache>> = std::sync::LazyLock::new(|| {
    Mutex::new(Cache { entries: HashMap::new(), order: VecDeque::new(), bounds: IdempotentCache::default() })
});

fn key_prefix(module: &str, function: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(module.len() + function.len() + 2);
    key.extend_from_slice(module.as_bytes());
    key.push(0);
    key.extend_from_slice(function.as_bytes());
    key.push(0);
    key
}

/// Calls `callable` with `args`, answering from the cache when the same call was made before.
#[inline(never)]
pub(super) fn call<'py, R: FromPython>(
    callable: &Bound<'py, PyAny>,
    module: &str,
    function: &str,
    args: &impl IntoArgs,
) -> Result<R> {
    let py = callable.py();
    let PyArgs { args, kwargs } = args.to_py_args(py)?;
    let mut key = key_prefix(module, function);
    let keyed = encode(&mut key, args.as_any()) && kwargs.as_ref().is_none_or(|k| encode(&mut key, k.as_any()));
    if !keyed {
        UNCACHEABLE.fetch_add(1, Ordering::Relaxed);
        telemetry::cache_event(module, function, "uncacheable");
        let result = callable.call(args, kwargs.as_ref()).map_err(|e| py_err(py, e))?;
        return R::from_python(&result);
    }
    let now = Instant::now();
    let hit = {
        let mut cache = CACHE.lock();
        let ttl = cache.bounds.ttl;
        match cache.entries.get(key.as_slice()) {
            Some(kept) if ttl.is_none_or(|t| now.duration_since(kept.at) <= t) => Some(Ok(kept.value.clone())),
            Some(_) => Some(Err(cache.entries.remove(key.as_slice()))),
            None => None,
        }
    };
    if let Some(Ok(value)) = hit {
        HITS.fetch_add(1, Ordering::Relaxed);
        telemetry::cache_event(module, function, "hit");
        return R::from_python(&value.to_python(py)?);
    }
    drop(hit);
    MISSES.fetch_add(1, Ordering::Relaxed);
    telemetry::cache_event(module, function, "miss");
    let result = callable.call(args, kwargs.as_ref()).map_err(|e| py_err(py, e))?;
    if encode(&mut Vec::new(), &result) {
        let value = Value::from_python(&result)?;
        let mut cache = CACHE.lock();
        if cache.bounds.max_entries > 0 {
            let key: Box<[u8]> = key.into();
            if cache.entries.insert(key.clone(), Kept { value, at: now }).is_none() {
                cache.order.push_back(key);
            }
        }
        let dropped = cache.trim();
        drop(cache);
        drop(dropped);
    }
    R::from_python(&result)
}

/// Appends `obj`'s encoding to `key`; `false` when it holds anything but plain data.
fn encode(key: &mut Vec<u8>, obj: &Bound<'_, PyAny>) -> bool {
    // Exact types only: a subclass can change equality, hashing or what the callee sees.
    if obj.is_none() {
        key.push(b'N');
    } else if obj.is_exact_instance_of::<PyBool>() {
        key.push(if obj.is_truthy().unwrap_or(false) { b'T' } else { b'F' });
    } else if obj.is_exact_instance_of::<PyInt>() {
        match obj.extract::<i64>() {
            Ok(i) => {
                key.push(b'i');
                key.extend_from_slice(&i.to_le_bytes());
            }
            Err(_) => {
                let Ok(text) = obj.str() else { return false };
                key.push(b'I');
                push_str(key, &text.to_string_lossy());
            }
        }
    } else if obj.is_exact_instance_of::<PyFloat>() {
        let Ok(f) = obj.extract::<f64>() else { return false };
        key.push(b'f');
        key.extend_from_slice(&f.to_bits().to_le_bytes());
    } else if let Ok(s) = obj.cast_exact::<PyString>() {
        let Ok(text) = s.to_str() else { return false };
        key.push(b's');
        push_str(key, text);
    } else if let Ok(b) = obj.cast_exact::<PyBytes>() {
        key.push(b'b');
        push_bytes(key, b.as_bytes());
    } else if let Ok(list) = obj.cast_exact::<PyList>() {
        key.push(b'[');
        push_len(key, list.len());
        return list.iter().all(|item| encode(key, &item));
    } else if let Ok(tuple) = obj.cast_exact::<PyTuple>() {
        key.push(b'(');
        push_len(key, tuple.len());
        return tuple.iter().all(|item| encode(key, &item));
    } else if let Ok(dict) = obj.cast_exact::<PyDict>() {
        key.push(b'{');
        push_len(key, dict.len());
        return dict.iter().all(|(k, v)| encode(key, &k) && encode(key, &v));
    } else {
        return false;
    }
    true
}

fn push_len(key: &mut Vec<u8>, len: usize) {
    key.extend_from_slice(&(len as u64).to_le_bytes());
}

fn push_bytes(key: &mut Vec<u8>, bytes: &[u8]) {
    push_len(key, bytes.len());
    key.extend_from_slice(bytes);
}

fn push_str(key: &mut Vec<u8>, text: &str) {
    push_bytes(key, text.as_bytes());
}
