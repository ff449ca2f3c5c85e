//! Arrays crossing between Rust and numpy without copying, and buffers viewed in place.
//!
//! Needs numpy in the project venv (`.venv/bin/pip install numpy`): `cargo run --example arrays`.

use snakebridge::array::ndarray::{s, Array2};
use snakebridge::array::{AnyArray, Buffer, NdArray, NdArray1, NdArray2};
use snakebridge::{args, call, call_as};

fn main() -> snakebridge::Result<()> {
    // A Vec handed to numpy: the ndarray points into the Vec's allocation, no copy.
    let samples: Vec<f64> = (0..1_000_000).map(|i| (i as f64 * 0.001).sin()).collect();
    let address = samples.as_ptr() as usize;
    let samples = NdArray::from_vec(samples)?;
    assert_eq!(samples.data_address(), address);
    let mean: f64 = call_as("numpy", "mean", (&samples,))?;
    let std: f64 = call_as("numpy", "std", (&samples,))?;
    println!("1,000,000 samples shared with numpy: mean {mean:.6}, std {std:.6}");

    // A numpy result read from Rust in place, strides and all.
    let grid: NdArray2<f64> =
        call_as("numpy", "outer", (NdArray::from_vec(vec![1.0, 2.0, 3.0])?, NdArray::from_vec(vec![1.0, 10.0])?))?;
    let column = grid.view(|v| v.slice(s![.., 1]).to_vec())?;
    println!("numpy.outer shape {:?}, second column {column:?}", grid.shape());

    // A plain call keeps the array as a ref; extract it typed when you need the data.
    let result = call("numpy", "linspace", args!(0.0, 1.0, num = 5))?;
    println!("a plain call returns {result:?}");
    let points: NdArray1<f64> = result.extract()?;
    println!("typed: {:?}", points.to_vec()?);

    // Rust writes, Python sees it (and the other way round): it is one block of memory.
    let counts = NdArray::from_vec(vec![0_i64; 4])?;
    counts.view_mut(|mut v| v[2] = 40)?;
    call("numpy", "add", args!(&counts, 2, out = &counts))?;
    println!("after a Rust write and numpy.add(out=...): {:?}", counts.to_vec()?);

    // The borrow rules are checked: no reader while a writer holds the memory.
    let refused = counts.view_mut(|_| counts.view(|_| ()))?;
    println!("reading during a write: {}", refused.unwrap_err());

    // An owned ndarray crosses without copying too; a borrowed one is copied (it cannot be handed over).
    let matrix = Array2::from_shape_fn((3, 3), |(i, j)| if i == j { 2.0 } else { 0.5 });
    let det: f64 = call_as("numpy.linalg", "det", (&matrix,))?; // copies
    let inverse: NdArray2<f64> = call_as("numpy.linalg", "inv", (NdArray::from_array(matrix)?,))?; // moves
    println!("det {det:.4}, inverse[0,0] {:.4}", inverse.view(|v| v[[0, 0]])?);

    // A dtype mismatch says what it found and how to convert.
    let ints = call("numpy", "arange", (3,))?;
    match ints.clone().extract::<NdArray1<f64>>() {
        Ok(_) => unreachable!("arange(3) is int64"),
        Err(e) => println!("dtype mismatch: {e}"),
    }
    let as_floats = NdArray1::<f64>::asarray(ints.as_ref().expect("an ndarray is a ref"))?; // copies, on request
    println!("converted on request: {:?}", as_floats.to_vec()?);

    // Any array whose dtype is only known at run time.
    let labels: AnyArray = call_as("numpy", "array", (vec!["cat", "dog"],))?;
    println!("AnyArray of dtype {} and shape {:?}", labels.dtype(), labels.shape());

    // The buffer protocol: bytes, bytearray, memoryview, array.array, viewed without copying.
    let payload: Buffer<u8> = call_as("builtins", "bytes", (snakebridge::bytes(b"snakebridge".to_vec()),))?;
    let checksum = payload.with_slice(|bytes| bytes.iter().map(|&b| b as u32).sum::<u32>())?;
    println!("bytes viewed in place: {} bytes, checksum {checksum}", payload.len());
    let doubles: Buffer<f64> = call_as("array", "array", ("d", vec![0.5, 1.5, 2.5]))?;
    let total = doubles.with_cells(|cells| cells.iter().map(|c| c.get()).sum::<f64>())?;
    println!("array.array('d') of format {:?}: total {total}", doubles.format());
    Ok(())
}
