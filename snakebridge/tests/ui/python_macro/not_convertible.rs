struct Opaque;

fn main() {
    let o = Opaque;
    let _ = snakebridge::python!(str(#o));
}
