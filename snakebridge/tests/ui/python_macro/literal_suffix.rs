fn main() {
    let _ = snakebridge::python!(abs(-3i32));
}
