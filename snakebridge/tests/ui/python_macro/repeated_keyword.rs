fn main() {
    let _ = snakebridge::python!(dict(a = 1, a = 2));
}
