"""A package with inline stubs that type some functions, disagree about one, lie about one
and name one that only exists lazily (tests/typed_stubs.rs)."""


def scale(values, factor):
    return [v * factor for v in values]


def count_words(text):
    return len(text.split())


def disagreeing(a, b):
    return a + b


def lying():
    return "not an int"


def touch(path):
    import os
    return os.fspath(path)


def __getattr__(name):
    # A lazily created function: `dir()` does not list it, the stub does.
    if name == "lazy_double":
        return lambda x: 2 * x
    raise AttributeError(name)
