//! End-to-end: numpy array annotations in `#[python_module]` bindings give typed array
//! parameters and results (docs/arrays.md, "Typed bindings"), and arrays cross without copying.

use snakebridge::array::{ndarray, AnyArray, Ix1, Ix2, IxDyn, NdArray};
use snakebridge::{python_module, Error};

// numpy's stubs say `ndarray` for `copyto`'s destination, `NDArray[np.bool]` for `isin`'s
// result, `NDArray[intp]` (no Rust type: `intp` changes size) for `argsort`'s and
// `tuple[NDArray[Any], NDArray[Any]]` for `histogram`'s.
#[python_module("numpy", include = ["isin", "copyto", "argsort", "histogram"])]
mod np {}

#[test]
fn a_typed_result_reads_numpys_buffer() {
    let values = NdArray::from_vec(vec![1.0_f64, 2.0, 3.0, 4.0]).unwrap();
    let wanted = NdArray::from_vec(vec![2.0_f64, 4.0]).unwrap();
    let mask: NdArray<bool, IxDyn> = np::isin(&values, &wanted).unwrap();
    assert_eq!(mask.shape(), vec![4]);
    assert_eq!(mask.to_vec().unwrap(), vec![false, true, false, true]);
    let mask: NdArray<bool, Ix1> = mask.into_dimensionality().unwrap();
    assert_eq!(mask.view(|v| v.iter().filter(|m| **m).count()).unwrap(), 2);
}

#[test]
fn an_ndarray_parameter_is_the_rust_allocation_itself() {
    let vec = vec![0.0_f64; 6];
    let address = vec.as_ptr() as usize;
    let dst = NdArray::from_shape_vec((2, 3), vec).unwrap();
    assert_eq!(dst.data_address(), address, "from_vec moved the Vec, it did not copy it");
    let src = NdArray::from_vec(vec![1.0_f64, 2.0, 3.0]).unwrap();
    // `copyto(dst: ndarray, src: ArrayLike)` writes into `dst`: numpy writes the Rust memory.
    np::copyto(&dst, &src).unwrap();
    assert_eq!(dst.data_address(), address);
    let rows: ndarray::Array2<f64> = dst.to_owned_array().unwrap();
    assert_eq!(rows, ndarray::array![[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]);
}

#[test]
fn unknown_dtypes_give_any_array_typed_later() {
    let values = NdArray::from_vec(vec![3.0_f64, 1.0, 2.0]).unwrap();
    let order: AnyArray = np::argsort(&values).unwrap();
    assert!(order.dtype().starts_with("int"), "{}", order.dtype());
    let order = order.typed::<i64, Ix1>().unwrap();
    assert_eq!(order.to_vec().unwrap(), vec![1, 2, 0]);

    let (counts, edges): (AnyArray, AnyArray) = np::histogram(&values).unwrap();
    assert_eq!(counts.shape(), vec![10]);
    let edges = edges.typed::<f64, IxDyn>().unwrap();
    assert_eq!(edges.len(), 11);
    assert_eq!(edges.view(|e| (e[0], e[10])).unwrap(), (1.0, 3.0));
}

// numpy's own stubs type their inputs `ArrayLike`, so no function of numpy's manifest has an
// `NDArray[np.float64]` parameter: `tests/python/sb_arrays.py` declares three, and these are
// the bindings `#[python_module]` generates from them (its manifest is committed).
#[python_module("sb_arrays", include = ["cumsum", "argsort", "conj"])]
mod generated {}

#[test]
fn a_typed_parameter_takes_any_array_of_its_element() {
    let rows = NdArray::from_array(ndarray::array![[1.0_f64, 2.0], [3.0, 4.0]]).unwrap();
    let rows: NdArray<f64, Ix2> = rows;
    let sums = generated::cumsum(&rows).unwrap();
    assert_eq!(sums.to_vec().unwrap(), vec![1.0, 3.0, 6.0, 10.0]);
    // Owned handles, `ndarray` arrays (copied, as documented) and views are accepted too.
    assert_eq!(generated::cumsum(rows).unwrap().len(), 4);
    assert_eq!(generated::cumsum(ndarray::array![1.0, 1.0]).unwrap().to_vec().unwrap(), vec![1.0, 2.0]);
    let z = snakebridge::array::Complex64::new(1.0, 2.0);
    let conj = generated::conj(NdArray::from_vec(vec![z]).unwrap()).unwrap();
    assert_eq!(conj.to_vec().unwrap(), vec![z.conj()]);
}

#[test]
fn a_result_of_another_dtype_is_a_conversion_error() {
    let values = NdArray::from_vec(vec![3.0_f64, 1.0]).unwrap();
    match generated::argsort(&values) {
        Err(Error::Conversion { expected, found, .. }) => {
            assert!(expected.contains("float64"), "{expected}");
            assert!(found.contains("int64"), "{found}");
        }
        other => panic!("expected a conversion error, got {other:?}"),
    }
}
