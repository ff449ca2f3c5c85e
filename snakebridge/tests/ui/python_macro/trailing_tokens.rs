fn main() {
    let x = 1.0;
    let _ = snakebridge::python!(math.sqrt(#x) extra);
}
