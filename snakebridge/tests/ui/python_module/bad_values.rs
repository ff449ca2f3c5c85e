// Wrong value shapes, a bad module path and a duplicate argument.
#[snakebridge::python_module("math", include = "sqrt", version = 3, submodules = ["a", 1])]
mod math {}

#[snakebridge::python_module("not a module", include = [])]
mod bad {}

#[snakebridge::python_module("math", exclude = [], exclude = [])]
mod twice {}

#[snakebridge::python_module(include = ["sqrt"])]
mod nameless {}

fn main() {}
