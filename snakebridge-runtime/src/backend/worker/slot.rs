//! One place in the pool: the worker process running there now, replaced when it dies.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use super::process::{self, Process, ReadFail};
use super::protocol::{self, Outcome, Releases, Reply};
use super::Settings;
use crate::backend::Request;
use crate::error::{Error, RefGone, Result};
use crate::refs::{Ref, RefId};
use crate::session::SessionId;
use crate::value::Value;

/// Worker ids are unique in the host and never reused: a ref names the process it lives in.
static NEXT_WORKER: AtomicU32 = AtomicU32::new(1);

/// The tracing target of pool and worker events.
pub(crate) const TARGET: &str = "snakebridge::workers";

struct Conn {
    worker: u32,
    process: Process,
    seq: u64,
}

/// A slot of the pool. Its lock is held for one exchange with the worker; no Python runs in
/// this process while it is held (arguments are converted before, results after).
pub(crate) struct Slot {
    pub(crate) index: usize,
    settings: Arc<Settings>,
    conn: Mutex<Option<Conn>>,
    /// The id of the live worker, 0 while none runs.
    current: AtomicU32,
    /// The id of the last worker that ran here, for the event of its replacement.
    previous: AtomicU32,
    pending: Mutex<Releases>,
    closed: AtomicBool,
}

/// Why an exchange ended without a reply.
enum Lost {
    Crashed,
    Protocol(String),
    Undecodable(Error),
}

impl Slot {
    pub(crate) fn new(index: usize, settings: Arc<Settings>) -> Slot {
        Slot {
            index,
            settings,
            conn: Mutex::new(None),
            current: AtomicU32::new(0),
            previous: AtomicU32::new(0),
            pending: Mutex::new(Releases::default()),
            closed: AtomicBool::new(false),
        }
    }

    /// Starts the worker now if none runs (the pool starts its workers up front).
    pub(crate) fn warm(&self) -> Result<()> {
        let mut guard = self.conn.lock();
        if guard.is_none() {
            *guard = Some(self.start(None)?);
        }
        Ok(())
    }

    /// The pid of the worker running here now.
    pub(crate) fn pid(&self) -> Option<u32> {
        self.conn.lock().as_ref().map(|c| c.process.pid())
    }

    /// Whether `r`'s object can still be alive here: its worker is the one running now.
    pub(crate) fn holds(&self, r: &Ref) -> bool {
        r.worker_id() == self.current.load(Ordering::Relaxed)
    }

    /// Remembers a dropped handle's object, released in the worker with the next request.
    pub(crate) fn queue_release(&self, session: &SessionId, id: RefId) {
        if (id.0 >> 96) as u32 == self.current.load(Ordering::Relaxed) {
            self.pending.lock().refs.push((session.to_string(), id.to_string()));
        }
    }

    /// Remembers a dropped session, released in the worker with the next request.
    pub(crate) fn queue_session_release(&self, session: &str) {
        if self.current.load(Ordering::Relaxed) != 0 {
            self.pending.lock().sessions.push(session.to_owned());
        }
    }

    fn start(&self, replaces: Option<u32>) -> Result<Conn> {
        if self.closed.load(Ordering::Relaxed) {
            return Err(Error::WorkerStart { message: "the worker pool was shut down".into() });
        }
        let worker = NEXT_WORKER.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let s = &self.settings;
        let mut process = process::spawn(&s.python, &s.adapter, &s.env).map_err(|e| Error::WorkerStart {
            message: format!(
                "{} -c <adapter>: {e}; set `WorkerConfig::python` or SNAKEBRIDGE_VENV",
                s.python.display()
            ),
        })?;
        let hello = protocol::hello(worker, s.limits);
        let protocol_error = |message: String| Error::WorkerProtocol { worker, message };
        process
            .write_frame(hello.as_bytes())
            .map_err(|e| protocol_error(format!("the handshake could not be sent: {e}")))?;
        let body = match process.read_frame(Some(started + s.startup_timeout)) {
            Ok(body) => body,
            Err(ReadFail::Closed) => {
                let status = process.reap(Duration::from_millis(500));
                return Err(Error::WorkerStart {
                    message: format!(
                        "the worker {} before its handshake (see its stderr above)",
                        process::describe_exit(status)
                    ),
                });
            }
            Err(ReadFail::TimedOut) => {
                return Err(Error::WorkerStart {
                    message: format!("the worker did not answer its handshake within {:?}", s.startup_timeout),
                })
            }
            Err(e) => return Err(protocol_error(format!("unreadable handshake: {e:?}"))),
        };
        let reply: protocol::HelloReply =
            serde_json::from_slice(&body).map_err(|e| protocol_error(format!("malformed handshake reply: {e}")))?;
        let ok = match (reply.ok, reply.error) {
            (Some(ok), _) => ok,
            (None, Some(f)) if f.kind == "protocol_mismatch" => {
                return Err(protocol_error(format!(
                    "protocol mismatch: the host speaks worker protocol {} and wire schema 1, the adapter refused it ({}); use the adapter shipped with this snakebridge",
                    protocol::PROTOCOL_VERSION, f.message
                )))
            }
            (None, Some(f)) => return Err(protocol_error(format!("the handshake failed: {}", f.message))),
            (None, None) => return Err(protocol_error("the handshake reply has neither `ok` nor `error`".into())),
        };
        if ok.protocol_version != protocol::PROTOCOL_VERSION {
            return Err(protocol_error(format!(
                "protocol mismatch: the host speaks worker protocol {}, the adapter {}; use the adapter shipped with this snakebridge",
                protocol::PROTOCOL_VERSION,
                ok.protocol_version
            )));
        }
        self.current.store(worker, Ordering::Relaxed);
        self.previous.store(worker, Ordering::Relaxed);
        tracing::info!(name: "snakebridge.worker.start", target: TARGET, worker, pid = ok.pid, slot = self.index,
            replaces, python = %ok.python, startup_ms = started.elapsed().as_millis() as u64, "snakebridge: worker started");
        Ok(Conn { worker, process, seq: 0 })
    }

    /// Runs `request` in this slot's worker (starting one first if the last one died).
    pub(crate) fn run(
        self: &Arc<Self>,
        request: &Request<'_>,
        session: &str,
        limit: Option<Duration>,
    ) -> Result<Value> {
        let outcome = {
            let mut guard = self.conn.lock();
            let conn = match guard.as_mut() {
                Some(conn) => conn,
                None => {
                    let replaces = Some(self.previous.load(Ordering::Relaxed)).filter(|&w| w != 0);
                    guard.insert(self.start(replaces)?)
                }
            };
            self.check_refs(request, conn.worker)?;
            let releases = std::mem::take(&mut *self.pending.lock());
            conn.seq += 1;
            let seq = conn.seq;
            let text = protocol::encode(seq, session, request, &releases)?;
            let (module, name) = request.names();
            self.exchange(&mut guard, text, seq, limit, &format!("{module}.{name}"))?
        };
        match outcome {
            Outcome::Value(v) => Ok(self.adopt(v)),
            Outcome::Exception(f) => Err(f.into_error()),
            Outcome::Failed(e) => Err(e),
            // The target and profile are filled in by the pipeline, which knows them.
            Outcome::Interrupted => {
                Err(Error::Timeout { target: String::new(), timeout: Duration::ZERO, profile: String::new() })
            }
        }
    }

    /// A request that is not a call (`release_session`, `ref_count`), on the running worker
    /// only: with none running there is nothing to ask.
    pub(crate) fn admin(self: &Arc<Self>, op: &str, session: &str) -> Result<Option<Value>> {
        let mut guard = self.conn.lock();
        let Some(conn) = guard.as_mut() else { return Ok(None) };
        let releases = std::mem::take(&mut *self.pending.lock());
        conn.seq += 1;
        let seq = conn.seq;
        let text = protocol::encode_admin(seq, op, session, &releases);
        match self.exchange(&mut guard, text, seq, Some(self.settings.grace.max(Duration::from_secs(5))), op)? {
            Outcome::Value(v) => Ok(Some(v)),
            Outcome::Failed(e) => Err(e),
            Outcome::Exception(f) => Err(f.into_error()),
            Outcome::Interrupted => Ok(None),
        }
    }

    /// Refs of a dead worker are gone; refs of another slot's worker cannot be used here.
    fn check_refs(&self, request: &Request<'_>, worker: u32) -> Result<()> {
        let mut bad = None;
        let mut visit = |r: &Ref| {
            if bad.is_none() && r.worker_id() != worker {
                let mine = r.0.remote.as_ref().is_some_and(|s| std::ptr::eq(&**s, self));
                bad = Some(match mine {
                    true => Error::RefNotFound { ref_id: r.id(), session_id: r.session_id().into(), reason: RefGone::WorkerGone },
                    false => Error::Serialization {
                        type_name: format!("Python {}", r.type_name()),
                        message: "this ref lives in another worker process than the one running the call; refs stay in the worker that made them, so use them in the session that made them".into(),
                    },
                });
            }
        };
        if let Some(t) = request.target() {
            visit(t);
        }
        for v in request.values() {
            each_ref(v, &mut visit);
        }
        bad.map_or(Ok(()), Err)
    }

    /// Sends one frame and reads its reply; a worker that fails is taken out of the slot.
    fn exchange(
        &self,
        guard: &mut Option<Conn>,
        text: String,
        seq: u64,
        limit: Option<Duration>,
        target: &str,
    ) -> Result<Outcome> {
        let conn = guard.as_mut().expect("a running worker");
        let deadline = limit.map(|l| Instant::now() + l);
        let read = match conn.process.write_frame(text.as_bytes()) {
            Ok(()) => conn.process.read_frame(deadline),
            Err(_) => Err(ReadFail::Closed),
        };
        let lost = match read {
            Ok(body) => match parse(&body, seq) {
                Ok(outcome) => return Ok(outcome),
                Err(lost) => lost,
            },
            Err(ReadFail::TimedOut) => return Ok(self.interrupt(guard, seq)),
            Err(ReadFail::Closed) => Lost::Crashed,
            Err(ReadFail::Io(e)) => {
                tracing::debug!(target: TARGET, error = %e, "snakebridge: reading a worker's reply failed");
                Lost::Crashed
            }
            Err(ReadFail::TooLarge(n)) => Lost::Protocol(format!(
                "a frame of {n} bytes (at most {} allowed): the stream is corrupt",
                process::MAX_FRAME
            )),
        };
        Err(self.retire(guard, lost, target))
    }

    /// The call ran past its limit: SIGINT interrupts it in the worker; a worker that does not
    /// answer within the grace period is killed and replaced.
    fn interrupt(&self, guard: &mut Option<Conn>, seq: u64) -> Outcome {
        let conn = guard.as_mut().expect("a running worker");
        conn.process.signal(libc::SIGINT);
        match conn.process.read_frame(Some(Instant::now() + self.settings.grace)) {
            // Interrupted, or it finished just in time: either way the call overran its limit.
            Ok(body) if parse(&body, seq).is_ok() => {}
            _ => {
                let conn = guard.take().expect("a running worker");
                self.current.store(0, Ordering::Relaxed);
                tracing::warn!(name: "snakebridge.worker.killed", target: TARGET, worker = conn.worker, pid = conn.process.pid(),
                    slot = self.index, grace_ms = self.settings.grace.as_millis() as u64,
                    "snakebridge: worker did not stop within the grace period after its call timed out; killed and replaced");
                drop(conn);
            }
        }
        Outcome::Interrupted
    }

    /// Takes a failed worker out of the slot (a fresh one starts on the next call).
    fn retire(&self, guard: &mut Option<Conn>, lost: Lost, target: &str) -> Error {
        let mut conn = guard.take().expect("a running worker");
        self.current.store(0, Ordering::Relaxed);
        self.pending.lock().refs.clear();
        let (worker, pid) = (conn.worker, conn.process.pid());
        let error = match lost {
            Lost::Crashed => {
                let reason = process::describe_exit(conn.process.reap(Duration::from_secs(1)));
                Error::WorkerCrashed { worker, pid, reason, target: target.to_owned() }
            }
            Lost::Protocol(message) => Error::WorkerProtocol { worker, message },
            Lost::Undecodable(e) => e,
        };
        tracing::warn!(name: "snakebridge.worker.exit", target: TARGET, worker, pid, slot = self.index, error = %error,
            "snakebridge: worker lost; the next call starts a fresh one");
        error
    }

    /// Makes the refs of a reply owning handles of this slot's worker.
    fn adopt(self: &Arc<Self>, value: Value) -> Value {
        match value {
            Value::Ref(r) => Value::Ref(Ref::remote(&r, self.clone())),
            Value::List(v) => Value::List(v.into_iter().map(|x| self.adopt(x)).collect()),
            Value::Tuple(v) => Value::Tuple(v.into_iter().map(|x| self.adopt(x)).collect()),
            Value::Dict(v) => Value::Dict(v.into_iter().map(|(k, x)| (self.adopt(k), self.adopt(x))).collect()),
            other => other,
        }
    }

    /// Stops the worker: its stdin closes, it exits; killed after the grace period.
    pub(crate) fn shut_down(&self) {
        self.closed.store(true, Ordering::Relaxed);
        let conn = self.conn.lock().take();
        self.current.store(0, Ordering::Relaxed);
        if let Some(conn) = conn {
            let status = conn.process.shut_down(self.settings.grace);
            tracing::debug!(name: "snakebridge.worker.stop", target: TARGET, worker = conn.worker, slot = self.index,
                status = %process::describe_exit(status), "snakebridge: worker stopped");
        }
    }
}

fn each_ref(value: &Value, visit: &mut impl FnMut(&Ref)) {
    match value {
        Value::Ref(r) => visit(r),
        Value::List(v) | Value::Tuple(v) | Value::Set(v) | Value::FrozenSet(v) => {
            v.iter().for_each(|x| each_ref(x, visit))
        }
        Value::Dict(v) => v.iter().for_each(|(k, x)| {
            each_ref(k, visit);
            each_ref(x, visit)
        }),
        _ => {}
    }
}

/// Reads a reply frame: garbage and values the host cannot decode lose the worker.
fn parse(body: &[u8], seq: u64) -> std::result::Result<Outcome, Lost> {
    let reply: Reply = match serde_json::from_slice(body) {
        Ok(r) => r,
        Err(e)
            if e.classify() == serde_json::error::Category::Data
                && std::str::from_utf8(body).is_ok()
                && looks_like_reply(body) =>
        {
            return Err(Lost::Undecodable(Error::InvalidWire {
                path: "/ok".into(),
                message: format!("the worker's reply holds a value the host cannot decode: {e}"),
            }))
        }
        Err(e) => {
            let preview = String::from_utf8_lossy(&body[..body.len().min(80)]).into_owned();
            return Err(Lost::Protocol(format!("malformed reply frame ({e}): {preview:?}")));
        }
    };
    if reply.seq != Some(seq) {
        return Err(Lost::Protocol(format!("a reply to request {:?} while waiting for {seq}", reply.seq)));
    }
    match (reply.ok, reply.error) {
        (_, Some(failure)) => Ok(failure.outcome()),
        (Some(v), None) => Ok(Outcome::Value(v)),
        (None, None) => Err(Lost::Protocol("a reply with neither `ok` nor `error`".into())),
    }
}

fn looks_like_reply(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body).is_ok_and(|v| v.get("seq").is_some() && v.get("ok").is_some())
}
