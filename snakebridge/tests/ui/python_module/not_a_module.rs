// The attribute goes on a module.
#[snakebridge::python_module("math")]
fn math() {}

fn main() {}
