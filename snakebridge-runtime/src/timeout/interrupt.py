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
        task = asyncio.ensure_future(awaitable, loop=loop)
    except BaseException:
        loop.close()
        raise
    return loop, task, functools.partial(loop.call_soon_threadsafe, task.cancel)


def finish_coroutine(loop, task):
    try:
        return loop.run_until_complete(task)
    finally:
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()
