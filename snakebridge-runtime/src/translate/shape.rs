//! The shape-mismatch phrasings of PyTorch and NumPy.

use super::cursor::{dims, Cursor};

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
    /// What it got, as text.
    pub got: Option<String>,
    /// The dimension the sizes disagree in, when the message names it.
    pub dimension: Option<i64>,
}

impl ShapeMismatch {
    fn new(operation: ShapeOp) -> Self {
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
        }
    }
}

fn join(s: &[u64]) -> String {
    s.iter().map(u64::to_string).collect::<Vec<_>>().join("x")
}

/// Recognises the shape-mismatch phrasings.
pub(super) fn parse(message: &str) -> Option<ShapeMismatch> {
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
