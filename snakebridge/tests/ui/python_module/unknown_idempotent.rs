// `idempotent` entries must be generated functions: a typo gets "did you mean", a class is refused.
#[snakebridge::python_module("json", include = ["dumps", "loads", "JSONDecodeError"], idempotent = ["dumsp", "JSONDecodeError"])]
mod json {}

fn main() {}
