//! The phrasings added for JAX, TensorFlow and further PyTorch/NumPy errors, each with its exact
//! message, and the bad-input guarantees (no panic, no overflow, no misreading) over random text.

use proptest::prelude::*;

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

fn device(msg: &str) -> DeviceMismatch {
    match MlError::from_message(msg) {
        Some(MlError::DeviceMismatch(d)) => d,
        other => panic!("{msg:?} gave {other:?}"),
    }
}

type Shapes = (ShapeOp, Option<Vec<u64>>, Option<Vec<u64>>);

fn shapes(s: &ShapeMismatch) -> Shapes {
    (s.operation, s.shape_a.clone(), s.shape_b.clone())
}

#[test]
fn jax_broadcasting_in_all_its_forms() {
    let want = (ShapeOp::Broadcast, Some(vec![3, 4]), Some(vec![5, 6]));
    for msg in [
        "incompatible shapes for broadcasting: [3, 4] vs [5, 6]",
        "Incompatible shapes for broadcasting: shapes=[(3, 4), (5, 6)]",
        "Incompatible shapes for broadcasting: ((3, 4), (5, 6))",
        "add got incompatible shapes for broadcasting: (3, 4), (5, 6).",
        "Binary op add with incompatible shapes: f32[3,4] and f32[5,6].",
    ] {
        let s = shape(msg);
        assert_eq!(shapes(&s), want, "{msg}");
        assert!(s.suggestion().contains("(3,4) and (5,6) do not broadcast"), "{msg}: {}", s.suggestion());
    }
    // Three operands: the first two are reported; a scalar is the empty shape.
    let s = shape("Incompatible shapes for broadcasting: shapes=[(8, 1, 191, 64), (8, 8, 64, 64), ()]");
    assert_eq!(s.shape_b, Some(vec![8, 8, 64, 64]));
    // Symbolic dimensions (jax2tf) still say broadcast, without figures.
    let s = shape("add got incompatible shapes for broadcasting: (v,), (4,).");
    assert_eq!(shapes(&s), (ShapeOp::Broadcast, None, None));
}

#[test]
fn tensorflow_broadcast_and_matmul() {
    let s = shape("Incompatible shapes: [2,3] vs. [4,5] [Op:AddV2]");
    assert_eq!(shapes(&s), (ShapeOp::Broadcast, Some(vec![2, 3]), Some(vec![4, 5])));
    let s = shape("{{function_node __wrapped__MatMul_device_/job:localhost/replica:0/task:0/device:CPU:0}} Matrix size-incompatible: In[0]: [2,3], In[1]: [4,5] [Op:MatMul]");
    assert_eq!(shapes(&s), (ShapeOp::Matmul, Some(vec![2, 3]), Some(vec![4, 5])));
    assert!(s.suggestion().contains("A has 3 columns but B has 4 rows"), "{}", s.suggestion());
    let s = shape("Matrix size-incompatible: In[0]: [3,4], In[1]: [3,2]");
    assert!(s.suggestion().contains("A.T"), "{}", s.suggestion());
}

#[test]
fn tensorflow_graph_mode_dimensions_must_be_equal() {
    let s = shape("Dimensions must be equal, but are 3 and 4 for '{{node MatMul}} = MatMul[T=DT_FLOAT, transpose_a=false, transpose_b=false](a, b)' with input shapes: [2,3], [4,5].");
    assert_eq!(shapes(&s), (ShapeOp::Matmul, Some(vec![2, 3]), Some(vec![4, 5])));
    let s = shape("Dimensions must be equal, but are 3 and 4 for '{{node add}} = AddV2[T=DT_FLOAT](x, y)' with input shapes: [2,3], [2,4].");
    assert_eq!((s.operation, s.expected.as_deref(), s.got.as_deref()), (ShapeOp::Elementwise, Some("3"), Some("4")));
    assert!(s.suggestion().contains("(3 vs 4)"), "{}", s.suggestion());
}

#[test]
fn jax_dot_general_contracting_dimensions() {
    let s = shape("dot_general requires contracting dimensions to have the same shape, got (3,) and (4,).");
    assert_eq!((s.operation, s.expected.as_deref(), s.got.as_deref()), (ShapeOp::Matmul, Some("3"), Some("4")));
    assert!(s.suggestion().contains("(3 vs 4)"), "{}", s.suggestion());
    let s = shape("dot_general requires contracting dimensions to have the same shape, got [4] and [v].");
    assert_eq!((s.operation, s.expected), (ShapeOp::Matmul, None));
}

#[test]
fn concatenation_in_four_libraries() {
    let s = shape("ConcatOp : Dimensions of inputs should match: shape[0] = [4,32,8] vs. shape[1] = [6,35,8] [Op:ConcatV2] name: concat");
    assert_eq!(shapes(&s), (ShapeOp::Concat, Some(vec![4, 32, 8]), Some(vec![6, 35, 8])));
    assert!(s.suggestion().contains("(4x32x8 vs 6x35x8)"), "{}", s.suggestion());
    let s = shape("Cannot concatenate arrays with shapes that differ in dimensions other than the one being concatenated: concatenating along dimension 0 for shapes (2, 3), (2, 4).");
    assert_eq!(shapes(&s), (ShapeOp::Concat, Some(vec![2, 3]), Some(vec![2, 4])));
    let s = shape("all the input array dimensions except for the concatenation axis must match exactly, but along dimension 1, the array at index 0 has size 3 and the array at index 1 has size 4");
    assert_eq!(
        (s.operation, s.dimension, s.expected.as_deref(), s.got.as_deref()),
        (ShapeOp::Concat, Some(1), Some("3"), Some("4"))
    );
    assert!(s.suggestion().contains("(3 vs 4 in dimension 1)"), "{}", s.suggestion());
    let s = shape("all the input arrays must have same number of dimensions, but the array at index 0 has 2 dimension(s) and the array at index 1 has 1 dimension(s)");
    assert_eq!((s.expected.as_deref(), s.got.as_deref()), (Some("2 dimensions"), Some("1 dimensions")));
    assert_eq!(shape("all input arrays must have the same shape").operation, ShapeOp::Concat);
    let s = shape("Sizes of tensors must match except in dimension 1. Expected size 3 but got size 4 for tensor number 1 in the list.");
    assert_eq!((s.operation, s.expected.as_deref(), s.got.as_deref()), (ShapeOp::Concat, Some("3"), Some("4")));
    let s = shape("stack expects each tensor to be equal size, but got [3, 4] at entry 0 and [3, 5] at entry 1");
    assert_eq!(shapes(&s), (ShapeOp::Concat, Some(vec![3, 4]), Some(vec![3, 5])));
}

#[test]
fn reshape_in_jax_and_tensorflow() {
    let s = shape("cannot reshape array of shape (6,) (size 6) into shape (4,) (size 4)");
    assert_eq!(shapes(&s), (ShapeOp::Reshape, Some(vec![6]), Some(vec![4])));
    assert!(s.suggestion().contains("(6 elements)"), "{}", s.suggestion());
    let s = shape("Input to reshape is a tensor with 6 values, but the requested shape has 4 [Op:Reshape]");
    assert_eq!(
        (s.operation, s.got.as_deref(), s.expected.as_deref()),
        (ShapeOp::Reshape, Some("6 elements"), Some("4 elements"))
    );
}

#[test]
fn assignment_and_expand_broadcasting() {
    let s = shape("could not broadcast input array from shape (4,) into shape (3,)");
    assert_eq!(shapes(&s), (ShapeOp::Broadcast, Some(vec![4]), Some(vec![3])));
    let s = shape("shape mismatch: value array of shape (3,) could not be broadcast to indexing result of shape (4,)");
    assert_eq!(shapes(&s), (ShapeOp::Broadcast, Some(vec![3]), Some(vec![4])));
    let s = shape("shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [4]");
    assert_eq!(shapes(&s), (ShapeOp::Broadcast, Some(vec![3]), Some(vec![4])));
    let s = shape("The expanded size of the tensor (4) must match the existing size (3) at non-singleton dimension 1.  Target sizes: [2, 4].  Tensor sizes: [2, 3]");
    assert_eq!(shapes(&s), (ShapeOp::Broadcast, Some(vec![2, 3]), Some(vec![2, 4])));
    assert_eq!(s.dimension, Some(1));
}

#[test]
fn torch_convolution_checkpoint_bmm_and_loss() {
    let s = shape("Given groups=1, weight of size [64, 3, 3, 3], expected input[1, 1, 28, 28] to have 3 channels, but got 1 channels instead");
    assert_eq!(shapes(&s), (ShapeOp::Convolution, Some(vec![1, 1, 28, 28]), Some(vec![64, 3, 3, 3])));
    assert!(s.suggestion().contains("expects 3 channels but the input has 1 channels"), "{}", s.suggestion());
    let s = shape("size mismatch for fc.weight: copying a param with shape torch.Size([10, 512]) from checkpoint, the shape in current model is torch.Size([5, 512]).");
    assert_eq!(shapes(&s), (ShapeOp::Checkpoint, Some(vec![10, 512]), Some(vec![5, 512])));
    assert!(s.suggestion().contains("`fc.weight` is 10x512 but the model's is 5x512"), "{}", s.suggestion());
    let s = shape("Expected size for first two dimensions of batch2 tensor to be: [10, 4] but got: [10, 5].");
    assert_eq!(
        (s.operation, s.expected.as_deref(), s.got.as_deref()),
        (ShapeOp::Matmul, Some("[10, 4]"), Some("[10, 5]"))
    );
    let s = shape("Expected input batch_size (32) to match target batch_size (64).");
    assert_eq!((s.operation, s.dimension, s.got.as_deref()), (ShapeOp::Elementwise, Some(0), Some("64")));
}

#[test]
fn tensorflow_oom_computes_the_request_from_the_shape() {
    let o = oom("OOM when allocating tensor with shape[32,1024,64,64] and type float on /job:localhost/replica:0/task:0/device:GPU:0 by allocator GPU_0_bfc");
    // 32 * 1024 * 64 * 64 floats of 4 bytes = 512 MiB.
    assert_eq!((o.device, o.requested_mb), (Device::Gpu(0), Some(512)));
    assert!(o.suggestions().iter().any(|s| s.contains("set_memory_growth")), "{:?}", o.suggestions());
    let o = oom("OOM when allocating tensor with shape[209715200,30] and type double on /job:localhost/replica:0/task:0/device:CPU:0 by allocator cpu");
    assert_eq!((o.device, o.requested_mb), (Device::Cpu, Some(48000)));
    // A shape whose byte count overflows u64 leaves the figure out.
    let o = oom("OOM when allocating tensor with shape[18446744073709551615,2] and type float on /job:localhost/replica:0/task:0/device:GPU:1 by allocator GPU_1_bfc");
    assert_eq!((o.device, o.requested_mb), (Device::Gpu(1), None));
}

#[test]
fn xla_and_tpu_oom() {
    let o = oom("RESOURCE_EXHAUSTED: Out of memory while trying to allocate 33762398024 bytes.");
    assert_eq!((o.device, o.requested_mb), (Device::Accelerator, Some(32198)));
    assert!(o.suggestions().iter().any(|s| s.contains("XLA_PYTHON_CLIENT_PREALLOCATE")), "{:?}", o.suggestions());
    let o = oom(
        "jaxlib.xla_extension.XlaRuntimeError: RESOURCE_EXHAUSTED: Out of memory while trying to allocate 16.00GiB.",
    );
    assert_eq!(o.requested_mb, Some(16384));
    let o = oom("RESOURCE_EXHAUSTED: Out of memory allocating 4294967296 bytes.");
    assert_eq!(o.requested_mb, Some(4096));
    let o = oom("RESOURCE_EXHAUSTED: XLA:TPU compile permanent error. Ran out of memory in memory space hbm. Used 20.93G of 15.48G hbm. Exceeded hbm capacity by 5.45G.");
    assert_eq!((o.device, o.requested_mb, o.total_mb), (Device::Tpu(0), Some(21432), Some(15852)));
    assert!(o.suggestions().iter().any(|s| s.contains("jax.checkpoint")));
}

#[test]
fn rocm_oom_is_driven_through_torch_cuda() {
    let o = oom("HIP out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 63.98 GiB of which 1.20 GiB is free.");
    assert_eq!((o.device, o.requested_mb, o.available_mb), (Device::Cuda(0), Some(2048), Some(1229)));
}

#[test]
fn dtype_phrasings_of_jax_tensorflow_and_more() {
    let cases = [
        ("lax.add requires arguments to have the same dtypes, got float32, int32.", Dtype::Float32, Dtype::Int32, Some("add")),
        (
            "TypeError: lax.dynamic_update_slice requires arguments to have the same dtypes, got bfloat16, float32.",
            Dtype::BFloat16,
            Dtype::Float32,
            Some("dynamic_update_slice"),
        ),
        (
            "cannot compute AddV2 as input #1(zero-based) was expected to be a float tensor but is a int32 tensor [Op:AddV2]",
            Dtype::Float32,
            Dtype::Int32,
            Some("AddV2"),
        ),
        (
            "Input 'y' of 'AddV2' Op has type int32 that does not match type float32 of argument 'x'.",
            Dtype::Float32,
            Dtype::Int32,
            Some("AddV2"),
        ),
        ("Tensor conversion requested dtype float32 for Tensor with dtype int32: <tf.Tensor: shape=(), dtype=int32, numpy=1>", Dtype::Float32, Dtype::Int32, None),
        ("Cannot cast array data from dtype('float64') to dtype('int64') according to the rule 'safe'", Dtype::Int64, Dtype::Float64, None),
        (
            "Index put requires the source and destination dtypes match, got Float for the destination and Double for the source.",
            Dtype::Float32,
            Dtype::Float64,
            Some("index_put"),
        ),
        ("expected mat1 and mat2 to have the same dtype, but got: float != c10::Half", Dtype::Float32, Dtype::Float16, Some("matmul")),
        ("Input type (torch.cuda.HalfTensor) and weight type (torch.cuda.FloatTensor) should be the same", Dtype::Float32, Dtype::Float16, None),
    ];
    for (msg, expected, got, op) in cases {
        let d = dtype(msg);
        assert_eq!((&d.expected, &d.got, d.operation.as_deref()), (&expected, &got, op), "{msg}");
        assert!(d.suggestion().contains(&format!("tf.cast(x, tf.{})", expected.name())), "{msg}: {}", d.suggestion());
    }
}

#[test]
fn device_mismatches() {
    let d = device("Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu! (when checking argument for argument mat1 in method wrapper_CUDA_addmm)");
    assert_eq!((d.expected, d.got, d.argument.as_deref()), (Device::Cuda(0), Device::Cpu, Some("mat1")));
    assert!(d.suggestion().contains("move the tensor on cpu (`mat1`) to cuda:0"), "{}", d.suggestion());
    let d = device("Expected all tensors to be on the same device, but found at least two devices, cpu and cuda:1!");
    assert_eq!((d.expected, d.got, d.argument), (Device::Cpu, Device::Cuda(1), None));
    let d = device("Input type (torch.FloatTensor) and weight type (torch.cuda.FloatTensor) should be the same or input should be a MKLDNN tensor and weight is a dense tensor");
    assert_eq!((d.expected, d.got), (Device::Cuda(0), Device::Cpu));
    let d = device(
        "Expected object of device type cuda but got device type cpu for argument #1 'self' in call to _th_addmm",
    );
    assert_eq!((d.expected, d.got, d.argument.as_deref()), (Device::Cuda(0), Device::Cpu, Some("self")));
    let text = MlError::from_message(
        "Expected all tensors to be on the same device, but found at least two devices, mps:0 and cpu!",
    )
    .unwrap()
    .to_string();
    assert!(text.starts_with("device mismatch: expected MPS but got CPU; move the tensor on cpu to mps"), "{text}");
}

#[test]
fn truncated_and_garbled_messages_stay_untranslated() {
    for msg in [
        "Incompatible shapes: [3, 4] vs",
        "Incompatible shapes: [3, 4",
        "Matrix size-incompatible: In[0]: [2,3]",
        "ConcatOp : Dimensions of inputs should match: shape[0] = [4,x]",
        "cannot reshape array of shape (6,) into",
        "Input to reshape is a tensor with many values",
        "Expected all tensors to be on the same device, but found at least two devices, cuda:x and cpu!",
        "Expected all tensors to be on the same device, but found at least two devices, meta and cpu!",
        "Input type (torch.FloatTensor) and weight type (torch.cuda.Float",
        "Input type (torch.Tensor) and weight type (torch.cuda.FloatTensor) should be the same",
        "lax.add requires arguments to have the same dtypes, got",
        "cannot compute AddV2 as input #1(zero-based) was expected to be a",
        "size mismatch for fc.weight: copying a param with shape torch.Size([10, 512]",
        "Sizes of tensors must match except in dimension 1. Expected size",
        "Given groups=1, weight of size [64, 3, 3, 3], expected input[1, 1, 28, 28] to have",
        "Dimensions must be equal, but are 3 and",
        "Incompatible shapes: [99999999999999999999999,1] vs. [4,5]",
    ] {
        assert_eq!(MlError::from_message(msg), None, "{msg:?}");
    }
}

#[test]
fn huge_shapes_are_bounded() {
    // 10,000 dimensions: the message is cut at 4,096 characters, so the shape never closes.
    let dims = vec!["2"; 10_000].join(", ");
    assert_eq!(MlError::from_message(&format!("Incompatible shapes: [{dims}] vs. [{dims}]")), None);
    // 1,000 dimensions fit and parse in full; the suggestion is long but finite.
    let dims = vec!["1"; 1000].join(",");
    let s = shape(&format!("Incompatible shapes: [{dims}] vs. [2]"));
    assert_eq!(s.shape_a.as_ref().map(Vec::len), Some(1000));
    assert!(!s.suggestion().is_empty());
    let s = shape(&format!("incompatible shapes for broadcasting: [{}] vs [5]", u64::MAX));
    assert_eq!(s.shape_a, Some(vec![u64::MAX]));
}

#[test]
fn every_added_phrase_gets_a_complete_suggestion() {
    // A `?` in a suggestion is a figure the parser should have filled in.
    for msg in [
        "incompatible shapes for broadcasting: [3, 4] vs [5, 6]",
        "Incompatible shapes for broadcasting: shapes=[(3, 4), (5, 6)]",
        "Binary op add with incompatible shapes: f32[3,4] and f32[5,6].",
        "Incompatible shapes: [2,3] vs. [4,5] [Op:AddV2]",
        "Matrix size-incompatible: In[0]: [2,3], In[1]: [4,5]",
        "dot_general requires contracting dimensions to have the same shape, got (3,) and (4,).",
        "Dimensions must be equal, but are 3 and 4 for '{{node add}} = AddV2[T=DT_FLOAT](x, y)' with input shapes: [2,3], [2,4].",
        "ConcatOp : Dimensions of inputs should match: shape[0] = [4,32,8] vs. shape[1] = [6,35,8]",
        "Cannot concatenate arrays with shapes that differ in dimensions other than the one being concatenated: concatenating along dimension 0 for shapes (2, 3), (2, 4).",
        "all the input array dimensions except for the concatenation axis must match exactly, but along dimension 1, the array at index 0 has size 3 and the array at index 1 has size 4",
        "all the input arrays must have same number of dimensions, but the array at index 0 has 2 dimension(s) and the array at index 1 has 1 dimension(s)",
        "all input arrays must have the same shape",
        "Sizes of tensors must match except in dimension 1. Expected size 3 but got size 4 for tensor number 1 in the list.",
        "stack expects each tensor to be equal size, but got [3, 4] at entry 0 and [3, 5] at entry 1",
        "cannot reshape array of shape (6,) (size 6) into shape (4,) (size 4)",
        "Input to reshape is a tensor with 6 values, but the requested shape has 4",
        "could not broadcast input array from shape (4,) into shape (3,)",
        "shape mismatch: value array of shape (3,) could not be broadcast to indexing result of shape (4,)",
        "The expanded size of the tensor (4) must match the existing size (3) at non-singleton dimension 1.  Target sizes: [2, 4].  Tensor sizes: [2, 3]",
        "Given groups=1, weight of size [64, 3, 3, 3], expected input[1, 1, 28, 28] to have 3 channels, but got 1 channels instead",
        "size mismatch for fc.weight: copying a param with shape torch.Size([10, 512]) from checkpoint, the shape in current model is torch.Size([5, 512]).",
        "Expected size for first two dimensions of batch2 tensor to be: [10, 4] but got: [10, 5].",
        "Expected input batch_size (32) to match target batch_size (64).",
        "OOM when allocating tensor with shape[32,1024,64,64] and type float on /job:localhost/replica:0/task:0/device:GPU:0 by allocator GPU_0_bfc",
        "RESOURCE_EXHAUSTED: Out of memory while trying to allocate 33762398024 bytes.",
        "Ran out of memory in memory space hbm. Used 20.93G of 15.48G hbm.",
        "lax.add requires arguments to have the same dtypes, got float32, int32.",
        "Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!",
    ] {
        let e = MlError::from_message(msg).unwrap_or_else(|| panic!("{msg:?} not recognised"));
        let text = e.to_string();
        assert!(!text.contains('?'), "{msg:?}: {text}");
    }
}

/// The phrases the translator knows, cut at any point and spliced into random text.
const PHRASES: &[&str] = &[
    "incompatible shapes for broadcasting: [3, 4] vs [5, 6]",
    "Incompatible shapes: [2,3] vs. [4,5]",
    "Matrix size-incompatible: In[0]: [2,3], In[1]: [4,5]",
    "OOM when allocating tensor with shape[32,1024,64,64] and type float on /job:localhost/replica:0/task:0/device:GPU:0",
    "Ran out of memory in memory space hbm. Used 20.93G of 15.48G hbm.",
    "Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!",
    "Input type (torch.FloatTensor) and weight type (torch.cuda.FloatTensor) should be the same",
    "lax.add requires arguments to have the same dtypes, got float32, int32.",
    "The expanded size of the tensor (4) must match the existing size (3) at non-singleton dimension 1.  Target sizes: [2, 4].  Tensor sizes: [2, 3]",
    "size mismatch for fc.weight: copying a param with shape torch.Size([10, 512]) from checkpoint, the shape in current model is torch.Size([5, 512]).",
    "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 1; 15.78 GiB total capacity; 1.23 GiB free)",
];

proptest! {
    #[test]
    fn random_text_never_panics(text in "\\PC{0,300}") {
        if let Some(e) = MlError::from_message(&text) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn cut_and_spliced_phrases_never_panic(
        which in 0..PHRASES.len(),
        cut in 0usize..200,
        noise in "[\\[\\]()0-9,x .:-]{0,40}",
        big in any::<u64>(),
    ) {
        let phrase = PHRASES[which];
        let cut = (0..=cut.min(phrase.len())).rev().find(|&i| phrase.is_char_boundary(i)).unwrap_or(0);
        for text in [
            format!("{}{noise}", &phrase[..cut]),
            format!("{noise}{}", &phrase[cut..]),
            phrase.replacen('3', &big.to_string(), 1),
            phrase.replacen('4', &format!("{big}{big}"), 1),
        ] {
            if let Some(e) = MlError::from_message(&text) {
                prop_assert!(!e.to_string().is_empty());
                prop_assert!(!e.suggestion().is_empty());
            }
        }
    }
}
