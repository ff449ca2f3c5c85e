"""Functions that count their calls, for tests/idempotent.rs: a cached call must not reach them."""

import types

calls = {"double": 0, "echo": 0, "fresh": 0}


def double(x):
    """Returns `x * 2`, counting the call."""
    calls["double"] += 1
    return x * 2


def echo(value, *, tag=None):
    """Returns `[value, tag]`, counting the call."""
    calls["echo"] += 1
    return [value, tag]


def fresh():
    """Returns a new namespace object (not plain data), counting the call."""
    calls["fresh"] += 1
    return types.SimpleNamespace(n=calls["fresh"])


def count(name):
    """How many times `name` was called."""
    return calls[name]
