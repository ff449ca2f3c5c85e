fn main() {
    let _ = snakebridge::python!(f(import));
}
