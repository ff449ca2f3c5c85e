//! One test per phrasing, plus the near misses that must stay untranslated.

use super::*;

fn shape(msg: &str) -> ShapeMismatch {
    match MlError::from_message(msg) {
        Some(MlError::ShapeMismatch(s)) => s,
        other => panic!("{msg:?} gave {other:?}"),
    }
}

fn oom(msg: &str) -> OutOfMemory {
    match MlError::from_message(msg) {
        Some(MlError::OutOfMemory(o)) => o,
        other => panic!("{msg:?} gave {other:?}"),
    }
}

fn dtype(msg: &str) -> DtypeMismatch {
    match MlError::from_message(msg) {
        Some(MlError::DtypeMismatch(d)) => d,
        other => panic!("{msg:?} gave {other:?}"),
    }
}

#[test]
fn torch_matmul_shapes() {
    let s = shape("mat1 and mat2 shapes cannot be multiplied (3x4 and 5x6)");
    assert_eq!((s.operation, s.shape_a, s.shape_b), (ShapeOp::Matmul, Some(vec![3, 4]), Some(vec![5, 6])));
    let s = shape("mat1 and mat2 shapes cannot be multiplied (3x4 and 6x4)");
    assert!(s.suggestion().contains("B.T"), "{}", s.suggestion());
}

#[test]
fn old_torch_size_mismatch() {
    let s = shape("size mismatch, m1: [3 x 4], m2: [5 x 6] at /pytorch/aten/src/TH/generic/THTensorMath.cpp:41");
    assert_eq!((s.shape_a, s.shape_b), (Some(vec![3, 4]), Some(vec![5, 6])));
}

#[test]
fn numpy_dot_not_aligned() {
    let s = shape("shapes (2,3) and (4,5) not aligned: 3 (dim 1) != 4 (dim 0)");
    assert_eq!(
        (s.operation, s.shape_a.clone(), s.shape_b.clone()),
        (ShapeOp::Matmul, Some(vec![2, 3]), Some(vec![4, 5]))
    );
    assert!(s.suggestion().contains("3 columns but B has 4 rows"), "{}", s.suggestion());
}

#[test]
fn numpy_matmul_core_dimension() {
    let s = shape("matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size 4 is different from 3)");
    assert_eq!(
        (s.operation, s.dimension, s.expected.as_deref(), s.got.as_deref()),
        (ShapeOp::Matmul, Some(0), Some("3"), Some("4"))
    );
}

#[test]
fn torch_elementwise_size() {
    let s = shape("The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1");
    assert_eq!(
        (s.operation, s.dimension, s.expected.as_deref(), s.got.as_deref()),
        (ShapeOp::Elementwise, Some(1), Some("3"), Some("4"))
    );
}

#[test]
fn numpy_broadcast() {
    let s = shape("operands could not be broadcast together with shapes (2,3) (4,5) ");
    assert_eq!((s.operation, s.shape_a, s.shape_b), (ShapeOp::Broadcast, Some(vec![2, 3]), Some(vec![4, 5])));
}

#[test]
fn dimension_out_of_range() {
    let s = shape("Dimension out of range (expected to be in range of [-2, 1], but got 2)");
    assert_eq!(
        (s.operation, s.expected.as_deref(), s.dimension),
        (ShapeOp::DimensionOutOfRange, Some("-2..=1"), Some(2))
    );
    let s = shape("axis 2 is out of bounds for array of dimension 2");
    assert_eq!((s.expected.as_deref(), s.got.as_deref()), (Some("-2..=1"), Some("2")));
}

#[test]
fn reshape() {
    let s = shape("shape '[2, 3]' is invalid for input of size 10");
    assert_eq!((s.operation, s.shape_b), (ShapeOp::Reshape, Some(vec![2, 3])));
    let s = shape("cannot reshape array of size 10 into shape (2,3)");
    assert_eq!((s.shape_b, s.got.as_deref()), (Some(vec![2, 3]), Some("10 elements")));
}

#[test]
fn cuda_oom_old_phrasing() {
    let o = oom("CUDA out of memory. Tried to allocate 2.00 GiB (GPU 1; 15.78 GiB total capacity; 12.34 GiB already allocated; 1.23 GiB free; 13.00 GiB reserved in total by PyTorch)");
    assert_eq!(o.device, Device::Cuda(1));
    assert_eq!((o.requested_mb, o.total_mb, o.available_mb), (Some(2048), Some(16159), Some(1260)));
}

#[test]
fn cuda_oom_new_phrasing() {
    let o = oom("CUDA out of memory. Tried to allocate 20.00 MiB. GPU 0 has a total capacity of 79.15 GiB of which 5.06 MiB is free. Process 1234 has 79.14 GiB memory in use.");
    assert_eq!(o.device, Device::Cuda(0));
    assert_eq!((o.requested_mb, o.total_mb, o.available_mb), (Some(20), Some(81050), Some(5)));
}

#[test]
fn cuda_oom_bare() {
    let o = oom("CUDA out of memory");
    assert_eq!((o.device, o.requested_mb, o.total_mb), (Device::Cuda(0), None, None));
    assert!(oom("CUDA error: out of memory").suggestions().iter().any(|s| s.contains("empty_cache")));
}

#[test]
fn mps_oom() {
    let o = oom("MPS backend out of memory (MPS allocated: 1.50 GB, other allocations: 2.00 GB, max allowed: 4.00 GB). Tried to allocate 256.00 MB on private pool. Use PYTORCH_MPS_HIGH_WATERMARK_RATIO=0.0 to disable upper limit for memory allocations (may cause system failure).");
    assert_eq!(o.device, Device::Mps);
    assert_eq!((o.requested_mb, o.total_mb, o.available_mb), (Some(256), Some(4096), Some(512)));
}

#[test]
fn numpy_and_cpu_oom() {
    let o = oom("Unable to allocate 7.45 GiB for an array with shape (1000000000,) and data type float64");
    assert_eq!((o.device, o.requested_mb), (Device::Cpu, Some(7629)));
    let o = oom("[enforce fail at alloc_cpu.cpp:114] data. DefaultCPUAllocator: not enough memory: you tried to allocate 8589934592 bytes.");
    assert_eq!(o.requested_mb, Some(8192));
}

#[test]
fn dtype_phrasings() {
    let cases = [
        ("expected scalar type Float but found Double", Dtype::Float32, Dtype::Float64),
        ("expected dtype torch.float32 but got torch.int64", Dtype::Float32, Dtype::Int64),
        ("Expected dtype Float but got dtype Long", Dtype::Float32, Dtype::Int64),
        (
            "Expected object of scalar type Float but got scalar type Double for argument #2 'mat2' in call to _th_mm",
            Dtype::Float32,
            Dtype::Float64,
        ),
        ("Found dtype Double but expected Float", Dtype::Float32, Dtype::Float64),
        ("mat1 and mat2 must have the same dtype, but got Double and Float", Dtype::Float64, Dtype::Float32),
        ("expected m1 and m2 to have the same dtype, but got: float != double", Dtype::Float32, Dtype::Float64),
        ("result type Float can't be cast to the desired output type Long", Dtype::Int64, Dtype::Float32),
        (
            "Cannot cast ufunc 'add' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'",
            Dtype::Int64,
            Dtype::Float64,
        ),
    ];
    for (msg, expected, got) in cases {
        let d = dtype(msg);
        assert_eq!((&d.expected, &d.got), (&expected, &got), "{msg}");
        assert!(d.suggestion().contains(expected.name()), "{msg}: {}", d.suggestion());
    }
    assert_eq!(
        dtype("Cannot cast ufunc 'add' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'")
            .operation
            .as_deref(),
        Some("add")
    );
}

#[test]
fn near_misses_stay_untranslated() {
    for msg in [
        "mat1 and mat2 shapes cannot be multiplied (3xfour and 5x6)",
        "mat1 and mat2 shapes cannot be multiplied",
        "shapes (2,3) and (4,5) are fine",
        "The size of tensor a (x) must match",
        "expected scalar type",
        "Dimension out of range (expected to be in range of [a, b], but got 2)",
        "axis 2 is fine",
        "invalid literal for int() with base 10: 'x'",
        "operands could not be broadcast together with remapped shapes [original->remapped]",
        "memory is fine",
        "",
    ] {
        assert_eq!(MlError::from_message(msg), None, "{msg:?}");
    }
}

#[test]
fn huge_numbers_do_not_misparse_or_panic() {
    assert_eq!(
        MlError::from_message("mat1 and mat2 shapes cannot be multiplied (99999999999999999999999x4 and 5x6)"),
        None
    );
    assert_eq!(MlError::from_message("The size of tensor a (99999999999999999999999) must match the size of tensor b (4) at non-singleton dimension 1"), None);
    let o = oom("CUDA out of memory. Tried to allocate 99999999999999999999999999999999999999.00 TiB (GPU 99999999999; 1e400 GiB total capacity)");
    assert_eq!(o.requested_mb, Some(u64::MAX));
    assert_eq!(o.device, Device::Cuda(0));
    let long = "x".repeat(100_000) + "mat1 and mat2 shapes cannot be multiplied (3x4 and 5x6)";
    assert_eq!(MlError::from_message(&long), None);
}

#[test]
fn display_has_figures_and_suggestion() {
    let e = MlError::from_message(
        "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 15.78 GiB total capacity; 1.23 GiB free)",
    )
    .unwrap();
    let text = e.to_string();
    assert!(
        text.starts_with(
            "out of memory on CUDA:0 (requested 2048 MiB, total 16159 MiB, free 1260 MiB); reduce the batch size"
        ),
        "{text}"
    );
}
