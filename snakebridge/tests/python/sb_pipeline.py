"""A module whose every operation can be made slow: tests/call_pipeline.rs drives each way
into Python (each "door") against it, with a 60 s sleep that the call's limit must cut short."""

import asyncio
import time

_SLEEP = [0.0]


def set_sleep(seconds: float) -> None:
    """Sets how long every operation below sleeps."""
    _SLEEP[0] = seconds


def _nap() -> None:
    if _SLEEP[0]:
        time.sleep(_SLEEP[0])


def nap(x: int, y: int = 0) -> "Slow":
    """Sleeps, then returns a new `Slow`."""
    _nap()
    return Slow()


def naps(count: int):
    """Yields `count` new `Slow` objects, sleeping before each."""
    for _ in range(count):
        _nap()
        yield Slow()


async def anap(x: int) -> "Slow":
    """Sleeps (blocking, then asynchronously), then returns a new `Slow`."""
    _nap()
    await asyncio.sleep(0)
    return Slow()


class Slow:
    """Every protocol method sleeps first."""

    def __init__(self) -> None:
        _nap()
        self._items = {0: 1}

    def meth(self, x: int) -> "Slow":
        """Sleeps, then returns a new `Slow`."""
        _nap()
        return Slow()

    @property
    def prop(self) -> "Slow":
        """Sleeps, then returns a new `Slow`."""
        _nap()
        return Slow()

    @prop.setter
    def prop(self, value) -> None:
        _nap()

    def __str__(self) -> str:
        _nap()
        return "Slow"

    def __repr__(self) -> str:
        _nap()
        return "Slow()"

    def __len__(self) -> int:
        _nap()
        return 1

    def __getitem__(self, key):
        _nap()
        return Slow()

    def __setitem__(self, key, value) -> None:
        _nap()

    def __delitem__(self, key) -> None:
        _nap()

    def __contains__(self, item) -> bool:
        _nap()
        return True

    def __eq__(self, other) -> bool:
        _nap()
        return True

    def __hash__(self) -> int:
        _nap()
        return 1

    def __call__(self, *args) -> "Slow":
        _nap()
        return Slow()

    def __iter__(self):
        _nap()
        return naps(3)

    def __length_hint__(self) -> int:
        _nap()
        return 3

    def __enter__(self) -> "Slow":
        _nap()
        return self

    def __exit__(self, *exc) -> bool:
        _nap()
        return False


class Hinted:
    """An iterator whose length hint sleeps."""

    def __iter__(self):
        return self

    def __next__(self):
        raise StopIteration

    def __length_hint__(self) -> int:
        _nap()
        return 0


def __getattr__(name: str):
    # Module attributes that do not exist are made slowly: `get` of one runs this.
    if name.startswith("lazy_"):
        _nap()
        return Slow()
    raise AttributeError(name)
