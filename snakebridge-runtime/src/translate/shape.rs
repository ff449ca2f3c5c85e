//! The shape-mismatch types, their suggestions, and the phrasings of PyTorch and NumPy (JAX and
//! TensorFlow are in `shape_xla`).

use super::cursor::{dims, join, Cursor};

/// What kind of operation rejected the shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ShapeOp {
    /// Matrix multiply (`@`, `matmul`, `mm`, `dot`, `nn.Linear`).
    Matmul,
    /// An element-wise operation between two tensors of different sizes.
    Elementwise,
    /// NumPy broadcasting.
    Broadcast,
    /// A dimension or axis index outside the tensor's rank.
    DimensionOutOfRange,
    /// `reshape`/`view` to a shape with a different number of elements.
    Reshape,
    /// Concatenating or stacking arrays whose other dimensions differ (`cat`, `concatenate`,
    /// `stack`, TensorFlow's `ConcatOp`).
    Concat,
    /// A convolution whose input has a different number of channels than its weight expects.
    Convolution,
    /// Loading a checkpoint (`load_state_dict`) whose parameter shape differs from the model's.
    Checkpoint,
}

impl ShapeOp {
    /// The seed's operation name (`"matmul"`, `"elementwise"`, …).
    pub fn name(self) -> &'static str {
        match self {
            ShapeOp::Matmul => "matmul",
            ShapeOp::Elementwise => "elementwise",
            ShapeOp::Broadcast => "broadcast",
            ShapeOp::DimensionOutOfRange => "dimension",
            ShapeOp::Reshape => "reshape",
            ShapeOp::Concat => "concat",
            ShapeOp::Convolution => "convolution",
            ShapeOp::Checkpoint => "checkpoint",
        }
    }
}

/// Tensors or arrays whose shapes do not fit the operation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ShapeMismatch {
    /// The operation.
    pub operation: ShapeOp,
    /// The first operand's shape, when the message gives it.
    pub shape_a: Option<Vec<u64>>,
    /// The second operand's shape (for a reshape: the requested shape).
    pub shape_b: Option<Vec<u64>>,
    /// The size the operation expected (a dimension size, a valid index range), as text.
    pub expected: Option<String>,
    /// What it got, as text (for [`ShapeOp::Checkpoint`]: the parameter's name).
    pub got: Option<String>,
    /// The dimension the sizes disagree in, when the message names it.
    pub dimension: Option<i64>,
}

impl ShapeMismatch {
    pub(super) fn new(operation: ShapeOp) -> Self {
        ShapeMismatch { operation, shape_a: None, shape_b: None, expected: None, got: None, dimension: None }
    }

    /// What to do, worked out from the shapes.
    pub fn suggestion(&self) -> String {
        match (self.operation, &self.shape_a, &self.shape_b) {
            (ShapeOp::Matmul, Some(a), Some(b)) if a.len() >= 2 && b.len() >= 2 => {
                let (cols, rows) = (a[a.len() - 1], b[b.len() - 2]);
                let bt = format!("{}x{}", b[b.len() - 1], b[b.len() - 2]);
                if b[b.len() - 1] == cols {
                    format!("A has {cols} columns but B has {rows} rows; B transposed ({bt}) fits: multiply by B.T (`b.T` / `b.transpose(-2, -1)`)")
                } else if a[a.len() - 2] == rows {
                    format!("A has {cols} columns but B has {rows} rows; A transposed fits: multiply A.T by B")
                } else {
                    format!("A has {cols} columns but B has {rows} rows; the inner dimensions must match (A is {}, B is {}): reshape one operand or check the layer sizes", join(a), join(b))
                }
            }
            (ShapeOp::Matmul, _, _) => {
                let detail = match (&self.expected, &self.got) {
                    (Some(e), Some(g)) => format!(" ({e} vs {g})"),
                    _ => String::new(),
                };
                format!("the inner dimensions of a matrix multiply must match{detail}: transpose or reshape one operand")
            }
            (ShapeOp::Elementwise, _, _) => {
                let dim = self.dimension.map(|d| format!(" in dimension {d}")).unwrap_or_default();
                format!(
                    "the tensors differ{dim} ({} vs {}); make the sizes equal, or make one of them 1 so it broadcasts (`unsqueeze`/`reshape`)",
                    self.expected.as_deref().unwrap_or("?"),
                    self.got.as_deref().unwrap_or("?")
                )
            }
            (ShapeOp::Broadcast, Some(a), Some(b)) => format!(
                "shapes ({}) and ({}) do not broadcast: aligned from the right, each dimension pair must be equal or contain a 1; add an axis (`a[:, None]`) or reshape",
                a.iter().map(u64::to_string).collect::<Vec<_>>().join(","),
                b.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
            ),
            (ShapeOp::Broadcast, _, _) => "the shapes do not broadcast: each dimension pair must be equal or contain a 1".into(),
            (ShapeOp::DimensionOutOfRange, _, _) => format!(
                "dimension {} does not exist (valid: {}); check the tensor's rank with `.ndim`/`.dim()`, negative indices count from the end",
                self.got.as_deref().unwrap_or("?"),
                self.expected.as_deref().unwrap_or("?")
            ),
            (ShapeOp::Reshape, _, _) => format!(
                "the new shape must hold the same number of elements as the input ({}); use -1 for one dimension to have it inferred",
                self.got.as_deref().unwrap_or("?")
            ),
            (ShapeOp::Concat, _, _) => {
                let detail = match (&self.shape_a, &self.shape_b, &self.expected, &self.got) {
                    (Some(a), Some(b), _, _) => format!(" ({} vs {})", join(a), join(b)),
                    (_, _, Some(e), Some(g)) => {
                        let dim = self.dimension.map(|d| format!(" in dimension {d}")).unwrap_or_default();
                        format!(" ({e} vs {g}{dim})")
                    }
                    _ => String::new(),
                };
                format!("the inputs must have the same rank and the same size in every dimension except the concatenation axis{detail}; pad, slice or reshape them first, or concatenate along the axis where they differ")
            }
            (ShapeOp::Convolution, _, _) => format!(
                "the layer expects {} but the input has {}: check the layer's `in_channels`, and the layout (PyTorch convolutions take NCHW: turn an NHWC image around with `x.permute(0, 3, 1, 2)`; a grey image needs a channel axis: `x.unsqueeze(1)`)",
                self.expected.as_deref().unwrap_or("?"),
                self.got.as_deref().unwrap_or("?")
            ),
            (ShapeOp::Checkpoint, a, b) => format!(
                "the checkpoint's `{}` is {} but the model's is {}: build the model with the configuration the checkpoint was trained with (number of classes, hidden size, vocabulary), or drop that key and load with `strict=False` to train it anew",
                self.got.as_deref().unwrap_or("?"),
                a.as_deref().map(join).unwrap_or_else(|| "?".into()),
                b.as_deref().map(join).unwrap_or_else(|| "?".into())
            ),
        }
    }
}

/// Recognises the shape-mismatch phrasings.
pub(super) fn parse(message: &str) -> Option<ShapeMismatch> {
    classic(message).or_else(|| more(message)).or_else(|| super::shape_xla::parse(message))
}

/// The phrasings the translator knew first.
fn classic(message: &str) -> Option<ShapeMismatch> {
    let m = Cursor::new(message);
    // PyTorch: "mat1 and mat2 shapes cannot be multiplied (3x4 and 5x6)"
    if let Some(c) = m.skip_past("shapes cannot be multiplied (") {
        let (a, c) = c.until(" and ")?;
        let (b, _) = c.until(")")?;
        return Some(ShapeMismatch {
            shape_a: Some(dims(a)?),
            shape_b: Some(dims(b)?),
            ..ShapeMismatch::new(ShapeOp::Matmul)
        });
    }
    // Older PyTorch: "size mismatch, m1: [3 x 4], m2: [5 x 6]"
    if let Some(c) = m.skip_past("size mismatch, m1: ") {
        let (a, c) = c.until(", m2: ")?;
        let b = c.rest().split_once(']').map(|(b, _)| b)?;
        return Some(ShapeMismatch {
            shape_a: Some(dims(a)?),
            shape_b: Some(dims(b)?),
            ..ShapeMismatch::new(ShapeOp::Matmul)
        });
    }
    // NumPy dot: "shapes (2,3) and (4,5) not aligned: 3 (dim 1) != 4 (dim 0)"
    if let Some(c) = m.skip_past("shapes (") {
        if let Some((a, c)) = c.until(") and (") {
            if let Some((b, c)) = c.until(") not aligned") {
                return Some(ShapeMismatch {
                    shape_a: Some(dims(a)?),
                    shape_b: Some(dims(b)?),
                    got: Some(c.rest().trim_start_matches(':').trim().to_owned()).filter(|s| !s.is_empty()),
                    ..ShapeMismatch::new(ShapeOp::Matmul)
                });
            }
        }
    }
    // NumPy matmul: "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc
    // signature (n?,k),(k,m?)->(n?,m?) (size 4 is different from 3)"
    if let Some(c) = m.skip_past("has a mismatch in its core dimension ") {
        let (dim, c) = c.integer()?;
        let c = c.skip_past("(size ")?;
        let (got, c) = c.integer()?;
        let (expected, _) = c.expect(" is different from ")?.integer()?;
        return Some(ShapeMismatch {
            expected: Some(expected.to_string()),
            got: Some(got.to_string()),
            dimension: Some(i64::try_from(dim).ok()?),
            ..ShapeMismatch::new(ShapeOp::Matmul)
        });
    }
    // PyTorch: "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"
    if let Some(c) = m.skip_past("The size of tensor a (") {
        let (a, c) = c.integer()?;
        let (b, c) = c.skip_past("the size of tensor b (")?.integer()?;
        let (dim, _) = c.skip_past("dimension ")?.signed()?;
        return Some(ShapeMismatch {
            expected: Some(a.to_string()),
            got: Some(b.to_string()),
            dimension: Some(dim),
            ..ShapeMismatch::new(ShapeOp::Elementwise)
        });
    }
    // NumPy: "operands could not be broadcast together with shapes (2,3) (4,5) "
    if let Some(c) = m.skip_past("could not be broadcast together with shapes ") {
        let c = c.skip_spaces().expect("(")?;
        let (a, c) = c.until(")")?;
        let c = c.skip_spaces().expect("(")?;
        let (b, _) = c.until(")")?;
        return Some(ShapeMismatch {
            shape_a: Some(dims(a)?),
            shape_b: Some(dims(b)?),
            ..ShapeMismatch::new(ShapeOp::Broadcast)
        });
    }
    // PyTorch: "Dimension out of range (expected to be in range of [-2, 1], but got 2)"
    if let Some(c) = m.skip_past("Dimension out of range (expected to be in range of [") {
        let (lo, c) = c.signed()?;
        let (hi, c) = c.expect(", ")?.signed()?;
        let (got, _) = c.expect("], but got ")?.signed()?;
        return Some(ShapeMismatch {
            expected: Some(format!("{lo}..={hi}")),
            got: Some(got.to_string()),
            dimension: Some(got),
            ..ShapeMismatch::new(ShapeOp::DimensionOutOfRange)
        });
    }
    // NumPy AxisError: "axis 2 is out of bounds for array of dimension 2"
    if let Some(c) = m.skip_past("axis ") {
        if let Some((axis, c)) = c.signed() {
            if let Some(c) = c.expect(" is out of bounds for array of dimension ") {
                let (ndim, _) = c.integer()?;
                let ndim = i64::try_from(ndim).ok()?;
                return Some(ShapeMismatch {
                    expected: Some(format!("{}..={}", -ndim, ndim - 1)),
                    got: Some(axis.to_string()),
                    dimension: Some(axis),
                    ..ShapeMismatch::new(ShapeOp::DimensionOutOfRange)
                });
            }
        }
    }
    // PyTorch: "shape '[2, 3]' is invalid for input of size 10"
    if let Some(c) = m.skip_past("shape '") {
        if let Some((shape, c)) = c.until("' is invalid for input of size ") {
            let (size, _) = c.integer()?;
            return Some(ShapeMismatch {
                shape_b: Some(dims(shape)?),
                got: Some(format!("{size} elements")),
                ..ShapeMismatch::new(ShapeOp::Reshape)
            });
        }
    }
    // NumPy: "cannot reshape array of size 10 into shape (2,3)"
    if let Some(c) = m.skip_past("cannot reshape array of size ") {
        let (size, c) = c.integer()?;
        let c = c.expect(" into shape ")?;
        let shape = c.rest().split_once(')').map(|(s, _)| s).unwrap_or(c.rest());
        return Some(ShapeMismatch {
            shape_b: Some(dims(shape)?),
            got: Some(format!("{size} elements")),
            ..ShapeMismatch::new(ShapeOp::Reshape)
        });
    }
    None
}

/// Further PyTorch and NumPy phrasings: concatenation, assignment broadcasting, convolutions,
/// checkpoints, batched matmul, `expand`, loss batch sizes.
fn more(message: &str) -> Option<ShapeMismatch> {
    let m = Cursor::new(message);
    // NumPy: "all the input array dimensions except for the concatenation axis must match exactly,
    // but along dimension 1, the array at index 0 has size 3 and the array at index 1 has size 4"
    if let Some(c) = m.skip_past("except for the concatenation axis must match exactly") {
        let mut s = ShapeMismatch::new(ShapeOp::Concat);
        if let Some(c) = c.skip_past("along dimension ") {
            let (dim, c) = c.signed()?;
            let (a, c) = c.skip_past(" has size ")?.integer()?;
            let (b, _) = c.skip_past(" has size ")?.integer()?;
            (s.dimension, s.expected, s.got) = (Some(dim), Some(a.to_string()), Some(b.to_string()));
        }
        return Some(s);
    }
    // NumPy: "all the input arrays must have same number of dimensions, but the array at index 0
    // has 2 dimension(s) and the array at index 1 has 1 dimension(s)"
    if let Some(c) = m.skip_past("input arrays must have same number of dimensions") {
        let mut s = ShapeMismatch::new(ShapeOp::Concat);
        if let Some(c) = c.skip_past(" has ") {
            let (a, c) = c.integer()?;
            let (b, _) = c.skip_past(" has ")?.integer()?;
            (s.expected, s.got) = (Some(format!("{a} dimensions")), Some(format!("{b} dimensions")));
        }
        return Some(s);
    }
    // NumPy `stack`: "all input arrays must have the same shape"
    if message.contains("all input arrays must have the same shape") {
        return Some(ShapeMismatch::new(ShapeOp::Concat));
    }
    // PyTorch `cat`: "Sizes of tensors must match except in dimension 1. Expected size 3 but got
    // size 4 for tensor number 1 in the list."
    if let Some(c) = m.skip_past("Sizes of tensors must match except in dimension ") {
        let (_, c) = c.signed()?;
        let (e, c) = c.skip_past("Expected size ")?.integer()?;
        let (g, _) = c.expect(" but got size ")?.integer()?;
        return Some(ShapeMismatch {
            expected: Some(e.to_string()),
            got: Some(g.to_string()),
            ..ShapeMismatch::new(ShapeOp::Concat)
        });
    }
    // PyTorch `stack`: "stack expects each tensor to be equal size, but got [3, 4] at entry 0 and
    // [3, 5] at entry 1"
    if let Some(c) = m.skip_past("stack expects each tensor to be equal size, but got ") {
        let (a, c) = c.shape()?;
        let (b, _) = c.skip_past(" and ")?.shape()?;
        return Some(ShapeMismatch { shape_a: Some(a), shape_b: Some(b), ..ShapeMismatch::new(ShapeOp::Concat) });
    }
    // NumPy: "could not broadcast input array from shape (4,) into shape (3,)"
    if let Some(c) = m.skip_past("could not broadcast input array from shape ") {
        let (a, c) = c.shape()?;
        let (b, _) = c.expect(" into shape ")?.shape()?;
        return Some(ShapeMismatch { shape_a: Some(a), shape_b: Some(b), ..ShapeMismatch::new(ShapeOp::Broadcast) });
    }
    // NumPy: "shape mismatch: value array of shape (3,) could not be broadcast to indexing result
    // of shape (4,)"; PyTorch: "shape mismatch: value tensor of shape [3] cannot be broadcast to
    // indexing result of shape [4]"
    if let Some(c) = m.skip_past("shape mismatch: value ") {
        let (a, c) = c.skip_past("of shape ")?.shape()?;
        let (b, _) = c.skip_past("indexing result of shape ")?.shape()?;
        return Some(ShapeMismatch { shape_a: Some(a), shape_b: Some(b), ..ShapeMismatch::new(ShapeOp::Broadcast) });
    }
    // PyTorch `expand`: "The expanded size of the tensor (4) must match the existing size (3) at
    // non-singleton dimension 1.  Target sizes: [2, 4].  Tensor sizes: [2, 3]"
    if let Some(c) = m.skip_past("The expanded size of the tensor (") {
        let (target, c) = c.signed()?;
        let (existing, c) = c.skip_past("the existing size (")?.integer()?;
        let (dim, c) = c.skip_past("dimension ")?.signed()?;
        let target_shape = c.skip_past("Target sizes: ").and_then(Cursor::shape).map(|(s, _)| s);
        let tensor_shape = c.skip_past("Tensor sizes: ").and_then(Cursor::shape).map(|(s, _)| s);
        return Some(ShapeMismatch {
            shape_a: tensor_shape,
            shape_b: target_shape,
            expected: Some(existing.to_string()),
            got: Some(target.to_string()),
            dimension: Some(dim),
            ..ShapeMismatch::new(ShapeOp::Broadcast)
        });
    }
    // PyTorch conv: "Given groups=1, weight of size [64, 3, 3, 3], expected input[1, 1, 28, 28]
    // to have 3 channels, but got 1 channels instead"
    if let Some(c) = m.skip_past("weight of size ") {
        if let Some((weight, c)) = c.shape() {
            if let Some(c) = c.skip_past("expected input") {
                let (input, c) = c.shape()?;
                let (e, c) = c.expect(" to have ")?.integer()?;
                let (g, _) = c.skip_past("but got ")?.integer()?;
                return Some(ShapeMismatch {
                    shape_a: Some(input),
                    shape_b: Some(weight),
                    expected: Some(format!("{e} channels")),
                    got: Some(format!("{g} channels")),
                    dimension: Some(1),
                    ..ShapeMismatch::new(ShapeOp::Convolution)
                });
            }
        }
    }
    // PyTorch `load_state_dict`: "size mismatch for fc.weight: copying a param with shape
    // torch.Size([10, 512]) from checkpoint, the shape in current model is torch.Size([5, 512])."
    if let Some(c) = m.skip_past("size mismatch for ") {
        let (name, c) = c.until(": copying a param with shape ")?;
        let (a, c) = c.shape()?;
        let (b, _) = c.skip_past("the shape in current model is ")?.shape()?;
        return Some(ShapeMismatch {
            shape_a: Some(a),
            shape_b: Some(b),
            got: Some(name.trim().to_owned()),
            ..ShapeMismatch::new(ShapeOp::Checkpoint)
        });
    }
    // PyTorch `bmm`: "Expected size for first two dimensions of batch2 tensor to be: [10, 4] but
    // got: [10, 5]."
    if let Some(c) = m.skip_past("Expected size for first two dimensions of batch2 tensor to be: ") {
        let (e, c) = c.shape()?;
        let (g, _) = c.expect(" but got: ")?.shape()?;
        return Some(ShapeMismatch {
            expected: Some(format!("{e:?}")),
            got: Some(format!("{g:?}")),
            ..ShapeMismatch::new(ShapeOp::Matmul)
        });
    }
    // PyTorch losses: "Expected input batch_size (32) to match target batch_size (64)."
    if let Some(c) = m.skip_past("Expected input batch_size (") {
        let (a, c) = c.integer()?;
        let (b, _) = c.expect(") to match target batch_size (")?.integer()?;
        return Some(ShapeMismatch {
            expected: Some(a.to_string()),
            got: Some(b.to_string()),
            dimension: Some(0),
            ..ShapeMismatch::new(ShapeOp::Elementwise)
        });
    }
    None
}
