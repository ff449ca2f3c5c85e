"""The snakebridge helper registry.

Helpers are plain Python functions that Rust calls by name with
``snakebridge::call_helper("name", args)``. A helper file registers them with the
``helper`` decorator::

    from snakebridge_helpers import helper

    @helper("mylib.double")
    def double(x):
        return 2 * x

    @helper                      # registered as "<file stem>.<function name>"
    def triple(x):
        return 3 * x

The Rust runtime loads this module itself (it is embedded in the binary), then the
built-in pack (``builtin.py``) unless it is disabled, then every file of the helper paths.
"""

import importlib.util
import os
import sys

_REGISTRY = {}


def helper(name=None):
    """Registers the decorated function under ``name`` (default ``<file stem>.<function>``)."""

    def register(fn):
        key = name if isinstance(name, str) else "%s.%s" % (fn.__module__.rsplit(".", 1)[-1], fn.__name__)
        _REGISTRY[key] = fn
        return fn

    if callable(name):
        return register(name)
    return register


def load_file(path):
    """Runs the helper file at ``path`` so that its ``@helper`` functions register."""
    stem = os.path.splitext(os.path.basename(path))[0]
    module_name = "snakebridge_user_helpers." + stem
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError("cannot load %s as a Python file" % path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module


def reset():
    """Forgets every registered helper (before a reload)."""
    _REGISTRY.clear()
