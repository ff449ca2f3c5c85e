"""A package whose stub does not parse (tests/typed_stubs.rs): bindings stay untyped."""


def add(a, b):
    return a + b
