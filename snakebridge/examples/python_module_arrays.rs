//! Generated numpy bindings that take and return typed arrays without copying: numpy's stubs
//! annotate `isin` with `-> NDArray[np.bool]`, `copyto` with `dst: ndarray`, `argsort` with
//! `-> NDArray[intp]` and `histogram` with `-> tuple[NDArray[Any], NDArray[Any]]`.
//!
//! Needs numpy in the project venv: `cargo run --example python_module_arrays`.

use snakebridge::array::{AnyArray, Ix1, IxDyn, NdArray};

#[snakebridge::python_module("numpy", include = ["isin", "copyto", "argsort", "histogram"])]
mod np {}

fn main() -> snakebridge::Result<()> {
    let values = NdArray::from_vec(vec![4.0_f64, 1.0, 3.0, 2.0])?;
    let wanted = NdArray::from_vec(vec![2.0_f64, 4.0])?;

    // `-> NDArray[np.bool]`: a typed array, numpy's own buffer.
    let mask: NdArray<bool, IxDyn> = np::isin(&values, &wanted)?;
    println!("isin: {:?}", mask.to_vec()?);

    // `-> NDArray[intp]`: intp has no fixed Rust type, so an AnyArray typed on demand.
    let order: AnyArray = np::argsort(&values)?;
    println!("argsort: dtype {}, {:?}", order.dtype(), order.typed::<i64, Ix1>()?.to_vec()?);

    let (counts, edges): (AnyArray, AnyArray) = np::histogram(&values)?;
    println!("histogram: {} counts, {} edges of dtype {}", counts.len(), edges.len(), edges.dtype());

    // `dst: ndarray`: numpy writes straight into the Vec this array was made from.
    let vec = vec![0.0_f64; 4];
    let address = vec.as_ptr() as usize;
    let dst = NdArray::from_vec(vec)?;
    np::copyto(&dst, &values)?;
    assert_eq!(dst.data_address(), address);
    println!("copyto wrote the Rust allocation in place: {:?}", dst.to_vec()?);
    Ok(())
}
