// A package that is not installed: the error names the fix. The module is still emitted,
// so code using it does not add errors of its own.
#[snakebridge::python_module("snakebridge_no_such_package_xyz")]
mod missing {
    pub fn helper() -> i32 {
        1
    }
}

fn main() {
    let _ = missing::helper();
}
