// `rename` entries that cannot apply: a name the module does not generate (with the closest
// real one), a variant's name, a Rust keyword, a value that is not an identifier, a key
// renamed twice, and a value that is not a map.
#[snakebridge::python_module(
    "math",
    include = ["sqrt", "floor", "pi", "isclose"],
    rename = { "sqtr" = "root", "isclose_with" = "close", "floor" = "type", "pi" = "1pi", "sqrt" = "a", "sqrt" = "b" }
)]
mod math {}

#[snakebridge::python_module("math", include = ["sqrt"], rename = ["sqrt"])]
mod math2 {}

fn main() {}
