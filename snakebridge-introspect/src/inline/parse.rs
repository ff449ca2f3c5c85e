//! The one-expression grammar of `python!`: Python's expression syntax over Rust tokens,
//! by recursive descent in Python's precedence order.
//!
//! Every error is a `syn::Error` at the offending token, and says what to write instead.

use proc_macro2::{Ident, Punct, Spacing, Span};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{token, Token};

use super::ast::{Arg, BinOp, CmpOp, Expr, Lit, Subscript, UnaryOp};

/// Operators that a shorter one must not be mistaken for the start of (`<` of `<=`).
const LONGER: &[&str] = &[
    "<<", "<=", ">>", ">=", "==", "!=", "**", "->", ":=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", "&&",
    "||", "::",
];

/// Python keywords that cannot start or continue an expression.
const STATEMENT_KEYWORDS: &[&str] = &[
    "import", "from", "def", "class", "return", "del", "pass", "raise", "assert", "global", "nonlocal", "while",
    "with", "try", "except", "finally", "break", "continue", "elif",
];

// Sub-expressions (brackets, operands of `not`, unary operators and `**`) count toward the
// bound: the descent recurses per level.
use super::depth::MAX_DEPTH;

thread_local! {
    static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// One level of nesting, held while a sub-expression is parsed.
struct Nested;

impl Nested {
    fn enter(input: ParseStream) -> syn::Result<Nested> {
        let depth = DEPTH.get() + 1;
        if depth > MAX_DEPTH {
            return Err(super::depth::too_deep(
                input.span(),
                "this expression",
                "split it with Rust `let` bindings and interpolate them with `#name`",
            ));
        }
        DEPTH.set(depth);
        Ok(Nested)
    }
}

impl Drop for Nested {
    fn drop(&mut self) {
        DEPTH.set(DEPTH.get() - 1);
    }
}

/// Parses a whole `python!(...)` input as one expression.
pub fn parse_expression(tokens: proc_macro2::TokenStream) -> syn::Result<Expr> {
    let parser = |input: ParseStream| {
        if input.is_empty() {
            return Err(input.error("python!() needs a Python expression, e.g. `python!(math.sqrt(#x))`"));
        }
        let e = test(input)?;
        if !input.is_empty() {
            return Err(input.error(
                "unexpected token after the expression: python!(...) takes one Python expression; \
                 statements on separate lines or separated by `;` form a block",
            ));
        }
        Ok(e)
    };
    parser.parse2(tokens)
}

fn peek_kw(input: ParseStream, kw: &str) -> bool {
    input.cursor().ident().is_some_and(|(i, _)| i == kw)
}

fn peek2_kw(input: ParseStream, kw: &str) -> bool {
    input.cursor().ident().and_then(|(_, rest)| rest.ident()).is_some_and(|(i, _)| i == kw)
}

fn take_kw(input: ParseStream) -> syn::Result<Ident> {
    Ident::parse_any(input)
}

/// Whether the next tokens spell the operator `op`, and not a longer one that starts with it.
fn peek_op(input: ParseStream, op: &str) -> bool {
    let chars: Vec<char> = op.chars().collect();
    let mut cursor = input.cursor();
    for (i, ch) in chars.iter().enumerate() {
        let Some((p, rest)) = cursor.punct() else { return false };
        if p.as_char() != *ch {
            return false;
        }
        let last = i + 1 == chars.len();
        if !last && p.spacing() != Spacing::Joint {
            return false;
        }
        if last && p.spacing() == Spacing::Joint {
            if let Some((next, _)) = rest.punct() {
                if LONGER.contains(&format!("{op}{}", next.as_char()).as_str()) {
                    return false;
                }
            }
        }
        cursor = rest;
    }
    true
}

fn take_op(input: ParseStream, op: &str) -> syn::Result<Span> {
    let mut span = None;
    for _ in op.chars() {
        let p: Punct = input.parse()?;
        span.get_or_insert(p.span());
    }
    Ok(span.unwrap_or_else(Span::call_site))
}

/// `body if test else orelse`, the loosest expression.
fn test(input: ParseStream) -> syn::Result<Expr> {
    let _level = Nested::enter(input)?;
    if peek_kw(input, "lambda") {
        return Err(input.error(
            "`lambda` is not supported in a python!(...) expression; pass a Rust callback, or end the input with `;` \
             to run it as a Python block (compiled once)",
        ));
    }
    let body = or_test(input)?;
    if peek_kw(input, "if") {
        take_kw(input)?;
        let cond = or_test(input)?;
        if !peek_kw(input, "else") {
            return Err(input.error("expected `else`: a conditional expression is `a if condition else b`"));
        }
        take_kw(input)?;
        let orelse = test(input)?;
        return Ok(Expr::IfElse { body: Box::new(body), test: Box::new(cond), orelse: Box::new(orelse) });
    }
    Ok(body)
}

fn or_test(input: ParseStream) -> syn::Result<Expr> {
    bool_chain(input, "or", and_test, false)
}

fn and_test(input: ParseStream) -> syn::Result<Expr> {
    bool_chain(input, "and", not_test, true)
}

fn bool_chain(
    input: ParseStream,
    kw: &str,
    next: fn(ParseStream) -> syn::Result<Expr>,
    and_: bool,
) -> syn::Result<Expr> {
    let first = next(input)?;
    if !peek_kw(input, kw) {
        return Ok(first);
    }
    let mut values = vec![first];
    while peek_kw(input, kw) {
        take_kw(input)?;
        values.push(next(input)?);
    }
    Ok(Expr::BoolOp { and_, values })
}

fn not_test(input: ParseStream) -> syn::Result<Expr> {
    if peek_kw(input, "not") {
        let _level = Nested::enter(input)?;
        take_kw(input)?;
        return Ok(Expr::Not(Box::new(not_test(input)?)));
    }
    comparison(input)
}

fn comparison(input: ParseStream) -> syn::Result<Expr> {
    let first = bit_or(input)?;
    let mut rest = Vec::new();
    loop {
        let op = if peek_op(input, "<") {
            CmpOp::Lt
        } else if peek_op(input, "<=") {
            CmpOp::Le
        } else if peek_op(input, "==") {
            CmpOp::Eq
        } else if peek_op(input, "!=") {
            CmpOp::Ne
        } else if peek_op(input, ">") {
            CmpOp::Gt
        } else if peek_op(input, ">=") {
            CmpOp::Ge
        } else if peek_kw(input, "in") {
            CmpOp::In
        } else if peek_kw(input, "not") && peek2_kw(input, "in") {
            CmpOp::NotIn
        } else if peek_kw(input, "is") && peek2_kw(input, "not") {
            CmpOp::IsNot
        } else if peek_kw(input, "is") {
            CmpOp::Is
        } else {
            break;
        };
        match op {
            CmpOp::NotIn | CmpOp::IsNot => {
                take_kw(input)?;
                take_kw(input)?;
            }
            CmpOp::In | CmpOp::Is => {
                take_kw(input)?;
            }
            // take_op consumes one punct per char of its text: one for `<`, `>`; two for the rest.
            CmpOp::Lt | CmpOp::Gt => {
                take_op(input, "<")?;
            }
            CmpOp::Le | CmpOp::Eq | CmpOp::Ne | CmpOp::Ge => {
                take_op(input, "<=")?;
            }
        }
        rest.push((op, bit_or(input)?));
    }
    if rest.is_empty() {
        Ok(first)
    } else {
        Ok(Expr::Compare { first: Box::new(first), rest })
    }
}

/// A left-associative level of binary operators.
fn binary_level(
    input: ParseStream,
    ops: &[(&str, BinOp)],
    next: fn(ParseStream) -> syn::Result<Expr>,
) -> syn::Result<Expr> {
    let mut left = next(input)?;
    'outer: loop {
        for (text, op) in ops {
            if peek_op(input, text) {
                take_op(input, text)?;
                let right = next(input)?;
                left = Expr::Binary { op: *op, left: Box::new(left), right: Box::new(right) };
                continue 'outer;
            }
        }
        for bad in ["&&", "||"] {
            if peek_op(input, bad) {
                let python = if bad == "&&" { "and" } else { "or" };
                return Err(input.error(format!("`{bad}` is not Python: write `{python}`")));
            }
        }
        return Ok(left);
    }
}

fn bit_or(input: ParseStream) -> syn::Result<Expr> {
    binary_level(input, &[("|", BinOp::BitOr)], bit_xor)
}

fn bit_xor(input: ParseStream) -> syn::Result<Expr> {
    binary_level(input, &[("^", BinOp::BitXor)], bit_and)
}

fn bit_and(input: ParseStream) -> syn::Result<Expr> {
    binary_level(input, &[("&", BinOp::BitAnd)], shift)
}

fn shift(input: ParseStream) -> syn::Result<Expr> {
    binary_level(input, &[("<<", BinOp::Shl), (">>", BinOp::Shr)], arith)
}

fn arith(input: ParseStream) -> syn::Result<Expr> {
    binary_level(input, &[("+", BinOp::Add), ("-", BinOp::Sub)], term)
}

fn term(input: ParseStream) -> syn::Result<Expr> {
    binary_level(input, &[("*", BinOp::Mul), ("@", BinOp::MatMul), ("/", BinOp::Div), ("%", BinOp::Rem)], factor)
}

fn factor(input: ParseStream) -> syn::Result<Expr> {
    let op = if peek_op(input, "-") {
        UnaryOp::Neg
    } else if peek_op(input, "+") {
        UnaryOp::Pos
    } else if peek_op(input, "~") {
        UnaryOp::Invert
    } else if peek_op(input, "!") {
        return Err(input.error("`!` is not Python: write `not`"));
    } else {
        return power(input);
    };
    let _level = Nested::enter(input)?;
    take_op(input, "-")?;
    let operand = factor(input)?;
    Ok(match (op, operand) {
        // `-1` is a literal, built once, not a negation on each call.
        (UnaryOp::Neg, Expr::Lit(Lit::Int(d), span)) if !d.starts_with('-') => {
            Expr::Lit(Lit::Int(format!("-{d}")), span)
        }
        (UnaryOp::Neg, Expr::Lit(Lit::Float(f), span)) => Expr::Lit(Lit::Float(-f), span),
        (op, operand) => Expr::Unary { op, operand: Box::new(operand) },
    })
}

fn power(input: ParseStream) -> syn::Result<Expr> {
    let base = primary(input)?;
    if peek_op(input, "**") {
        let _level = Nested::enter(input)?;
        take_op(input, "**")?;
        // Right-associative, and binds tighter than a unary minus on its left: `-2 ** 2 == -4`.
        let exponent = factor(input)?;
        return Ok(Expr::Binary { op: BinOp::Pow, left: Box::new(base), right: Box::new(exponent) });
    }
    Ok(base)
}

fn primary(input: ParseStream) -> syn::Result<Expr> {
    let mut e = atom(input)?;
    loop {
        if peek_op(input, ".") {
            take_op(input, ".")?;
            if input.cursor().ident().is_none() {
                return Err(input.error("expected an attribute name after `.`"));
            }
            let name = Ident::parse_any(input)?.unraw();
            e = Expr::Attr { value: Box::new(e), name };
        } else if input.peek(token::Paren) {
            let content;
            syn::parenthesized!(content in input);
            e = Expr::Call { func: Box::new(e), args: call_args(&content)? };
        } else if input.peek(token::Bracket) {
            let content;
            syn::bracketed!(content in input);
            if content.is_empty() {
                return Err(content.error("expected an index or a slice between `[` and `]`"));
            }
            e = Expr::Index { value: Box::new(e), index: Box::new(subscript(&content)?) };
        } else {
            return Ok(e);
        }
    }
}

fn atom(input: ParseStream) -> syn::Result<Expr> {
    if input.peek(Token![#]) {
        return interpolation(input);
    }
    if let Some((ident, _)) = input.cursor().ident() {
        let name = ident.to_string();
        return match name.as_str() {
            "True" | "False" | "None" => {
                take_kw(input)?;
                let lit = match name.as_str() {
                    "True" => Lit::Bool(true),
                    "False" => Lit::Bool(false),
                    _ => Lit::None,
                };
                Ok(Expr::Lit(lit, ident.span()))
            }
            "true" | "false" => Err(input.error(format!("Python spells it `{}`", if name == "true" { "True" } else { "False" }))),
            "lambda" | "await" | "yield" | "async" => Err(input.error(format!(
                "`{name}` is not supported in a python!(...) expression; end the input with `;` to run it as a Python block"
            ))),
            "and" | "or" | "not" | "in" | "is" | "if" | "else" | "for" => Err(input.error(format!("expected an expression, found `{name}`"))),
            kw if STATEMENT_KEYWORDS.contains(&kw) => Err(input.error(format!(
                "`{kw}` starts a statement, not an expression; write statements as a block: one per line, or separated by `;`"
            ))),
            _ => Ok(Expr::Name(Ident::parse_any(input)?.unraw())),
        };
    }
    if input.peek(syn::Lit) {
        return literal(input);
    }
    if input.peek(token::Paren) {
        let content;
        syn::parenthesized!(content in input);
        return parenthesized(&content);
    }
    if input.peek(token::Bracket) {
        let content;
        syn::bracketed!(content in input);
        return Ok(Expr::List(elements(&content, "list")?));
    }
    if input.peek(token::Brace) {
        let content;
        syn::braced!(content in input);
        return braced(&content);
    }
    if input.is_empty() {
        return Err(input.error("expected a Python expression"));
    }
    Err(input.error("expected a Python expression (a name, a literal, `#rust_value`, `(...)`, `[...]` or `{...}`)"))
}

fn interpolation(input: ParseStream) -> syn::Result<Expr> {
    input.parse::<Token![#]>()?;
    if input.peek(token::Paren) {
        let group: proc_macro2::Group = input.parse()?;
        return Ok(Expr::Interp(Box::new(super::rust_expr::parse(group.stream(), group.span())?)));
    }
    if input.cursor().ident().is_some() {
        let ident = Ident::parse_any(input)?;
        // A keyword (`#if`) is no Rust expression; `parse_quote!` would panic on it.
        let expr = syn::parse2(quote::quote!(#ident)).map_err(|_| {
            syn::Error::new(
                ident.span(),
                format!("`#{ident}`: `{ident}` is a Rust keyword, not a variable; interpolate a variable (`#x`) or an expression (`#(…)`)"),
            )
        })?;
        return Ok(Expr::Interp(Box::new(expr)));
    }
    Err(input.error("expected a Rust variable (`#x`) or a parenthesized Rust expression (`#(a.b + 1)`) after `#`"))
}

fn literal(input: ParseStream) -> syn::Result<Expr> {
    let lit: syn::Lit = input.parse()?;
    let span = lit.span();
    let bad_suffix = |suffix: &str| {
        syn::Error::new(
            span,
            format!("the suffix `{suffix}` is not Python; numbers take no suffix except `j` (imaginary)"),
        )
    };
    let value = match &lit {
        syn::Lit::Str(s) if s.suffix().is_empty() => Lit::Str(s.value()),
        syn::Lit::ByteStr(s) if s.suffix().is_empty() => Lit::Bytes(s.value()),
        syn::Lit::Byte(b) if b.suffix().is_empty() => Lit::Bytes(vec![b.value()]),
        syn::Lit::Char(c) if c.suffix().is_empty() => Lit::Str(c.value().to_string()),
        syn::Lit::Int(i) => match i.suffix() {
            "" => Lit::Int(i.base10_digits().to_owned()),
            "j" => Lit::Imaginary(i.base10_digits().parse().map_err(|_| bad_suffix("j"))?),
            other => return Err(bad_suffix(other)),
        },
        syn::Lit::Float(f) => match f.suffix() {
            "" => Lit::Float(f.base10_parse()?),
            "j" => Lit::Imaginary(f.base10_digits().parse().map_err(|_| bad_suffix("j"))?),
            other => return Err(bad_suffix(other)),
        },
        syn::Lit::Bool(b) => {
            return Err(syn::Error::new(span, format!("Python spells it `{}`", if b.value { "True" } else { "False" })))
        }
        syn::Lit::CStr(_) => {
            return Err(syn::Error::new(span, "C string literals are not Python; use a str or `b\"...\"` bytes"))
        }
        _ => return Err(syn::Error::new(span, "this literal is not Python (a suffix, or an unsupported kind)")),
    };
    Ok(Expr::Lit(value, span))
}

fn comprehension_error(input: ParseStream) -> syn::Error {
    input.error(
        "comprehensions are not supported in a python!(...) expression; end the input with `;` to run it as a \
         Python block (compiled once), e.g. `python!([x * 2 for x in #xs];)`",
    )
}

fn no_starred(input: ParseStream, what: &str) -> syn::Result<()> {
    if peek_op(input, "*") || peek_op(input, "**") {
        return Err(input.error(format!(
            "unpacking with `*` in a {what} display is not supported; build it in Rust and interpolate it"
        )));
    }
    Ok(())
}

/// Comma-separated expressions, a trailing comma allowed.
fn elements(input: ParseStream, what: &str) -> syn::Result<Vec<Expr>> {
    let mut items = Vec::new();
    while !input.is_empty() {
        no_starred(input, what)?;
        items.push(test(input)?);
        if peek_kw(input, "for") {
            return Err(comprehension_error(input));
        }
        if input.is_empty() {
            break;
        }
        expect_comma(input)?;
    }
    Ok(items)
}

fn expect_comma(input: ParseStream) -> syn::Result<()> {
    if !peek_op(input, ",") {
        return Err(input.error("expected `,`"));
    }
    take_op(input, ",")?;
    Ok(())
}

fn parenthesized(input: ParseStream) -> syn::Result<Expr> {
    if input.is_empty() {
        return Ok(Expr::Tuple(Vec::new()));
    }
    no_starred(input, "tuple")?;
    let first = test(input)?;
    if peek_kw(input, "for") {
        return Err(comprehension_error(input));
    }
    if input.is_empty() {
        return Ok(first);
    }
    expect_comma(input)?;
    let mut items = vec![first];
    items.extend(elements(input, "tuple")?);
    Ok(Expr::Tuple(items))
}

fn braced(input: ParseStream) -> syn::Result<Expr> {
    if input.is_empty() {
        return Ok(Expr::Dict(Vec::new()));
    }
    if peek_op(input, "**") {
        return Err(
            input.error("`**` unpacking in a dict display is not supported; build the dict in Rust and interpolate it")
        );
    }
    no_starred(input, "set")?;
    let first = test(input)?;
    if !peek_op(input, ":") {
        if peek_kw(input, "for") {
            return Err(comprehension_error(input));
        }
        let mut items = vec![first];
        if !input.is_empty() {
            expect_comma(input)?;
            items.extend(elements(input, "set")?);
        }
        return Ok(Expr::Set(items));
    }
    let mut pairs = Vec::new();
    let mut key = first;
    loop {
        if !peek_op(input, ":") {
            return Err(input.error("expected `:` between a key and its value"));
        }
        take_op(input, ":")?;
        let value = test(input)?;
        if peek_kw(input, "for") {
            return Err(comprehension_error(input));
        }
        pairs.push((key, value));
        if input.is_empty() {
            return Ok(Expr::Dict(pairs));
        }
        expect_comma(input)?;
        if input.is_empty() {
            return Ok(Expr::Dict(pairs));
        }
        if peek_op(input, "**") {
            return Err(input.error(
                "`**` unpacking in a dict display is not supported; build the dict in Rust and interpolate it",
            ));
        }
        key = test(input)?;
    }
}

fn call_args(input: ParseStream) -> syn::Result<Vec<Arg>> {
    let mut args = Vec::new();
    let mut seen_keyword = false;
    let mut names: Vec<String> = Vec::new();
    while !input.is_empty() {
        let arg = if peek_op(input, "**") {
            take_op(input, "**")?;
            seen_keyword = true;
            Arg::StarStar(test(input)?)
        } else if peek_op(input, "*") {
            take_op(input, "*")?;
            Arg::Star(test(input)?)
        } else if input.cursor().ident().is_some() && {
            let fork = input.fork();
            Ident::parse_any(&fork).is_ok() && peek_op(&fork, "=")
        } {
            let name = Ident::parse_any(input)?.unraw();
            if names.contains(&name.to_string()) {
                return Err(syn::Error::new(name.span(), format!("keyword argument `{name}` repeated")));
            }
            names.push(name.to_string());
            take_op(input, "=")?;
            seen_keyword = true;
            Arg::Kw(name, test(input)?)
        } else {
            if seen_keyword {
                return Err(input.error("positional argument follows keyword argument"));
            }
            let e = test(input)?;
            if peek_kw(input, "for") {
                return Err(comprehension_error(input));
            }
            Arg::Pos(e)
        };
        args.push(arg);
        if input.is_empty() {
            break;
        }
        expect_comma(input)?;
    }
    Ok(args)
}

/// What goes between `[` and `]`: an index, a slice, or several of them (a tuple key).
fn subscript(input: ParseStream) -> syn::Result<Subscript> {
    let mut items = Vec::new();
    let mut trailing_comma = false;
    while !input.is_empty() {
        items.push(subscript_item(input)?);
        trailing_comma = false;
        if input.is_empty() {
            break;
        }
        expect_comma(input)?;
        trailing_comma = true;
    }
    if items.len() == 1 && !trailing_comma {
        Ok(items.pop().expect("one item"))
    } else {
        Ok(Subscript::Tuple(items))
    }
}

fn at_slice_end(input: ParseStream) -> bool {
    input.is_empty() || peek_op(input, ",")
}

fn colon(input: ParseStream) -> bool {
    // `::` (as in `x[::2]`) arrives as two joint `:` puncts; each one is a slice separator.
    input.cursor().punct().is_some_and(|(p, _)| p.as_char() == ':')
}

fn subscript_item(input: ParseStream) -> syn::Result<Subscript> {
    let start = if colon(input) { None } else { Some(test(input)?) };
    if !colon(input) {
        return Ok(Subscript::Expr(start.expect("parsed above")));
    }
    input.parse::<Punct>()?;
    let stop = if colon(input) || at_slice_end(input) { None } else { Some(test(input)?) };
    let mut step = None;
    if colon(input) {
        input.parse::<Punct>()?;
        if !at_slice_end(input) {
            step = Some(test(input)?);
        }
    }
    Ok(Subscript::Slice(start, stop, step))
}
