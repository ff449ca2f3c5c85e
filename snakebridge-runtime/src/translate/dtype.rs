//! Dtype names as PyTorch, NumPy, JAX and TensorFlow print them, and the dtype-mismatch phrasings.

use std::fmt;

use super::cursor::Cursor;

/// A tensor/array element type, normalised from any of its spellings (`Float`,
/// `torch.float32`, `float32`, `dtype('float32')`, `float`) like the seed's `dtype_from_string`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Dtype {
    /// 16-bit IEEE float (`Half`).
    Float16,
    /// bfloat16.
    BFloat16,
    /// 32-bit float (`Float`).
    Float32,
    /// 64-bit float (`Double`).
    Float64,
    /// 8-bit signed int (`Char`).
    Int8,
    /// 16-bit signed int (`Short`).
    Int16,
    /// 32-bit signed int (`Int`).
    Int32,
    /// 64-bit signed int (`Long`).
    Int64,
    /// 8-bit unsigned int (`Byte`).
    UInt8,
    /// Boolean.
    Bool,
    /// 64-bit complex (`ComplexFloat`).
    Complex64,
    /// 128-bit complex (`ComplexDouble`).
    Complex128,
    /// Any other name, lower-cased, without a `torch.`/`numpy.` prefix.
    Other(String),
}

impl Dtype {
    /// Normalises a dtype name: `"Float"` and `"torch.float32"` are both [`Dtype::Float32`].
    pub fn from_string(name: &str) -> Dtype {
        let mut n = name.trim().trim_matches(|c| c == '\'' || c == '"' || c == '`');
        if let Some(inner) = n.strip_prefix("dtype(").and_then(|s| s.strip_suffix(')')) {
            n = inner.trim_matches(|c| c == '\'' || c == '"');
        }
        for prefix in ["torch.", "numpy.", "np.", "jnp.", "tf.", "c10::"] {
            if let Some(rest) = n.strip_prefix(prefix) {
                n = rest;
            }
        }
        match n {
            "Half" | "float16" | "half" | "f2" => Dtype::Float16,
            "BFloat16" | "bfloat16" => Dtype::BFloat16,
            "Float" | "float32" | "float" | "f4" | "single" => Dtype::Float32,
            "Double" | "float64" | "double" | "f8" => Dtype::Float64,
            "Char" | "int8" | "i1" => Dtype::Int8,
            "Short" | "int16" | "short" | "i2" => Dtype::Int16,
            "Int" | "int32" | "int" | "i4" | "intc" => Dtype::Int32,
            "Long" | "int64" | "long" | "i8" => Dtype::Int64,
            "Byte" | "uint8" | "u1" => Dtype::UInt8,
            "Bool" | "bool" | "bool_" => Dtype::Bool,
            "ComplexFloat" | "complex64" | "cfloat" => Dtype::Complex64,
            "ComplexDouble" | "complex128" | "cdouble" => Dtype::Complex128,
            other => Dtype::Other(other.to_ascii_lowercase()),
        }
    }

    /// The canonical lower-case name (`"float32"`), which is also the NumPy and PyTorch name.
    pub fn name(&self) -> &str {
        match self {
            Dtype::Float16 => "float16",
            Dtype::BFloat16 => "bfloat16",
            Dtype::Float32 => "float32",
            Dtype::Float64 => "float64",
            Dtype::Int8 => "int8",
            Dtype::Int16 => "int16",
            Dtype::Int32 => "int32",
            Dtype::Int64 => "int64",
            Dtype::UInt8 => "uint8",
            Dtype::Bool => "bool",
            Dtype::Complex64 => "complex64",
            Dtype::Complex128 => "complex128",
            Dtype::Other(s) => s,
        }
    }

    fn is_float(&self) -> bool {
        matches!(self, Dtype::Float16 | Dtype::BFloat16 | Dtype::Float32 | Dtype::Float64)
    }
}

impl fmt::Display for Dtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Two tensors or arrays whose element types do not fit together.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DtypeMismatch {
    /// The dtype the operation wanted.
    pub expected: Dtype,
    /// The dtype it was given.
    pub got: Dtype,
    /// The operation, when the message names it (`"add"` for a NumPy ufunc).
    pub operation: Option<String>,
}

impl DtypeMismatch {
    /// What to do: cast one side to the other's dtype.
    pub fn suggestion(&self) -> String {
        let (e, g) = (&self.expected, &self.got);
        let precision = if e.is_float() && g.is_float() {
            format!(
                " (mixing precisions: converting {g} to {e} {} precision)",
                if rank(e) < rank(g) { "loses" } else { "keeps" }
            )
        } else {
            String::new()
        };
        format!("convert the {g} operand to {e} before the call: `tensor.to(torch.{e})` in PyTorch, `array.astype(numpy.{e})` in NumPy, `x.astype(jnp.{e})` in JAX, `tf.cast(x, tf.{e})` in TensorFlow{precision}")
    }
}

fn rank(d: &Dtype) -> u8 {
    match d {
        Dtype::Float16 | Dtype::BFloat16 => 1,
        Dtype::Float32 => 2,
        _ => 3,
    }
}

/// Recognises the dtype-mismatch phrasings.
pub(super) fn parse(message: &str) -> Option<DtypeMismatch> {
    classic(message).or_else(|| more(message))
}

/// The phrasings of PyTorch and NumPy the translator knew first.
fn classic(message: &str) -> Option<DtypeMismatch> {
    let m = Cursor::new(message);
    let pair = |expected: &str, got: &str, operation: Option<String>| {
        Some(DtypeMismatch { expected: Dtype::from_string(expected), got: Dtype::from_string(got), operation })
    };
    // "expected scalar type Float but found Double"
    if let Some(c) = m.skip_past("expected scalar type ") {
        let (e, c) = c.word()?;
        let (g, _) = c.skip_past(" but found ")?.word()?;
        return pair(e, g, None);
    }
    // "Expected object of scalar type Float but got scalar type Double for argument #2 'mat2'"
    if let Some(c) = m.skip_past("Expected object of scalar type ") {
        let (e, c) = c.word()?;
        let (g, _) = c.skip_past(" but got scalar type ")?.word()?;
        return pair(e, g, None);
    }
    // "expected dtype torch.float32 but got torch.int64" / "... but got dtype Long"
    if let Some(c) = m.skip_past("xpected dtype ") {
        let (e, c) = c.word()?;
        let c = c.skip_past(" but got ")?;
        let c = c.expect("dtype ").unwrap_or(c);
        let (g, _) = c.word()?;
        return pair(e, g, None);
    }
    // "Found dtype Double but expected Float" (loss functions)
    if let Some(c) = m.skip_past("Found dtype ") {
        let (g, c) = c.word()?;
        let (e, _) = c.skip_past(" but expected ")?.word()?;
        return pair(e, g, None);
    }
    // "mat1 and mat2 must have the same dtype, but got Double and Float"
    if let Some(c) = m.skip_past("must have the same dtype, but got ") {
        let (a, c) = c.word()?;
        let (b, _) = c.expect(" and ")?.word()?;
        return pair(a, b, Some("matmul".into()));
    }
    // "expected m1 and m2 to have the same dtype, but got: float != double" (`c10::Half` too)
    if let Some(c) = m.skip_past("to have the same dtype, but got: ") {
        let (a, c) = c.skip_any(&["c10::"]).word()?;
        let (b, _) = c.expect(" != ")?.skip_any(&["c10::"]).word()?;
        return pair(a, b, Some("matmul".into()));
    }
    // "result type Float can't be cast to the desired output type Long"
    if let Some(c) = m.skip_past("result type ") {
        let (g, c) = c.word()?;
        let (e, _) = c.skip_past("cast to the desired output type ")?.word()?;
        return pair(e, g, None);
    }
    // NumPy: "Cannot cast ufunc 'add' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'"
    if let Some(c) = m.skip_past("Cannot cast ufunc '") {
        let (op, c) = c.until("'")?;
        let c = c.skip_past(" from ")?;
        let (g, c) = c.until(" to ")?;
        let (e, _) = c.until(" with casting rule")?;
        return pair(e, g, Some(op.into()));
    }
    None
}

/// JAX, TensorFlow and further NumPy and PyTorch phrasings.
fn more(message: &str) -> Option<DtypeMismatch> {
    let m = Cursor::new(message);
    let pair = |expected: &str, got: &str, operation: Option<&str>| {
        Some(DtypeMismatch {
            expected: Dtype::from_string(expected),
            got: Dtype::from_string(got),
            operation: operation.map(str::to_owned),
        })
    };
    // JAX: "lax.add requires arguments to have the same dtypes, got float32, int32."
    const SAME_DTYPES: &str = " requires arguments to have the same dtypes, got ";
    if let Some(c) = m.skip_past(SAME_DTYPES) {
        let head = &message[..message.len() - c.rest().len() - SAME_DTYPES.len()];
        let op = head.rsplit([' ', '.']).next().filter(|w| !w.is_empty());
        let (a, c) = c.word()?;
        let (b, _) = c.expect(",")?.skip_spaces().word()?;
        return pair(a, b, op);
    }
    // TensorFlow eager: "cannot compute AddV2 as input #1(zero-based) was expected to be a float
    // tensor but is a int32 tensor [Op:AddV2]"
    if let Some(c) = m.skip_past("cannot compute ") {
        if let Some((op, c)) = c.word() {
            if let Some(c) = c.skip_past(" was expected to be a ") {
                let (e, c) = c.word()?;
                let (g, _) = c.skip_past(" but is a ")?.word()?;
                return pair(e, g, Some(op));
            }
        }
    }
    // TensorFlow graph: "Input 'y' of 'AddV2' Op has type int32 that does not match type float32 of argument 'x'."
    if let Some(c) = m.skip_past("' Op has type ") {
        let op = message[..message.len() - c.rest().len() - "' Op has type ".len()].rsplit('\'').next();
        let (g, c) = c.word()?;
        let (e, _) = c.expect(" that does not match type ")?.word()?;
        return pair(e, g, op);
    }
    // TensorFlow: "Tensor conversion requested dtype float32 for Tensor with dtype int32: <tf.Tensor ...>"
    if let Some(c) = m.skip_past("Tensor conversion requested dtype ") {
        let (e, c) = c.word()?;
        let (g, _) = c.expect(" for Tensor with dtype ")?.word()?;
        return pair(e, g, None);
    }
    // NumPy: "Cannot cast array data from dtype('float64') to dtype('int64') according to the rule 'safe'"
    if let Some(c) = m.skip_past("Cannot cast array data from ") {
        let (g, c) = c.until(" to ")?;
        let (e, _) = c.until(" according to the rule")?;
        return pair(e, g, None);
    }
    // PyTorch: "Index put requires the source and destination dtypes match, got Float for the
    // destination and Double for the source."
    if let Some(c) = m.skip_past("source and destination dtypes match, got ") {
        let (e, c) = c.word()?;
        let (g, _) = c.expect(" for the destination and ")?.word()?;
        return pair(e, g, Some("index_put"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dtype_from_string_matches_the_seed() {
        assert_eq!(Dtype::from_string("Float"), Dtype::Float32);
        assert_eq!(Dtype::from_string("torch.float64"), Dtype::Float64);
        assert_eq!(Dtype::from_string("dtype('int64')"), Dtype::Int64);
        assert_eq!(Dtype::from_string("Long"), Dtype::Int64);
        assert_eq!(Dtype::from_string("BFloat16"), Dtype::BFloat16);
        assert_eq!(Dtype::from_string("torch.quint8"), Dtype::Other("quint8".into()));
    }
}
