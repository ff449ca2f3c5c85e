// The optional arguments are `Args`: rustc reports a mismatch at the caller's argument.
#[snakebridge::python_module("json", include = ["dumps", "loads", "JSONDecodeError"])]
mod json {}

fn main() {
    let _ = json::dumps_with(1, 2);
}
