"""snakebridge's interruption support, installed once into the embedded interpreter.

A call past its timeout (or whose async future was dropped) is stopped by raising
SnakeBridgeInterrupt in the calling thread with PyThreadState_SetAsyncExc. CPython only looks
at such an exception between bytecodes, so a C function that blocks does not see it until it
returns; `time.sleep` is the common case, and is replaced here by a version that sleeps in short
slices, so that a pending interrupt lands within one slice.
"""

import functools
import time

_SLICE = 0.02
# Longer sleeps than this keep the original (it raises OverflowError for absurd values).
_MAX_SLICED = 365 * 24 * 3600.0
_sleep = time.sleep
_monotonic = time.monotonic


class SnakeBridgeInterrupt(BaseException):
    """Raised inside Python by snakebridge to stop a call that passed its timeout or whose
    async future was dropped. A BaseException, so that `except Exception` does not swallow it."""


def sleep(secs, /):
    if not isinstance(secs, (int, float)) or not (_SLICE < secs < _MAX_SLICED):
        return _sleep(secs)
    end = _monotonic() + secs
    while True:
        left = end - _monotonic()
        if left <= 0:
            return None
        _sleep(left if left < _SLICE else _SLICE)


sleep.__doc__ = _sleep.__doc__
sleep.__wrapped__ = _sleep
sleep.__module__ = "time"


def install_sleep():
    time.sleep = sleep


def start_coroutine(awaitable):
    """A fresh event loop running `awaitable` as a task, and the callable that cancels it from
    another thread."""
    import asyncio

    loop = asyncio.new_event_loop()
    try:
        cancel_remote = _remote_cancel(awaitable)
        if _is_blocking_future(awaitable):
            # A Dask future of a synchronous client awaits only inside that client's own loop;
            # its blocking result() waits in a thread of this loop instead.
            awaitable = loop.run_in_executor(None, awaitable.result)
        task = asyncio.ensure_future(awaitable, loop=loop)
        task._snakebridge_cancel_remote = cancel_remote
    except BaseException:
        loop.close()
        raise
    return loop, task, functools.partial(loop.call_soon_threadsafe, task.cancel)


def _remote_cancel(obj):
    """What stops the remote work behind a cluster's handle when its await is cancelled (a
    timeout, a dropped async future): `ray.cancel` for a Ray ObjectRef, `Future.cancel` for a
    Dask future. None for anything else."""
    module = type(obj).__module__ or ""
    if module.startswith("ray") and type(obj).__name__ == "ObjectRef":
        return functools.partial(_ray_cancel, obj)
    if module.startswith("distributed") and type(obj).__name__ == "Future":
        return obj.cancel
    return None


def _ray_cancel(object_ref):
    """Stops the task at once: a polite cancel only takes effect when the task next runs Python
    code that checks, so a task blocked in C (a sleep, a long numpy call) would run on. Actor
    tasks cannot be force-cancelled; they get the polite one."""
    import ray

    try:
        ray.cancel(object_ref, force=True)
    except ValueError:
        ray.cancel(object_ref)


def _is_blocking_future(obj):
    module = type(obj).__module__ or ""
    if not (module.startswith("distributed") and type(obj).__name__ == "Future"):
        return False
    client = getattr(obj, "client", None)
    return not getattr(client, "asynchronous", False)


def finish_coroutine(loop, task):
    try:
        return loop.run_until_complete(task)
    except BaseException:
        cancel_remote = getattr(task, "_snakebridge_cancel_remote", None)
        if cancel_remote is not None and (task.cancelled() or not task.done()):
            try:
                cancel_remote()
            except Exception:
                pass  # the remote side is gone already: nothing left to stop
        raise
    finally:
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()
