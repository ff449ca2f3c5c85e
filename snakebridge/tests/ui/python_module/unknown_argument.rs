// Unknown arguments are reported at their name with a "did you mean", all at once.
#[snakebridge::python_module("math", inclde = ["sqrt"], exclud = ["pi"], frobnicate = true)]
mod math {}

fn main() {}
