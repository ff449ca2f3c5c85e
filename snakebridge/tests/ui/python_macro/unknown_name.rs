// A misspelt function of a module that the crate has a manifest for (`.snakebridge/math.*.json`).
fn main() {
    let x = 2.0;
    let _ = snakebridge::python!(math.sqtr(#x));
}
