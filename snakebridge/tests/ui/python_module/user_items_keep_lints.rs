// The lint allowances are on the generated items only: the user's own items inside the
// module are linted like any other code.
#![deny(non_snake_case)]

#[snakebridge::python_module("math", include = ["sqrt"])]
mod math {
    pub fn BadName() {}
}

fn main() {
    math::BadName();
    let _ = math::sqrt(1.0);
}
