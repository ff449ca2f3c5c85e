fn main() {
    let xs = vec![1, 2, 3];
    let _ = snakebridge::python!([x * 2 for x in #xs]);
}
