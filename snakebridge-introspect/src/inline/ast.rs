//! The parsed form of a one-expression `python!(...)`.

use proc_macro2::{Ident, Span};

/// A Python expression.
#[derive(Debug)]
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

/// A binary operator, as in `snakebridge_runtime::inline::BinOp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `@`
    MatMul,
    /// `/`
    Div,
    /// `%`
    Rem,
    /// `**`
    Pow,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// `&`
    BitAnd,
    /// `|`
    BitOr,
    /// `^`
    BitXor,
}

/// A unary operator, as in `snakebridge_runtime::inline::UnaryOp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `+x`
    Pos,
    /// `~x`
    Invert,
}

/// A comparison operator, as in `snakebridge_runtime::inline::CmpOp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `not in`
    NotIn,
    /// `is`
    Is,
    /// `is not`
    IsNot,
}

macro_rules! variant_names {
    ($($t:ident { $($v:ident),* })*) => {$(
        impl $t {
            /// The variant's name, which is also the runtime enum's.
            pub fn name(self) -> &'static str {
                match self { $($t::$v => stringify!($v)),* }
            }
        }
    )*};
}
variant_names! {
    BinOp { Add, Sub, Mul, MatMul, Div, Rem, Pow, Shl, Shr, BitAnd, BitOr, BitXor }
    UnaryOp { Neg, Pos, Invert }
    CmpOp { Lt, Le, Eq, Ne, Gt, Ge, In, NotIn, Is, IsNot }
}
