//! Arrays and buffers crossing without copying, against the real numpy (python/requirements-test.txt).

use std::ffi::CString;

use pyo3::types::PyDict;
use snakebridge::array::ndarray::{s, Array2, ShapeBuilder};
use snakebridge::array::{AnyArray, ArrayElement, Buffer, Complex32, Complex64, NdArray, NdArray1, NdArray2, NdArrayD};
use snakebridge::{args, attr, call, call_as, method, method_as, set_attr, Error, FromPython, Ref, Value};

/// Evaluates a Python expression (with `np`, `array`, `gc`, `weakref` and `types` imported) to a ref.
fn eval(expr: &str) -> Ref {
    snakebridge::with_gil(|py| {
        let globals = PyDict::new(py);
        let setup = c"import numpy as np, array, gc, weakref, types";
        py.run(setup, Some(&globals), None).unwrap();
        let code = CString::new(expr).unwrap();
        let obj = py.eval(&code, Some(&globals), None).map_err(snakebridge::Error::from)?;
        Ref::from_python(&obj)
    })
    .unwrap()
}

fn namespace() -> Ref {
    call("types", "SimpleNamespace", ()).unwrap().as_ref().cloned().unwrap()
}

fn collect_garbage() {
    call("gc", "collect", ()).unwrap();
}

fn weakref_alive(weak: &Ref) -> bool {
    !snakebridge::call_ref(weak, ()).unwrap().is_none()
}

fn interface_address(array: &Ref) -> usize {
    let interface = attr(array, "__array_interface__").unwrap();
    let Value::Dict(items) = interface else { panic!("__array_interface__ is a dict") };
    let data = items.into_iter().find(|(k, _)| *k == Value::Str("data".into())).unwrap().1;
    let Value::Tuple(parts) = data else { panic!("data is a tuple") };
    parts[0].clone().extract().unwrap()
}

#[test]
fn vec_crosses_to_numpy_without_copying() {
    let data: Vec<f64> = (0..1000).map(|i| i as f64 * 0.5).collect();
    let address = data.as_ptr() as usize;
    let array = NdArray::from_vec(data).unwrap();
    assert_eq!(array.data_address(), address, "numpy points into the Vec's allocation");

    let as_ref = array.to_ref().unwrap();
    assert_eq!(interface_address(&as_ref), address, "Python sees the same memory");
    assert!(!attr(&as_ref, "base").unwrap().is_none(), "the base object owns the Rust allocation");

    let total: f64 = call_as("numpy", "sum", (&array,)).unwrap();
    assert_eq!(total, (0..1000).map(|i| i as f64 * 0.5).sum::<f64>());
    assert_eq!(array.shape(), vec![1000]);
}

#[test]
fn owned_ndarray_keeps_its_layout_and_memory() {
    let mut fortran = Array2::<f64>::zeros((3, 4).f());
    for ((i, j), v) in fortran.indexed_iter_mut() {
        *v = (i * 10 + j) as f64;
    }
    let address = fortran.as_ptr() as usize;
    let array = NdArray::from_array(fortran).unwrap();
    assert_eq!(array.data_address(), address);
    assert_eq!(array.shape(), vec![3, 4]);
    assert_eq!(array.strides(), vec![8, 24], "Fortran order, strides in bytes");
    let r = array.to_ref().unwrap();
    let item: f64 = method_as(&r, "__getitem__", ((2, 3),)).unwrap();
    assert_eq!(item, 23.0);
    let flags = attr(&r, "flags").unwrap();
    let f: bool = method(flags.as_ref().unwrap(), "__getitem__", ("F_CONTIGUOUS",)).unwrap().extract().unwrap();
    assert!(f);
}

#[test]
fn shaped_vec_crosses_without_copying() {
    let data: Vec<i32> = (0..6).collect();
    let address = data.as_ptr() as usize;
    let matrix = NdArray2::from_shape_vec((2, 3), data).unwrap();
    assert_eq!(matrix.data_address(), address);
    let total: i64 = call_as("numpy", "sum", args!(&matrix)).unwrap();
    assert_eq!(total, 15);
    let column_sums: NdArray1<i64> = call_as("numpy", "sum", args!(&matrix, axis = 0, dtype = "int64")).unwrap();
    assert_eq!(column_sums.to_vec().unwrap(), vec![3, 5, 7]);

    let fortran = NdArray2::from_shape_vec((2, 3).f(), (0..6).map(f64::from).collect()).unwrap();
    assert_eq!(fortran.view(|v| v[[1, 0]]).unwrap(), 1.0, "column-major: the second element is row 1");

    let err = NdArray2::<u8>::from_shape_vec((4, 4), vec![0; 15]).unwrap_err();
    assert!(matches!(err, Error::Conversion { .. }) && err.to_string().contains("15 elements"), "{err}");
}

#[test]
fn numpy_result_is_a_ref_and_extracts_typed() {
    let result = call("numpy", "linspace", args!(0.0, 1.0, num = 5)).unwrap();
    assert!(snakebridge::is_ref(&result), "a plain call keeps the ndarray as a ref");
    let r = result.as_ref().unwrap().clone();
    let array: NdArray1<f64> = result.extract().unwrap();
    assert_eq!(array.to_vec().unwrap(), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
    assert_eq!(array.data_address(), interface_address(&r), "extraction shares, not copies");

    let direct: NdArray2<i64> = call_as("numpy", "eye", args!(3, dtype = "int64")).unwrap();
    assert_eq!(direct.shape(), vec![3, 3]);
    assert_eq!(direct.view(|v| v.sum()).unwrap(), 3);
    let dynamic = direct.clone().into_dyn();
    assert_eq!(dynamic.ndim(), 2);
    let back: NdArray2<i64> = dynamic.into_dimensionality().unwrap();
    assert_eq!(back.data_address(), direct.data_address());
}

#[test]
fn non_contiguous_views_follow_strides() {
    let base = eval("np.arange(12.0).reshape(3, 4)");
    let base_array = NdArray2::<f64>::from_ref(&base).unwrap();
    let index = (eval("slice(None)"), eval("slice(None, None, 2)"));
    let every_other: NdArray2<f64> = method(&base, "__getitem__", (index,)).unwrap().extract().unwrap();
    assert_eq!(every_other.shape(), vec![3, 2]);
    assert_eq!(every_other.strides(), vec![32, 16]);
    assert!(!every_other.is_c_contiguous());
    assert_eq!(every_other.data_address(), base_array.data_address(), "a view of the same memory");
    assert_eq!(every_other.view(|v| (v[[1, 1]], v[[2, 0]])).unwrap(), (6.0, 8.0));
    assert_eq!(every_other.to_vec().unwrap(), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
    let err = every_other.with_slice(|s| s.len()).unwrap_err();
    assert!(matches!(err, Error::ArrayAccess { .. }), "{err}");
    assert!(err.to_string().contains("not C-contiguous"), "{err}");

    let transposed = NdArray2::<f64>::from_ref(&eval("np.arange(6.0).reshape(2, 3).T")).unwrap();
    assert_eq!(transposed.view(|v| v.row(2).to_vec()).unwrap(), vec![2.0, 5.0]);

    let reversed = NdArray1::<f64>::from_ref(&eval("np.arange(5.0)[::-1]")).unwrap();
    assert_eq!(reversed.strides(), vec![-8]);
    assert_eq!(reversed.view(|v| v.to_vec()).unwrap(), vec![4.0, 3.0, 2.0, 1.0, 0.0]);

    let block = NdArray2::<f64>::from_ref(&base).unwrap().view(|v| v.slice(s![1.., 1..3]).sum()).unwrap();
    assert_eq!(block, 5.0 + 6.0 + 9.0 + 10.0);
}

#[test]
fn writes_are_visible_on_both_sides() {
    let ns = namespace();
    set_attr(&ns, "a", eval("np.zeros(4)")).unwrap();
    let array: NdArray1<f64> = attr(&ns, "a").unwrap().extract().unwrap();
    array.view_mut(|mut v| v[1] = 7.0).unwrap();
    let python_a = attr(&ns, "a").unwrap();
    let seen: f64 = method_as(python_a.as_ref().unwrap(), "__getitem__", (1,)).unwrap();
    assert_eq!(seen, 7.0, "Python sees the Rust write");

    method(python_a.as_ref().unwrap(), "__setitem__", (2, 5.0)).unwrap();
    assert_eq!(array.view(|v| v[2]).unwrap(), 5.0, "Rust sees the Python write");

    let from_rust = NdArray::from_vec(vec![1_i32, 2, 3]).unwrap();
    call("numpy", "add", args!(&from_rust, 10, out = &from_rust)).unwrap();
    assert_eq!(from_rust.with_slice(|s| s.to_vec()).unwrap(), vec![11, 12, 13], "numpy wrote into the Rust Vec");
    from_rust.with_slice_mut(|s| s[0] = -1).unwrap();
    let first: i64 = call_as("operator", "getitem", (&from_rust, 0)).unwrap();
    assert_eq!(first, -1);
}

#[test]
fn borrow_rules_are_enforced() {
    let array = NdArray::from_vec(vec![1.0_f64, 2.0, 3.0]).unwrap();
    let alias = array.clone();
    let inner = array
        .view_mut(|mut v| {
            v[0] = 9.0;
            (alias.view(|v| v[0]), alias.view_mut(|_| ()))
        })
        .unwrap();
    let (read, write) = inner;
    let read_err = read.unwrap_err();
    assert!(matches!(read_err, Error::ArrayAccess { .. }), "{read_err}");
    assert!(read_err.to_string().contains("borrowed for writing"), "{read_err}");
    assert!(write.is_err());

    // A second view of the same memory made on the Python side is covered too.
    let python_view: NdArray1<f64> = call_as("numpy", "asarray", (&array,)).unwrap();
    let nested = array.view(|_| python_view.view_mut(|_| ())).unwrap();
    assert!(nested.is_err(), "a writer while a reader of the same base exists");
    let readers = array.view(|a| python_view.view(|b| a[0] + b[0])).unwrap().unwrap();
    assert_eq!(readers, 18.0, "any number of readers");

    let frozen = NdArray1::<f64>::from_ref(&eval("np.frombuffer(b'\\x00' * 16, dtype=np.float64)")).unwrap();
    assert!(!frozen.is_writeable());
    assert_eq!(frozen.view(|v| v.len()).unwrap(), 2);
    let err = frozen.view_mut(|_| ()).unwrap_err();
    assert!(err.to_string().contains("read-only"), "{err}");
}

#[test]
fn rust_handle_keeps_the_python_buffer_alive() {
    let ns = namespace();
    set_attr(&ns, "a", eval("np.arange(5.0) * 2")).unwrap();
    let weak = call("weakref", "ref", (attr(&ns, "a").unwrap(),)).unwrap().as_ref().cloned().unwrap();
    let array: NdArray1<f64> = attr(&ns, "a").unwrap().extract().unwrap();
    call("builtins", "delattr", (&ns, "a")).unwrap();
    drop(ns);
    collect_garbage();
    assert!(weakref_alive(&weak), "Rust's handle keeps the ndarray alive");
    assert_eq!(array.to_vec().unwrap(), vec![0.0, 2.0, 4.0, 6.0, 8.0]);

    drop(array);
    collect_garbage();
    assert!(!weakref_alive(&weak), "dropping the last handle frees it: nothing leaks");
}

#[test]
fn python_keeps_the_rust_vec_alive() {
    let ns = namespace();
    let array = NdArray::from_vec((1..=100).map(|i| i as u64).collect::<Vec<_>>()).unwrap();
    set_attr(&ns, "a", &array).unwrap();
    let weak = call("weakref", "ref", (&array,)).unwrap().as_ref().cloned().unwrap();
    drop(array);
    collect_garbage();
    let held = attr(&ns, "a").unwrap();
    let total: u64 = call_as("numpy", "sum", (&held,)).unwrap();
    assert_eq!(total, 5050, "the Vec outlives the Rust handle while Python holds the array");
    drop(held);
    call("builtins", "delattr", (&ns, "a")).unwrap();
    collect_garbage();
    assert!(!weakref_alive(&weak), "the array, and with it the Vec, is freed when Python lets go");
}

#[test]
fn dtype_mismatch_says_what_was_found_and_how_to_convert() {
    let ints = call("numpy", "arange", (6,)).unwrap();
    let err = ints.clone().extract::<NdArray1<f64>>().unwrap_err();
    let Error::Conversion { expected, found, hint } = &err else { panic!("{err}") };
    assert!(expected.contains("float64"), "{err}");
    assert!(found.contains("int64") && found.contains("shape [6]"), "{err}");
    assert!(hint.as_deref().unwrap().contains("astype(numpy.float64)"), "{err}");

    let converted = NdArray1::<f64>::asarray(ints.as_ref().unwrap()).unwrap();
    assert_eq!(converted.to_vec().unwrap(), vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
    let same: NdArray1<i64> = ints.clone().extract().unwrap();
    let no_copy = NdArray1::<i64>::asarray(&same).unwrap();
    assert_eq!(no_copy.data_address(), same.data_address(), "asarray does not copy a matching array");
    let from_list = NdArray1::<f32>::asarray(&vec![1.5_f64, 2.5]).unwrap();
    assert_eq!(from_list.to_vec().unwrap(), vec![1.5_f32, 2.5]);
}

#[test]
fn dimension_mismatch_and_non_arrays_are_clear_errors() {
    let matrix = eval("np.ones((2, 3))");
    let err = NdArray1::<f64>::from_ref(&matrix).unwrap_err();
    assert!(err.to_string().contains("2 dimensions") && err.to_string().contains("IxDyn"), "{err}");
    assert_eq!(NdArrayD::<f64>::from_ref(&matrix).unwrap().shape(), vec![2, 3]);
    let err = NdArrayD::<f64>::from_ref(&matrix).unwrap().into_dimensionality::<snakebridge::array::Ix3>().unwrap_err();
    assert!(err.to_string().contains("3 dimensions"), "{err}");

    let err = call("builtins", "list", ((1, 2),)).unwrap().extract::<NdArray1<i64>>().unwrap_err();
    assert!(err.to_string().contains("Python list") && err.to_string().contains("asarray"), "{err}");
    let err = call_as::<NdArray1<i64>>("builtins", "range", (3,)).unwrap_err();
    assert!(err.to_string().contains("Python range"), "{err}");
}

fn round_trip<T: ArrayElement + PartialEq + std::fmt::Debug>(items: Vec<T>) {
    let array = NdArray::from_vec(items.clone()).unwrap();
    let r = array.to_ref().unwrap();
    let name: String = attr(attr(&r, "dtype").unwrap().as_ref().unwrap(), "name").unwrap().extract().unwrap();
    assert_eq!(name, T::DTYPE);
    let copied: NdArray1<T> = call_as("numpy", "copy", (&array,)).unwrap();
    assert_ne!(copied.data_address(), array.data_address());
    assert_eq!(copied.to_vec().unwrap(), items);
}

#[test]
fn every_shared_dtype_round_trips() {
    round_trip(vec![true, false, true]);
    round_trip(vec![i8::MIN, 0, i8::MAX]);
    round_trip(vec![i16::MIN, 0, i16::MAX]);
    round_trip(vec![i32::MIN, 0, i32::MAX]);
    round_trip(vec![i64::MIN, 0, i64::MAX]);
    round_trip(vec![0, u8::MAX]);
    round_trip(vec![0, u16::MAX]);
    round_trip(vec![0, u32::MAX]);
    round_trip(vec![0, u64::MAX]);
    round_trip(vec![f32::MIN_POSITIVE, -1.5, f32::INFINITY]);
    round_trip(vec![f64::EPSILON, -0.0, f64::NEG_INFINITY]);
    round_trip(vec![Complex32::new(1.0, -2.0)]);
    round_trip(vec![Complex64::new(0.5, 3.25), Complex64::new(-1.0, 0.0)]);

    let roots: NdArray1<Complex64> = call_as("numpy", "roots", (vec![1.0, 0.0, 1.0],)).unwrap();
    let mut imag = roots.view(|v| v.iter().map(|c| c.im).collect::<Vec<_>>()).unwrap();
    imag.sort_by(f64::total_cmp);
    assert_eq!(imag, vec![-1.0, 1.0]);
}

#[test]
fn owned_arrays_passed_by_reference_are_copied() {
    let matrix = Array2::from_shape_fn((2, 2), |(i, j)| (i * 2 + j) as f64);
    let det: f64 = call_as("numpy.linalg", "det", (&matrix,)).unwrap();
    assert!((det - (-2.0)).abs() < 1e-12);
    let view = matrix.slice(s![.., 1]);
    let total: f64 = call_as("numpy", "sum", (&view,)).unwrap();
    assert_eq!(total, 4.0);
}

#[test]
fn any_array_tells_its_dtype_and_types_later() {
    let any: AnyArray = call("numpy", "array", (vec!["ab", "c"],)).unwrap().extract().unwrap();
    assert!(any.dtype().starts_with("str"), "{}", any.dtype());
    let err = any.typed::<f64, snakebridge::array::Ix1>().unwrap_err();
    assert!(err.to_string().contains("float64"), "{err}");

    let floats: AnyArray = call_as("numpy", "zeros", ((2, 2),)).unwrap();
    assert_eq!(floats.dtype(), "float64");
    assert!(floats.is::<f64>() && !floats.is::<f32>());
    assert_eq!(floats.shape(), vec![2, 2]);
    let typed = floats.typed::<f64, snakebridge::array::Ix2>().unwrap();
    typed.view_mut(|mut v| v[[0, 1]] = 1.0).unwrap();
    let total: f64 = call_as("numpy", "sum", (&floats,)).unwrap();
    assert_eq!(total, 1.0, "typed() shares the memory");
    assert!(call_as::<AnyArray>("builtins", "dict", ()).is_err());
}

#[test]
fn bytes_are_viewed_in_place() {
    let data = eval("bytes(range(256))");
    let buffer = Buffer::<u8>::from_ref(&data).unwrap();
    let again = Buffer::<u8>::from_ref(&data).unwrap();
    assert_eq!(buffer.data_address(), again.data_address(), "both views point at the bytes object itself");
    assert!(buffer.is_readonly());
    assert_eq!(buffer.with_slice(|s| s.iter().map(|&b| b as u32).sum::<u32>()).unwrap(), 255 * 256 / 2);
    let err = buffer.with_cells_mut(|_| ()).unwrap_err();
    assert!(err.to_string().contains("read-only"), "{err}");

    let direct: Buffer<u8> = call_as("builtins", "bytes", (b"abc".to_vec(),)).unwrap();
    assert_eq!(direct.to_vec().unwrap(), b"abc");
    let via_memoryview: Buffer<u8> = call_as("builtins", "memoryview", (&data,)).unwrap();
    assert_eq!(via_memoryview.data_address(), buffer.data_address());
    assert_eq!(via_memoryview.with_slice(|s| s[255]).unwrap(), 255);
}

#[test]
fn bytearray_is_written_in_place_and_pinned_while_viewed() {
    let ns = namespace();
    set_attr(&ns, "b", eval("bytearray(b'hello')")).unwrap();
    let b = attr(&ns, "b").unwrap();
    let b = b.as_ref().unwrap();
    let buffer = Buffer::<u8>::from_ref(b).unwrap();
    assert!(!buffer.is_readonly());
    buffer.with_cells_mut(|cells| cells[0].set(b'J')).unwrap();
    let text: Vec<u8> = call("builtins", "bytes", (b,)).unwrap().extract::<snakebridge::Bytes>().unwrap().0;
    assert_eq!(text, b"Jello");
    assert_eq!(buffer.with_cells(|c| c[1].get()).unwrap(), b'e');
    let err = buffer.with_slice(|_| ()).unwrap_err();
    assert!(err.to_string().contains("with_cells"), "{err}");

    let resize = method(b, "extend", (snakebridge::bytes(b"!".to_vec()),)).unwrap_err();
    assert!(resize.is_python("BufferError"), "Python cannot move memory that Rust views: {resize}");

    call("builtins", "delattr", (&ns, "b")).unwrap();
    collect_garbage();
    assert_eq!(buffer.to_vec().unwrap(), b"Jello", "the buffer keeps the bytearray alive");
    drop(buffer);
    method(b, "extend", (snakebridge::bytes(b"!".to_vec()),)).unwrap();
}

#[test]
fn array_module_and_strided_memoryviews() {
    let doubles = eval("array.array('d', [1.5, 2.5, 3.5, 4.5])");
    let buffer = Buffer::<f64>::from_ref(&doubles).unwrap();
    assert_eq!(buffer.format(), "d");
    assert_eq!(buffer.with_cells(|c| c.iter().map(|x| x.get()).sum::<f64>()).unwrap(), 12.0);

    let err = Buffer::<i32>::from_ref(&doubles).unwrap_err();
    let Error::Conversion { found, .. } = &err else { panic!("{err}") };
    assert!(found.contains("\"d\"") && found.contains("8-byte"), "{err}");

    let whole: Buffer<f64> = call_as("builtins", "memoryview", (&doubles,)).unwrap();
    assert!(whole.is_c_contiguous());
    assert_eq!(whole.data_address(), buffer.data_address());
    let every_other = eval("memoryview(array.array('d', [1.0, 2.0, 3.0, 4.0]))[::2]");
    let view = Buffer::<f64>::from_ref(&every_other).unwrap();
    assert!(!view.is_c_contiguous());
    assert_eq!(view.strides(), &[16]);
    assert!(view.with_cells(|_| ()).unwrap_err().to_string().contains("not C-contiguous"));
    assert_eq!(view.to_vec().unwrap(), vec![1.0, 3.0]);

    let err = Buffer::<u8>::from_ref(&eval("[1, 2, 3]")).unwrap_err();
    assert!(err.to_string().contains("buffer protocol") && err.to_string().contains("Python list"), "{err}");

    let numpy_memory = NdArray::from_vec(vec![1_u16, 2, 3]).unwrap();
    let shared: Buffer<u16> = call_as("builtins", "memoryview", (&numpy_memory,)).unwrap();
    assert_eq!(shared.data_address(), numpy_memory.data_address());
}

#[test]
fn handles_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<NdArray1<f64>>();
    send_sync::<AnyArray>();
    send_sync::<Buffer<u8>>();

    let array = NdArray::from_vec((0..1000).map(f64::from).collect::<Vec<_>>()).unwrap();
    let workers: Vec<_> = (0..4)
        .map(|i| {
            let mine = array.clone();
            std::thread::spawn(move || mine.view(|v| v[i * 100]).unwrap())
        })
        .collect();
    let seen: Vec<f64> = workers.into_iter().map(|w| w.join().unwrap()).collect();
    assert_eq!(seen, vec![0.0, 100.0, 200.0, 300.0]);
}
