//! The operators of a `python!` expression: the macro parses them into these values and the
//! code it generates names the same values for the runtime to apply, so the two sides share
//! one table.

macro_rules! operators {
    ($(#[$doc:meta] $t:ident { $($(#[$vdoc:meta])* $v:ident => $sym:literal),* $(,)? })*) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $t {
            $($(#[$vdoc])* $v),*
        }

        impl $t {
            /// Every operator of this kind.
            pub const ALL: &'static [$t] = &[$($t::$v),*];

            /// The variant's name (`Add`), which generated code spells to name it.
            pub fn name(self) -> &'static str {
                match self { $($t::$v => stringify!($v)),* }
            }

            /// How Python writes it (`+`, `not in`).
            pub fn symbol(self) -> &'static str {
                match self { $($t::$v => $sym),* }
            }
        }
    )*};
}

operators! {
    /// A binary arithmetic or bitwise operator.
    BinOp {
        /// `+`
        Add => "+",
        /// `-`
        Sub => "-",
        /// `*`
        Mul => "*",
        /// `@`
        MatMul => "@",
        /// `/`
        Div => "/",
        /// `%`
        Rem => "%",
        /// `**`
        Pow => "**",
        /// `<<`
        Shl => "<<",
        /// `>>`
        Shr => ">>",
        /// `&`
        BitAnd => "&",
        /// `|`
        BitOr => "|",
        /// `^`
        BitXor => "^",
    }
    /// A unary operator (`not` is a truth test of its own).
    UnaryOp {
        /// `-x`
        Neg => "-",
        /// `+x`
        Pos => "+",
        /// `~x`
        Invert => "~",
    }
    /// A comparison operator.
    CmpOp {
        /// `<`
        Lt => "<",
        /// `<=`
        Le => "<=",
        /// `==`
        Eq => "==",
        /// `!=`
        Ne => "!=",
        /// `>`
        Gt => ">",
        /// `>=`
        Ge => ">=",
        /// `in`
        In => "in",
        /// `not in`
        NotIn => "not in",
        /// `is`
        Is => "is",
        /// `is not`
        IsNot => "is not",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_symbols() {
        assert_eq!((BinOp::MatMul.name(), BinOp::MatMul.symbol()), ("MatMul", "@"));
        assert_eq!(CmpOp::NotIn.symbol(), "not in");
        assert_eq!((BinOp::ALL.len(), UnaryOp::ALL.len(), CmpOp::ALL.len()), (12, 3, 10));
    }
}
