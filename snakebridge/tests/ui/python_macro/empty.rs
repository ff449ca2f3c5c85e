fn main() {
    let _ = snakebridge::python!();
}
