// Rust names that collide: a Python function named like a `_stream` or `_with` variant. Not
// collisions: a method named like the constructor (`Box.new` becomes `new_`) and a method
// named like a property's setter (`Box.set_v`: the setter yields to it). Needs
// `tests/python` on PYTHONPATH (tests/python_module_ui.rs sets it) for the module `sb_collide`.
#[snakebridge::python_module("sb_collide", streaming = ["rows"])]
mod collide {}

// Two Python functions renamed to one Rust name: the error points at the rename.
#[snakebridge::python_module("math", include = ["sqrt", "floor"], rename = { "floor" = "sqrt" })]
mod math {}

// Resolved with `rename`: compiles without errors of its own.
#[snakebridge::python_module(
    "sb_collide",
    streaming = ["rows"],
    rename = { "rows_stream" = "rows_stream_py", "open_with" = "open_path", "Box.new" = "new_box", "Box.set_v" = "assign_v" }
)]
mod resolved {}

fn main() {
    let _ = resolved::rows_stream_py();
    let _ = resolved::rows_stream(());
    let _ = resolved::open_path("x");
    let _ = resolved::open_with("x", snakebridge::args!(mode = "w"));
}
