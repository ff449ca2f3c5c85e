//! Error translation against real NumPy, and matching Python exceptions by class.

mod support;

use snakebridge::pyo3::exceptions::{PyLookupError, PyValueError};
use snakebridge::translate::{Device, Dtype, ShapeOp};
use snakebridge::{args, call, ExceptionClass, MlError, Value};
use support::define_module;

fn array(shape: (i64, i64)) -> Value {
    call("numpy", "ones", (vec![shape.0, shape.1],)).unwrap()
}

#[test]
fn numpy_dot_of_incompatible_shapes_is_a_shape_mismatch_with_a_suggestion() {
    let err = call("numpy", "dot", (array((2, 3)), array((4, 5)))).unwrap_err();
    // Still the Python error underneath: class matching keeps working.
    assert!(err.is_python("ValueError"), "{err}");
    let Some(MlError::ShapeMismatch(s)) = err.ml() else { panic!("not translated: {err}") };
    assert_eq!(
        (s.operation, s.shape_a.as_deref(), s.shape_b.as_deref()),
        (ShapeOp::Matmul, Some(&[2, 3][..]), Some(&[4, 5][..]))
    );
    let text = err.to_string();
    assert!(text.contains("shapes (2,3) and (4,5) not aligned"), "{text}");
    assert!(text.contains("shape mismatch in matmul; A has 3 columns but B has 4 rows"), "{text}");
}

#[test]
fn numpy_dot_where_the_transpose_fits_suggests_it() {
    let err = call("numpy", "dot", (array((2, 3)), array((4, 3)))).unwrap_err();
    let Some(MlError::ShapeMismatch(s)) = err.ml() else { panic!("not translated: {err}") };
    assert!(s.suggestion().contains("B.T"), "{}", s.suggestion());
}

#[test]
fn numpy_matmul_broadcast_reshape_and_axis_errors() {
    let err = call("numpy", "matmul", (array((2, 3)), array((4, 5)))).unwrap_err();
    assert!(matches!(err.ml(), Some(MlError::ShapeMismatch(ref s)) if s.operation == ShapeOp::Matmul), "{err}");

    let err = call("numpy", "add", (array((2, 3)), array((4, 5)))).unwrap_err();
    let Some(MlError::ShapeMismatch(s)) = err.ml() else { panic!("not translated: {err}") };
    assert_eq!((s.operation, s.shape_a, s.shape_b), (ShapeOp::Broadcast, Some(vec![2, 3]), Some(vec![4, 5])));

    let err = call("numpy", "reshape", (array((2, 5)), vec![3, 3])).unwrap_err();
    assert!(
        matches!(err.ml(), Some(MlError::ShapeMismatch(ref s)) if s.operation == ShapeOp::Reshape && s.shape_b == Some(vec![3, 3])),
        "{err}"
    );

    let err = call("numpy", "sum", args!(array((2, 3)), axis = 5)).unwrap_err();
    let Some(MlError::ShapeMismatch(s)) = err.ml() else { panic!("not translated: {err}") };
    assert_eq!((s.operation, s.dimension), (ShapeOp::DimensionOutOfRange, Some(5)));
}

#[test]
fn numpy_casting_error_is_a_dtype_mismatch() {
    let ints = call("numpy", "zeros", args!(3, dtype = "int64")).unwrap();
    let err = call("numpy", "add", args!(ints.clone(), 1.5, out = ints)).unwrap_err();
    let Some(MlError::DtypeMismatch(d)) = err.ml() else { panic!("not translated: {err}") };
    assert_eq!((d.expected, d.got, d.operation.as_deref()), (Dtype::Int64, Dtype::Float64, Some("add")));
}

#[test]
fn numpy_allocation_failure_is_out_of_memory_on_the_cpu() {
    let err = call("numpy", "zeros", (vec![1_000_000_000_000_000_i64],)).unwrap_err();
    let Some(MlError::OutOfMemory(o)) = err.ml() else { panic!("not translated: {err}") };
    assert_eq!(o.device, Device::Cpu);
    assert!(o.requested_mb.is_some_and(|mb| mb > 1 << 30), "{o:?}");
    assert!(err.is_python("MemoryError"));
}

#[test]
fn numpy_concatenation_assignment_and_safe_casting_errors() {
    let err = call("numpy", "concatenate", (vec![array((2, 3)), array((2, 4))],)).unwrap_err();
    let Some(MlError::ShapeMismatch(s)) = err.ml() else { panic!("not translated: {err}") };
    assert_eq!(
        (s.operation, s.dimension, s.expected.as_deref(), s.got.as_deref()),
        (ShapeOp::Concat, Some(1), Some("3"), Some("4"))
    );
    assert!(err.to_string().contains("shape mismatch in concat; the inputs must have the same rank"), "{err}");

    let row = |n: i64| call("numpy", "ones", (n,)).unwrap();
    let err = call("numpy", "stack", (vec![row(3), row(4)],)).unwrap_err();
    assert!(matches!(err.ml(), Some(MlError::ShapeMismatch(ref s)) if s.operation == ShapeOp::Concat), "{err}");

    let err = call("numpy", "copyto", (row(3), row(4))).unwrap_err();
    let Some(MlError::ShapeMismatch(s)) = err.ml() else { panic!("not translated: {err}") };
    assert_eq!((s.operation, s.shape_a, s.shape_b), (ShapeOp::Broadcast, Some(vec![4]), Some(vec![3])));

    let ints = call("numpy", "zeros", args!(3, dtype = "int64")).unwrap();
    let err = call("numpy", "copyto", (ints, row(3))).unwrap_err();
    let Some(MlError::DtypeMismatch(d)) = err.ml() else { panic!("not translated: {err}") };
    assert_eq!((d.expected, d.got), (Dtype::Int64, Dtype::Float64));
    assert!(err.is_python("TypeError"), "{err}");
}

const RAISING: &str = r#"
class AppError(Exception):
    pass

class NotFound(AppError, LookupError):
    pass

class Unrelated(Exception):
    pass

def not_found(what):
    raise NotFound(f"no {what}")

def torch_like_oom():
    raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 15.78 GiB total capacity; 12.34 GiB already allocated; 1.23 GiB free; 13.00 GiB reserved in total by PyTorch)")

def torch_like_dtype():
    raise RuntimeError("expected scalar type Float but found Double")

def torch_like_device():
    raise RuntimeError("Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu! (when checking argument for argument mat1 in method wrapper_CUDA_addmm)")

def jax_like_broadcast():
    raise TypeError("add got incompatible shapes for broadcasting: (3, 4), (5, 6).")

def plain():
    raise ValueError("invalid literal for int() with base 10: 'x'")

NOT_A_CLASS = 3
"#;

static APP_ERROR: ExceptionClass = ExceptionClass::lazy("sb_raising", "AppError");

#[test]
fn torch_style_messages_raised_from_python_are_translated() {
    define_module("sb_raising", RAISING);
    let err = call("sb_raising", "torch_like_oom", ()).unwrap_err();
    let Some(MlError::OutOfMemory(o)) = err.ml() else { panic!("not translated: {err}") };
    assert_eq!((o.device, o.requested_mb, o.available_mb), (Device::Cuda(0), Some(2048), Some(1260)));
    assert!(err.to_string().contains("empty_cache"), "{err}");
    let err = call("sb_raising", "torch_like_dtype", ()).unwrap_err();
    assert!(
        matches!(err.ml(), Some(MlError::DtypeMismatch(ref d)) if d.expected == Dtype::Float32 && d.got == Dtype::Float64)
    );
    let err = call("sb_raising", "torch_like_device", ()).unwrap_err();
    let Some(MlError::DeviceMismatch(d)) = err.ml() else { panic!("not translated: {err}") };
    assert_eq!((d.expected, d.got, d.argument.as_deref()), (Device::Cuda(0), Device::Cpu, Some("mat1")));
    assert!(err.to_string().contains("x.to(\"cuda:0\")"), "{err}");
    let err = call("sb_raising", "jax_like_broadcast", ()).unwrap_err();
    let Some(MlError::ShapeMismatch(s)) = err.ml() else { panic!("not translated: {err}") };
    assert_eq!((s.operation, s.shape_a, s.shape_b), (ShapeOp::Broadcast, Some(vec![3, 4]), Some(vec![5, 6])));
}

#[test]
fn unrecognised_errors_stay_the_original_python_error() {
    define_module("sb_raising", RAISING);
    let err = call("sb_raising", "plain", ()).unwrap_err();
    assert_eq!(err.ml(), None);
    assert_eq!(err.to_string(), "Python ValueError: invalid literal for int() with base 10: 'x'");
}

#[test]
fn user_defined_exception_classes_match_by_class_including_subclasses() {
    define_module("sb_raising", RAISING);
    let err = call("sb_raising", "not_found", ("user",)).unwrap_err();
    let not_found = ExceptionClass::get("sb_raising", "NotFound").unwrap();
    let unrelated = ExceptionClass::get("sb_raising", "Unrelated").unwrap();
    assert!(err.is_instance(&not_found));
    assert!(err.is_instance(&APP_ERROR), "a subclass matches its base");
    assert!(err.is_instance(&ExceptionClass::of::<PyLookupError>()), "and its builtin base");
    assert!(!err.is_instance(&unrelated));
    assert!(!err.is_instance(&ExceptionClass::of::<PyValueError>()));
    assert!(not_found.is_subclass_of(&APP_ERROR).unwrap());
    assert!(!APP_ERROR.is_subclass_of(&not_found).unwrap());
    assert_eq!((not_found.module(), not_found.name()), ("sb_raising", "NotFound"));
    // Non-Python errors match nothing.
    let timeout = call("time", "sleep", snakebridge::Args::new().arg(1).timeout(std::time::Duration::from_millis(20)))
        .unwrap_err();
    assert!(!timeout.is_instance(&APP_ERROR));
}

#[test]
fn builtin_and_library_exception_classes() {
    let err = call("json", "loads", ("{not json",)).unwrap_err();
    static DECODE: ExceptionClass = ExceptionClass::lazy("json", "JSONDecodeError");
    assert!(err.is_instance(&DECODE));
    assert!(err.is_instance(&ExceptionClass::of::<PyValueError>()));
    assert!(err.is::<PyValueError>());
}

#[test]
fn looking_up_something_that_is_not_an_exception_class_is_a_typed_error() {
    define_module("sb_raising", RAISING);
    let err = ExceptionClass::get("sb_raising", "NOT_A_CLASS").unwrap_err();
    assert!(err.to_string().contains("exception class"), "{err}");
    let err = ExceptionClass::get("sb_raising", "AppEror").unwrap_err();
    assert!(err.to_string().contains("did you mean `AppError`"), "{err}");
    let err = ExceptionClass::get("builtins", "int").unwrap_err();
    assert!(err.to_string().contains("BaseException"), "{err}");
    // A lazy class that does not exist matches nothing instead of panicking.
    static MISSING: ExceptionClass = ExceptionClass::lazy("sb_raising", "Missing");
    assert!(!call("sb_raising", "plain", ()).unwrap_err().is_instance(&MISSING));
}
