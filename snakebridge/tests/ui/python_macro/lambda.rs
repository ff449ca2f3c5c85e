fn main() {
    let _ = snakebridge::python!(sorted([3, 1], key = lambda v: -v));
}
