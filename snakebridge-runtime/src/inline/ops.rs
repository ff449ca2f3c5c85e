//! Python's operators on objects, for the operator nodes of a `python!` expression.

use pyo3::basic::CompareOp;
use pyo3::prelude::*;

use super::check;
use crate::error::Result;

pub use snakebridge_meta::ops::{BinOp, CmpOp, UnaryOp};

/// `a op b`.
#[inline]
pub fn binary<'py>(op: BinOp, a: &Bound<'py, PyAny>, b: &Bound<'py, PyAny>) -> Result<Bound<'py, PyAny>> {
    let r = match op {
        BinOp::Add => a.add(b),
        BinOp::Sub => a.sub(b),
        BinOp::Mul => a.mul(b),
        BinOp::MatMul => a.matmul(b),
        BinOp::Div => a.div(b),
        BinOp::Rem => a.rem(b),
        BinOp::Pow => a.pow(b, a.py().None()),
        BinOp::Shl => a.lshift(b),
        BinOp::Shr => a.rshift(b),
        BinOp::BitAnd => a.bitand(b),
        BinOp::BitOr => a.bitor(b),
        BinOp::BitXor => a.bitxor(b),
    };
    check(a.py(), r)
}

/// `op a`.
#[inline]
pub fn unary<'py>(op: UnaryOp, a: &Bound<'py, PyAny>) -> Result<Bound<'py, PyAny>> {
    let r = match op {
        UnaryOp::Neg => a.neg(),
        UnaryOp::Pos => a.pos(),
        UnaryOp::Invert => a.bitnot(),
    };
    check(a.py(), r)
}

/// `a op b`: a rich comparison keeps what `__lt__` & co. return (numpy arrays compare
/// element-wise); `in` and `is` give a `bool`.
#[inline]
pub fn compare<'py>(op: CmpOp, a: &Bound<'py, PyAny>, b: &Bound<'py, PyAny>) -> Result<Bound<'py, PyAny>> {
    let py = a.py();
    let rich = |o| check(py, a.rich_compare(b, o));
    let flag = |v: bool| Ok(super::boolean(py, v));
    match op {
        CmpOp::Lt => rich(CompareOp::Lt),
        CmpOp::Le => rich(CompareOp::Le),
        CmpOp::Eq => rich(CompareOp::Eq),
        CmpOp::Ne => rich(CompareOp::Ne),
        CmpOp::Gt => rich(CompareOp::Gt),
        CmpOp::Ge => rich(CompareOp::Ge),
        CmpOp::In => flag(check(py, b.contains(a))?),
        CmpOp::NotIn => flag(!check(py, b.contains(a))?),
        CmpOp::Is => flag(a.is(b)),
        CmpOp::IsNot => flag(!a.is(b)),
    }
}
