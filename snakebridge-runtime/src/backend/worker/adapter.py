# The snakebridge worker adapter: runs in a worker process, answers the host's requests.
#
# Frames on the pipes are a 4-byte little-endian length and that many bytes of UTF-8 JSON.
# Values are the tagged wire format, schema 1 (snakebridge_runtime::wire). Objects without a
# plain value stay here, in this worker's registry, and travel as refs whose id starts with
# this worker's id, so the host knows where each ref lives.
import base64
import datetime
import difflib
import importlib
import json
import math
import os
import secrets
import signal
import sys
import time
import traceback
from collections import OrderedDict

PROTOCOL_VERSION = 1
SCHEMA = 1
MAX_DEPTH = 128

# Frames go to a private copy of fd 1; fd 1 itself is pointed at stderr, so that a print
# from user code (Python or C) cannot corrupt the frame stream.
FRAME_FD = os.dup(1)
os.dup2(2, 1)
sys.stdout = sys.stderr
IN_FD = 0

WORKER_ID = 0
CURRENT_SEQ = None
MAX_REFS = 10000
TTL = None
_busy = False


def _on_sigint(signum, frame):
    # The host's timeout: interrupt the call in progress, never the idle read loop.
    if _busy:
        raise KeyboardInterrupt


signal.signal(signal.SIGINT, _on_sigint)


class NotPlain(Exception):
    pass


# ---- the registry: session -> OrderedDict(ref id -> [obj, last_used]), LRU first ----
SESSIONS = {}
GONE = {}  # ref id -> why ("expired", "evicted", "released", "session_released"); bounded


def _bury(rid, why):
    if len(GONE) > 100000:
        GONE.clear()
    GONE[rid] = why


def _sweep(refs):
    if TTL is None:
        return
    deadline = time.monotonic() - TTL
    while refs:
        rid, entry = next(iter(refs.items()))
        if entry[1] >= deadline:
            break
        del refs[rid]
        _bury(rid, "expired")


def register(obj, session):
    refs = SESSIONS.setdefault(session, OrderedDict())
    _sweep(refs)
    rid = "ref_%08x%s" % (WORKER_ID, secrets.token_hex(12))
    refs[rid] = [obj, time.monotonic()]
    while len(refs) > MAX_REFS:
        old, _ = refs.popitem(last=False)
        _bury(old, "evicted")
    return rid


def lookup(rid, session, owner):
    if owner != session:
        raise HostError("session_mismatch", "ref %s belongs to session %s" % (rid, owner), ref_id=rid,
                        expected_session=owner, actual_session=session)
    refs = SESSIONS.get(owner)
    if refs is not None:
        _sweep(refs)
        entry = refs.get(rid)
        if entry is not None:
            entry[1] = time.monotonic()
            refs.move_to_end(rid)
            return entry[0]
    raise HostError("ref_not_found", "ref %s is gone" % rid, ref_id=rid, session_id=owner,
                    reason=GONE.get(rid, "unknown"))


class HostError(Exception):
    def __init__(self, kind, message, **fields):
        super().__init__(message)
        self.kind = kind
        self.fields = fields


# ---- values: Python -> wire ----
def _tag(kind, **fields):
    d = {"__type__": kind, "__schema__": SCHEMA}
    d.update(fields)
    return d


def _float(f):
    if math.isfinite(f):
        return f
    return _tag("special_float", value="nan" if f != f else ("infinity" if f > 0 else "neg_infinity"))


def _plain(obj, depth):
    t = type(obj)
    if obj is None or t is bool or t is str:
        return obj
    if t is int:
        if -(1 << 63) <= obj < (1 << 64):
            return obj
        return _tag("int", value=str(obj))
    if t is float:
        return _float(obj)
    if depth >= MAX_DEPTH:
        raise NotPlain
    d = depth + 1
    if t is list:
        return [_plain(x, d) for x in obj]
    if t is tuple:
        return _tag("tuple", elements=[_plain(x, d) for x in obj])
    if t is dict:
        if all(type(k) is str and k != "__type__" for k in obj):
            return {k: _plain(v, d) for k, v in obj.items()}
        return _tag("dict", pairs=[[_plain(k, d), _plain(v, d)] for k, v in obj.items()])
    if t is set or t is frozenset:
        items = sorted((_plain(x, d) for x in obj), key=lambda n: json.dumps(n, separators=(",", ":")))
        return _tag("set" if t is set else "frozenset", elements=items)
    if t is bytes:
        return _tag("bytes", data=base64.b64encode(obj).decode("ascii"))
    if t is complex:
        return _tag("complex", real=_float(obj.real), imag=_float(obj.imag))
    if t is datetime.datetime or t is datetime.time:
        if obj.fold or (obj.tzinfo is not None and type(obj.tzinfo) is not datetime.timezone):
            raise NotPlain
        return _tag("datetime" if t is datetime.datetime else "time", value=obj.isoformat())
    if t is datetime.date:
        return _tag("date", value=obj.isoformat())
    raise NotPlain


def encode(obj, session):
    try:
        return _plain(obj, 0)
    except (NotPlain, RecursionError):
        ty = type(obj)
        module = getattr(ty, "__module__", None)
        return _tag("ref", id=register(obj, session), session_id=session, type_name=ty.__qualname__,
                    python_module=module, library=module.split(".")[0] if module else None)


# ---- values: wire -> Python ----
def decode(node, session):
    t = type(node)
    if t is list:
        return [decode(x, session) for x in node]
    if t is not dict:
        return node
    kind = node.get("__type__")
    if kind is None:
        return {k: decode(v, session) for k, v in node.items()}
    if kind == "ref":
        return lookup(node["id"], session, node["session_id"])
    if kind == "tuple":
        return tuple(decode(x, session) for x in node["elements"])
    if kind == "set":
        return {decode(x, session) for x in node["elements"]}
    if kind == "frozenset":
        return frozenset(decode(x, session) for x in node["elements"])
    if kind == "dict":
        return {decode(k, session): decode(v, session) for k, v in node["pairs"]}
    if kind == "int":
        return int(node["value"])
    if kind == "bytes":
        return base64.b64decode(node["data"])
    if kind == "special_float":
        return {"nan": math.nan, "infinity": math.inf, "neg_infinity": -math.inf}[node["value"]]
    if kind == "complex":
        return complex(decode(node["real"], session), decode(node["imag"], session))
    if kind == "datetime":
        return datetime.datetime.fromisoformat(node["value"])
    if kind == "date":
        return datetime.date.fromisoformat(node["value"])
    if kind == "time":
        return datetime.time.fromisoformat(node["value"])
    if kind == "atom":
        return node["value"]
    raise HostError("invalid_wire", "unknown __type__ %r" % (kind,))


# ---- resolution, cached like the host's ----
MODULES = {}
CALLABLES = {}


def _module(path):
    m = MODULES.get(path)
    if m is not None:
        return m
    try:
        m = importlib.import_module(path)
    except ModuleNotFoundError as e:
        if e.name == path and "." in path:
            parent, last = path.rsplit(".", 1)
            m = _getattr(_module(parent), parent, last)
        elif e.name == path or (e.name and path.startswith(e.name + ".")):
            raise HostError("module_not_found", str(e), module=e.name or path)
        else:
            raise
    MODULES[path] = m
    return m


def _getattr(obj, owner, name):
    try:
        return getattr(obj, name)
    except AttributeError:
        close = difflib.get_close_matches(name, [n for n in dir(obj) if isinstance(n, str)], n=1)
        raise HostError("attribute_not_found", "no attribute", owner=owner, name=name,
                        suggestion=close[0] if close else None)


def _callable(module, function):
    key = (module, function)
    f = CALLABLES.get(key)
    if f is None:
        f = _getattr(_module(module), module, function)
        if not callable(f):
            raise HostError("not_callable", "not callable", path="%s.%s" % (module, function),
                            type_name=type(f).__qualname__)
        CALLABLES[key] = f
    return f


def _args(req, s):
    args = req.get("args")
    kwargs = req.get("kwargs")
    return ([decode(a, s) for a in args] if args else ()), ({k: decode(v, s) for k, v in kwargs.items()} if kwargs else {})


def _type_name(obj):
    return type(obj).__qualname__


def op_call(req, s):
    a, k = _args(req, s)
    return _callable(req["module"], req["function"])(*a, **k)


def op_get(req, s):
    return _getattr(_module(req["module"]), req["module"], req["name"])


def op_method(req, s):
    obj = decode(req["target"], s)
    a, k = _args(req, s)
    return _getattr(obj, _type_name(obj), req["name"])(*a, **k)


def op_attr(req, s):
    obj = decode(req["target"], s)
    return _getattr(obj, _type_name(obj), req["name"])


def op_set_attr(req, s):
    setattr(decode(req["target"], s), req["name"], decode(req["value"], s))
    return None


def op_call_ref(req, s):
    obj = decode(req["target"], s)
    a, k = _args(req, s)
    return obj(*a, **k)


def op_eval(req, s):
    scope = {k: decode(v, s) for k, v in (req.get("locals") or {}).items()}
    scope.setdefault("__builtins__", __builtins__)
    code = req["code"]
    if req.get("mode") == "exec":
        exec(compile(code, "<python!>", "exec"), scope)
        return scope.get(req.get("result") or "_", None)
    return eval(compile(code, "<python!>", "eval"), scope)


def op_release(req, s):
    release(req.get("refs") or ())
    return None


def op_release_session(req, s):
    refs = SESSIONS.pop(req["session"], None)
    if not refs:
        return 0
    for rid in refs:
        _bury(rid, "session_released")
    return len(refs)


def op_ref_count(req, s):
    refs = SESSIONS.get(req["session"])
    if refs is None:
        return 0
    _sweep(refs)
    return len(refs)


def op_ping(req, s):
    return os.getpid()


OPS = {
    "call": op_call, "get": op_get, "method": op_method, "attr": op_attr, "set_attr": op_set_attr,
    "call_ref": op_call_ref, "eval": op_eval, "release": op_release,
    "release_session": op_release_session, "ref_count": op_ref_count, "ping": op_ping,
}


def release(pairs):
    for session, rid in pairs:
        refs = SESSIONS.get(session)
        if refs is not None and refs.pop(rid, None) is not None:
            _bury(rid, "released")


def _qualified(t):
    m = t.__module__
    return t.__qualname__ if m == "builtins" else "%s.%s" % (m, t.__qualname__)


def error_reply(e):
    if isinstance(e, HostError):
        d = {"kind": e.kind, "message": str(e)}
        d.update(e.fields)
        return {"error": d}
    t = type(e)
    return {"error": {
        "kind": "interrupted" if isinstance(e, KeyboardInterrupt) else "python",
        "class": t.__qualname__, "module": t.__module__,
        "bases": [_qualified(b) for b in t.__mro__], "message": str(e),
        "traceback": "".join(traceback.format_exception(t, e, e.__traceback__)),
    }}


# ---- frames ----
# One encoder made once (json.dumps with options builds a new one per call); ASCII output, so
# lone surrogates travel as escapes the host reports as undecodable instead of invalid UTF-8.
_encode_json = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode
_loads = json.loads
_INF = math.inf
_pending = b""


def _read_some(want):
    while True:
        try:
            return os.read(IN_FD, max(want, 65536))
        except InterruptedError:
            continue


def read_frame():
    # A frame usually arrives whole: one read serves the header and the body.
    global _pending
    data = _pending
    while len(data) < 4:
        chunk = _read_some(4 - len(data))
        if not chunk:
            return None
        data += chunk
    end = 4 + int.from_bytes(data[:4], "little")
    if len(data) < end:
        parts = [data]
        have = len(data)
        while have < end:
            chunk = _read_some(end - have)
            if not chunk:
                return None
            parts.append(chunk)
            have += len(chunk)
        data = b"".join(parts)
    _pending = data[end:]
    return _loads(data[4:end])


def _write(text):
    data = text.encode("ascii")
    out = len(data).to_bytes(4, "little") + data
    while out:
        n = os.write(FRAME_FD, out)
        out = out[n:]


def write_frame(obj):
    _write(_encode_json(obj))


def _ok_text(result, s):
    # The common results skip the wire encoder: a finite float, an int within 64 bits, None.
    t = type(result)
    if t is float and result == result and result != _INF and result != -_INF:
        return repr(result)
    if t is int and -(1 << 63) <= result < (1 << 64):
        return str(result)
    if result is None:
        return "null"
    return _encode_json(encode(result, s))


def hello(req):
    global WORKER_ID, MAX_REFS, TTL
    if req.get("op") != "hello":
        return {"error": {"kind": "protocol", "message": "the first frame must be hello"}}
    if req.get("protocol_version") != PROTOCOL_VERSION or req.get("schema") != SCHEMA:
        return {"error": {"kind": "protocol_mismatch", "message": "adapter speaks protocol %d schema %d" % (PROTOCOL_VERSION, SCHEMA),
                          "protocol_version": PROTOCOL_VERSION}}
    WORKER_ID = int(req["worker_id"])
    MAX_REFS = max(1, int(req.get("max_refs") or 10000))
    TTL = req.get("ttl_seconds") or None
    return {"ok": {"protocol_version": PROTOCOL_VERSION, "schema": SCHEMA, "pid": os.getpid(),
                   "python": sys.version.split()[0]}}


def serve():
    global _busy, CURRENT_SEQ
    first = read_frame()
    if first is None:
        return
    write_frame(hello(first))
    while True:
        req = read_frame()
        if req is None:
            return
        seq = CURRENT_SEQ = req.get("seq")
        s = req.get("session") or ""
        try:
            if req.get("release"):
                release(req["release"])
            for gone in req.get("release_sessions") or ():
                op_release_session({"session": gone}, s)
            op = OPS[req["op"]]
            _busy = True
            try:
                result = op(req, s)
            finally:
                _busy = False
            text = '{"seq":%d,"ok":%s}' % (seq, _ok_text(result, s))
        except BaseException as e:  # noqa: B036 - everything goes back to the host
            _busy = False
            if isinstance(e, SystemExit):
                reply = error_reply(RuntimeError("SystemExit(%r) inside a worker call" % (e.code,)))
            else:
                reply = error_reply(e)
            reply["seq"] = seq
            try:
                text = _encode_json(reply)
            except ValueError as e:
                text = _encode_json({"seq": seq, "error": {"kind": "python", "class": "ValueError", "module": "builtins",
                                                           "bases": ["ValueError", "Exception", "BaseException", "object"],
                                                           "message": "the error could not be encoded: %s" % e}})
        _write(text)


if __name__ == "__main__":
    serve()
