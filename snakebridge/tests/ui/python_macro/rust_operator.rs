fn main() {
    let (a, b) = (true, false);
    let _ = snakebridge::python!(#a && #b);
}
