//! The shape-mismatch phrasings of JAX (and XLA under it) and TensorFlow.

use super::cursor::{join, Cursor};
use super::shape::{ShapeMismatch, ShapeOp};

/// Recognises the JAX and TensorFlow phrasings.
pub(super) fn parse(message: &str) -> Option<ShapeMismatch> {
    let m = Cursor::new(message);
    let pair = |op: ShapeOp, (a, b): (Vec<u64>, Vec<u64>)| {
        Some(ShapeMismatch { shape_a: Some(a), shape_b: Some(b), ..ShapeMismatch::new(op) })
    };
    // JAX: "Incompatible shapes for broadcasting: shapes=[(3, 4), (5, 6)]" (lax.broadcast_shapes),
    // older "Incompatible shapes for broadcasting: ((8,), (1000,))", the primitives'
    // "add got incompatible shapes for broadcasting: (3, 4), (5, 6)." and
    // "incompatible shapes for broadcasting: [3, 4] vs [5, 6]".
    if let Some(c) = m.skip_past("ncompatible shapes for broadcasting") {
        let c = c.expect(":").unwrap_or(c).skip_spaces().skip_any(&["shapes=[", "shapes=("]);
        // The old tuple-of-tuples form opens with a second bracket.
        let c = if c.rest().starts_with("((") || c.rest().starts_with("[(") { c.skip_any(&["(", "["]) } else { c };
        return match c.two_shapes() {
            Some((a, b, _)) => pair(ShapeOp::Broadcast, (a, b)),
            // Symbolic dimensions (`(b, 4)`) or a truncated message: still a broadcast failure.
            None => Some(ShapeMismatch::new(ShapeOp::Broadcast)),
        };
    }
    // XLA: "Binary op add with incompatible shapes: f32[3,4] and f32[5,6]."
    if let Some(c) = m.skip_past("with incompatible shapes: ") {
        let (a, b, _) = c.two_shapes()?;
        return pair(ShapeOp::Broadcast, (a, b));
    }
    // TensorFlow (BCast): "Incompatible shapes: [2,3] vs. [4,5] [Op:AddV2]"
    if let Some(c) = m.skip_past("Incompatible shapes: ") {
        let (a, b, _) = c.two_shapes()?;
        return pair(ShapeOp::Broadcast, (a, b));
    }
    // JAX: "dot_general requires contracting dimensions to have the same shape, got (3,) and (4,)."
    if let Some(c) = m.skip_past("requires contracting dimensions to have the same shape") {
        let mut s = ShapeMismatch::new(ShapeOp::Matmul);
        if let Some((a, b, _)) = c.skip_past("got ").and_then(Cursor::two_shapes) {
            (s.expected, s.got) = (Some(join(&a)), Some(join(&b)));
        }
        return Some(s);
    }
    // TensorFlow: "Matrix size-incompatible: In[0]: [2,3], In[1]: [4,5]"
    if let Some(c) = m.skip_past("Matrix size-incompatible: In[0]: ") {
        let (a, c) = c.shape()?;
        let (b, _) = c.skip_past("In[1]: ")?.shape()?;
        return pair(ShapeOp::Matmul, (a, b));
    }
    // TensorFlow graph mode: "Dimensions must be equal, but are 3 and 4 for '{{node MatMul}} =
    // MatMul[T=DT_FLOAT, transpose_a=false, transpose_b=false](a, b)' with input shapes: [2,3], [4,5]."
    if let Some(c) = m.skip_past("Dimensions must be equal, but are ") {
        let (a, c) = c.integer()?;
        let (b, c) = c.expect(" and ")?.integer()?;
        let node = c.rest().split("with input shapes").next().unwrap_or("");
        let op = if node.contains("MatMul") { ShapeOp::Matmul } else { ShapeOp::Elementwise };
        let shapes = c.skip_past("with input shapes: ").and_then(Cursor::two_shapes);
        return Some(ShapeMismatch {
            shape_a: shapes.as_ref().map(|s| s.0.clone()),
            shape_b: shapes.map(|s| s.1),
            expected: Some(a.to_string()),
            got: Some(b.to_string()),
            ..ShapeMismatch::new(op)
        });
    }
    // TensorFlow: "ConcatOp : Dimensions of inputs should match: shape[0] = [4,32,8] vs. shape[1] = [6,35,8]"
    if let Some(c) = m.skip_past("Dimensions of inputs should match: shape[") {
        let (a, c) = c.skip_past("] = ")?.shape()?;
        let (b, _) = c.skip_past("] = ")?.shape()?;
        return pair(ShapeOp::Concat, (a, b));
    }
    // JAX: "Cannot concatenate arrays with shapes that differ in dimensions other than the one
    // being concatenated: concatenating along dimension 0 for shapes (2, 3), (2, 4)."
    if let Some(c) = m.skip_past("Cannot concatenate arrays with shapes that differ") {
        return match c.skip_past("for shapes ").and_then(Cursor::two_shapes) {
            Some((a, b, _)) => pair(ShapeOp::Concat, (a, b)),
            None => Some(ShapeMismatch::new(ShapeOp::Concat)),
        };
    }
    // JAX: "cannot reshape array of shape (6,) (size 6) into shape (4,) (size 4)"
    if let Some(c) = m.skip_past("annot reshape array of shape ") {
        let (a, c) = c.shape()?;
        let (size, c) = c.skip_spaces().expect("(size ")?.integer()?;
        let (b, _) = c.skip_past("into shape ")?.shape()?;
        return Some(ShapeMismatch {
            shape_a: Some(a),
            shape_b: Some(b),
            got: Some(format!("{size} elements")),
            ..ShapeMismatch::new(ShapeOp::Reshape)
        });
    }
    // TensorFlow: "Input to reshape is a tensor with 6 values, but the requested shape has 4"
    if let Some(c) = m.skip_past("Input to reshape is a tensor with ") {
        let (have, c) = c.integer()?;
        let (want, _) = c.skip_past("the requested shape has ")?.integer()?;
        return Some(ShapeMismatch {
            expected: Some(format!("{want} elements")),
            got: Some(format!("{have} elements")),
            ..ShapeMismatch::new(ShapeOp::Reshape)
        });
    }
    None
}
