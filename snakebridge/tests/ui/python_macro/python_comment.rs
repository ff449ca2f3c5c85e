fn main() {
    let _ = snakebridge::python! {
        x = 1 # the answer
        x
    };
}
