//! Without numpy, arrays fail with an error that says how to install it, and buffers still work.
//!
//! A process of its own: numpy is hidden with `sys.modules["numpy"] = None`, which makes
//! `import numpy` raise ModuleNotFoundError exactly as an absent package does.

use pyo3::prelude::*;
use snakebridge::array::{Buffer, NdArray, NdArray1};
use snakebridge::{call, call_as, Error};

fn hide_numpy() {
    snakebridge::with_gil(|py| {
        let modules = py.import("sys")?.getattr("modules")?;
        modules.set_item("numpy", py.None())?;
        Ok(())
    })
    .unwrap();
}

#[test]
fn missing_numpy_is_a_clear_error_not_a_panic() {
    hide_numpy();
    let err = NdArray::from_vec(vec![1.0_f64, 2.0]).unwrap_err();
    assert!(matches!(&err, Error::ModuleNotFound { module, .. } if module == "numpy"), "{err}");
    assert!(err.to_string().contains("pip install numpy"), "{err}");

    let list = call("builtins", "list", ((1, 2),)).unwrap();
    let err = list.extract::<NdArray1<i64>>().unwrap_err();
    assert!(matches!(err, Error::Conversion { .. }), "a list is no array, numpy or not: {err}");
    assert!(NdArray1::<f64>::asarray(&vec![1.0]).unwrap_err().to_string().contains("pip install numpy"));

    let bytes: Buffer<u8> = call_as("builtins", "bytearray", (b"abc".to_vec(),)).unwrap();
    assert_eq!(bytes.to_vec().unwrap(), b"abc", "the buffer protocol needs no numpy");
    let err = call_as::<Buffer<u8>>("builtins", "list", ((1,),)).unwrap_err();
    assert!(err.to_string().contains("Python list"), "{err}");
}
