"""The built-in helper pack of snakebridge (disable with SNAKEBRIDGE_HELPER_PACK=0)."""

import importlib.metadata
import itertools
import platform
import sys

from snakebridge_helpers import helper


@helper("snakebridge.python_info")
def python_info():
    """The embedded interpreter: version, implementation, executable, prefix, platform."""
    return {
        "version": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "prefix": sys.prefix,
        "platform": sys.platform,
    }


@helper("snakebridge.package_version")
def package_version(distribution):
    """The installed version of a distribution (``"numpy"``), or None when it is not installed."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


@helper("snakebridge.type_info")
def type_info(obj):
    """What an object is: its type's module and qualified name, and the protocols it supports."""
    ty = type(obj)
    return {
        "module": ty.__module__,
        "qualname": ty.__qualname__,
        "callable": callable(obj),
        "iterable": hasattr(obj, "__iter__"),
        "sized": hasattr(obj, "__len__"),
        "context_manager": hasattr(ty, "__enter__") and hasattr(ty, "__exit__"),
    }


@helper("snakebridge.public_attrs")
def public_attrs(obj):
    """The names of an object's public attributes, sorted."""
    return sorted(name for name in dir(obj) if not name.startswith("_"))


@helper("snakebridge.take")
def take(iterable, n):
    """The first ``n`` items of an iterable, as a list (one call instead of ``n`` steps)."""
    return list(itertools.islice(iterable, n))
