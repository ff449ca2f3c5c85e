// An `include` entry the module does not have, with the closest real name.
#[snakebridge::python_module("math", include = ["sqrt", "sqtr", "flor"])]
mod math {}

fn main() {
    let _ = math::sqrt(2.0);
}
