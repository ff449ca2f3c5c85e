//! The parsed form of a one-expression `python!(...)`.

use proc_macro2::{Ident, Span};

/// A Python expression.
///
/// Each variant's doc shows its Python form; the fields are named after the parts of that
/// form (as in Python's own `ast` module), so they carry no docs of their own.
#[derive(Debug)]
#[allow(missing_docs)]
pub enum Expr {
    /// A bare name: a builtin or a module (`len`, `math`).
    Name(Ident),
    /// `#x` or `#(rust expression)`: a Rust value converted with `ToPython`.
    Interp(Box<syn::Expr>),
    /// A literal.
    Lit(Lit, Span),
    /// `value.name`
    Attr { value: Box<Expr>, name: Ident },
    /// `func(args)`
    Call { func: Box<Expr>, args: Vec<Arg> },
    /// `value[index]`
    Index { value: Box<Expr>, index: Box<Subscript> },
    /// `-x`, `+x`, `~x`
    Unary { op: UnaryOp, operand: Box<Expr> },
    /// `not x`
    Not(Box<Expr>),
    /// `a op b`
    Binary { op: BinOp, left: Box<Expr>, right: Box<Expr> },
    /// `a < b <= c`: chained comparisons, each operand evaluated once.
    Compare { first: Box<Expr>, rest: Vec<(CmpOp, Expr)> },
    /// `a and b and c` (`and_ == true`) or `a or b`.
    BoolOp { and_: bool, values: Vec<Expr> },
    /// `body if test else orelse`
    IfElse { body: Box<Expr>, test: Box<Expr>, orelse: Box<Expr> },
    /// `(a, b)`
    Tuple(Vec<Expr>),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `{a, b}`
    Set(Vec<Expr>),
    /// `{k: v}`
    Dict(Vec<(Expr, Expr)>),
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// An `int`, as decimal digits (any size), with a leading `-` when negative.
    Int(String),
    /// A `float`.
    Float(f64),
    /// An imaginary number, `2j`.
    Imaginary(f64),
    /// A `str`.
    Str(String),
    /// `bytes`.
    Bytes(Vec<u8>),
    /// `True` / `False`.
    Bool(bool),
    /// `None`.
    None,
}

/// One argument of a call.
#[derive(Debug)]
pub enum Arg {
    /// A positional argument.
    Pos(Expr),
    /// `*iterable`
    Star(Expr),
    /// `name=value`
    Kw(Ident, Expr),
    /// `**mapping`
    StarStar(Expr),
}

/// What goes between `[` and `]`.
#[derive(Debug)]
pub enum Subscript {
    /// `x[i]`
    Expr(Expr),
    /// `x[a:b:c]`, any part optional.
    Slice(Option<Expr>, Option<Expr>, Option<Expr>),
    /// `x[i, j]` or `x[:, 0]`: a tuple key.
    Tuple(Vec<Subscript>),
}

/// The operators, shared with the runtime that applies them.
pub use snakebridge_meta::ops::{BinOp, CmpOp, UnaryOp};
