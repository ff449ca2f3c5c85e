"""Classes and functions named like what generated bindings use from Rust.

Only for snakebridge's tests (tests/python_module_names.rs): every name the generated code
reaches through `::snakebridge::__private`, `::core` or `::std`, and every local a generated
body declares, is defined here as a Python class, function, constant or parameter, so the
bindings compile only if no Python name can shadow one.
"""

import builtins


class _Box:
    """The behaviour every class below shares: it holds one int."""

    def __init__(self, v: int = 0) -> None:
        self.v = v

    def get(self) -> int:
        """The int held."""
        return self.v


# Names exported by `snakebridge::__private` and the prelude-like names generated code spells.
_CLASS_NAMES = [
    "Function", "Value", "Ref", "Result", "Error", "Args", "Option", "String", "Vec", "Box",
    "Some", "Ok", "Err", "std", "core", "alloc", "snakebridge", "pyo3", "inline",
    "IntoArgs", "ToPython", "FromPython", "FromValue", "CachedFunction", "StreamRef", "Bytes",
    "Keywords", "NdArray", "AnyArray", "ArrayArg", "IxDyn", "Complex32", "Complex64",
    "HashMap", "Clone", "Copy", "Deref", "From", "TryFrom", "AsRef", "Debug", "Display",
    "Sized", "Send", "Sync", "f64", "i64", "u8", "usize", "str", "Self", "crate", "primitive",
]
for _name in _CLASS_NAMES:
    globals()[_name] = type(_name, (_Box,), {"__module__": __name__, "__doc__": f"A class named `{_name}`."})
del _name


def _function(name):
    def f(x: int) -> int:
        return x + 1

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"A function named `{name}`: returns `x + 1`."
    return f


# Functions exported by `snakebridge::__private`.
for _name in [
    "python_class", "attr", "set_attr", "call_ref", "method_as", "get_as", "call_class",
    "call_method", "display", "check_ref", "instance_ref", "value_into_ref",
]:
    globals()[_name] = _function(_name)
del _name

F = 3
__SB_FUNCTION = 4  # not public: never generated, but the locals are reserved anyway


def make_function(v: int) -> Function:  # noqa: F821 - defined above through globals()
    """Returns a `Function` instance."""
    return Function(v)  # noqa: F821


def take_function(f: Function) -> int:  # noqa: F821
    """Takes a `Function` instance."""
    return f.get()


def shadowed_params(F: int, rest: int, args: int, self: int) -> int:
    """Parameters named like a generated body's locals."""
    return F + rest + args + self


def shadowed_optional(F: int, rest: int = 10, *more: int, key: int = 0) -> int:
    """A `_with` variant whose parameters are named like its locals."""
    return F + rest + sum(more) + key


def text(s: builtins.str) -> builtins.str:
    """`str` is also a class here (a bare `str` annotation would name it): this one is Python's."""
    return s.upper()
