fn main() {
    let _ = snakebridge::python!(bool(true));
}
