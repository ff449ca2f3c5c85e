"""Python names whose Rust names collide with each other or with generated variants.

Only for snakebridge's tests (tests/ui/python_module/name_collision.rs): each collision must be
a compile error that names both Python items and the `rename` that resolves it.
"""


def rows(n: int = 3):
    """Yields 0..n; `streaming = ["rows"]` asks for a `rows_stream` variant."""
    yield from range(n)


def rows_stream():
    """A Python function named like the variant."""
    return "mine"


def open(path: str, mode: str = "r"):
    """Has optional parameters, so it gets an `open_with` variant."""
    return (path, mode)


def open_with(path: str):
    """A Python function named like that variant."""
    return path


class Box:
    """A class whose members collide with generated names."""

    def __init__(self, v: int = 0) -> None:
        self._v = v

    def new(self) -> "Box":
        """Named like the generated constructor."""
        return Box(self._v)

    @property
    def v(self) -> int:
        """Writable, so it gets a `set_v` setter."""
        return self._v

    @v.setter
    def v(self, value: int) -> None:
        self._v = value

    def set_v(self, value: int) -> None:
        """A method named like that setter."""
        self._v = value
