fn main() {
    let _ = snakebridge::python!(abs(#1));
}
