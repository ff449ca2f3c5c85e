"""A module whose annotations lie about what its functions return.

Only for snakebridge's tests: the generated bindings trust the annotations, so calling these
must give a conversion error naming the expected and the found types, never a panic.
"""


def answer() -> int:
    """Claims an int, returns a str."""
    return "forty-two"


def ratio() -> float:
    """Claims a float, returns a list."""
    return [1, 2]


def honest() -> int:
    """Returns what it says."""
    return 42


class Oracle:
    """A class whose method and property lie too."""

    def __init__(self, name: str) -> None:
        self.name = name

    def speak(self) -> str:
        """Claims a str, returns an int."""
        return 7

    @property
    def age(self) -> int:
        """Claims an int, returns None."""
        return None
