//! The block form of `python!`: Python source rebuilt from the Rust tokens, using their line
//! and column positions for Python's line breaks and indentation, with each `#x` replaced
//! by a variable name the value is bound to at run time.

use proc_macro2::{Delimiter, LineColumn, Spacing, Span, TokenStream, TokenTree};
use syn::ext::IdentExt;

/// A block ready to be compiled by Python.
#[derive(Debug)]
pub struct BlockSource {
    /// The Python source.
    pub source: String,
    /// The line of the Rust file where the source starts (0 when the compiler gave no positions).
    pub first_line: usize,
    /// The interpolated Rust expressions, in the order of `names`.
    pub values: Vec<syn::Expr>,
    /// The Python variable each interpolated value is bound to.
    pub names: Vec<String>,
}

/// One token of the rebuilt source.
struct Piece {
    text: String,
    start: LineColumn,
    end: LineColumn,
    depth: usize,
    /// A punct immediately followed by another (`*` of `**`): never separate them.
    joint: bool,
}

/// Rebuilds the Python source of a block.
pub fn block_source(tokens: TokenStream) -> syn::Result<BlockSource> {
    let mut walker = Walker { pieces: Vec::new(), values: Vec::new(), names: Vec::new() };
    walker.walk(tokens, 0)?;
    let Walker { pieces, values, names } = walker;
    let Some(first) = pieces.first() else {
        return Err(syn::Error::new(Span::call_site(), "python! {} needs Python code"));
    };
    let first_line = first.start.line;
    let located = pieces.iter().any(|p| p.start != first.start);
    let source = if located { layout(&pieces) } else { spaced(&pieces) };
    Ok(BlockSource { source, first_line, values, names })
}

/// The source with Python's line structure taken from the token positions.
fn layout(pieces: &[Piece]) -> String {
    let first_line = pieces[0].start.line;
    // The indentation all lines share. The first line is always emitted unindented, because
    // it may follow `python! {` on the macro's own line; its column counts when it is smaller.
    let mut base = pieces[0].start.column;
    let mut line = first_line;
    for p in pieces {
        if p.start.line > line && p.depth == 0 {
            base = base.min(p.start.column);
        }
        line = line.max(p.end.line);
    }
    let mut out = String::new();
    let mut line = first_line;
    let mut prev: Option<&Piece> = None;
    for p in pieces {
        if p.start.line > line {
            out.extend(std::iter::repeat_n('\n', p.start.line - line));
            let indent = if p.depth == 0 { p.start.column.saturating_sub(base) } else { p.start.column };
            out.extend(std::iter::repeat_n(' ', indent));
        } else if let Some(prev) = prev {
            if !prev.joint && p.start.column > prev.end.column {
                out.push(' ');
            }
        }
        out.push_str(&p.text);
        line = line.max(p.end.line);
        prev = Some(p);
    }
    out.push('\n');
    out
}

/// Without positions (some IDE expansions): one line, tokens separated by spaces.
fn spaced(pieces: &[Piece]) -> String {
    let mut out = String::new();
    let mut prev_joint = true;
    for p in pieces {
        if !prev_joint {
            out.push(' ');
        }
        out.push_str(&p.text);
        prev_joint = p.joint;
    }
    out.push('\n');
    out
}

struct Walker {
    pieces: Vec<Piece>,
    values: Vec<syn::Expr>,
    names: Vec<String>,
}

impl Walker {
    fn walk(&mut self, tokens: TokenStream, depth: usize) -> syn::Result<()> {
        let mut iter = tokens.into_iter().peekable();
        while let Some(tt) = iter.next() {
            match tt {
                TokenTree::Punct(p) if p.as_char() == '#' => {
                    let next = iter.next();
                    self.interpolation(p.span(), next, depth)?;
                }
                TokenTree::Punct(p) => {
                    let joint = p.spacing() == Spacing::Joint && matches!(iter.peek(), Some(TokenTree::Punct(_)));
                    self.push(p.as_char().to_string(), p.span(), p.span(), depth, joint);
                }
                TokenTree::Ident(i) => self.push(i.unraw().to_string(), i.span(), i.span(), depth, false),
                TokenTree::Literal(l) => {
                    let text = python_literal(&l)?;
                    self.push(text, l.span(), l.span(), depth, false);
                }
                TokenTree::Group(g) => {
                    let (open, close) = match g.delimiter() {
                        Delimiter::Parenthesis => ("(", ")"),
                        Delimiter::Bracket => ("[", "]"),
                        Delimiter::Brace => ("{", "}"),
                        Delimiter::None => {
                            self.walk(g.stream(), depth)?;
                            continue;
                        }
                    };
                    // Python refuses more than 200 nested brackets anyway; the bound keeps the
                    // walk's recursion from overflowing the compiler's stack first.
                    if depth >= super::depth::MAX_DEPTH {
                        return Err(super::depth::too_deep(g.span_open(), "this block's brackets", "split it up"));
                    }
                    self.push(open.into(), g.span_open(), g.span_open(), depth, false);
                    self.walk(g.stream(), depth + 1)?;
                    self.push(close.into(), g.span_close(), g.span_close(), depth, false);
                }
            }
        }
        Ok(())
    }

    fn push(&mut self, text: String, start: Span, end: Span, depth: usize, joint: bool) {
        self.pieces.push(Piece { text, start: start.start(), end: end.end(), depth, joint });
    }

    fn interpolation(&mut self, hash: Span, next: Option<TokenTree>, depth: usize) -> syn::Result<()> {
        // `# word` with a space is a Python comment, which Rust tokens cannot carry.
        let spaced = next.as_ref().is_some_and(|n| {
            let (h, s) = (hash.end(), n.span().start());
            h.line > 0 && (h.line != s.line || h.column != s.column)
        });
        let next = if spaced { None } else { next };
        let (name, expr, end): (String, syn::Expr, Span) = match next {
            Some(TokenTree::Ident(ident)) => {
                let name = format!("_sb_{}", ident.unraw());
                // A keyword (`#else`) is no Rust expression; `parse_quote!` would panic on it.
                let expr = syn::parse2(quote::quote!(#ident)).map_err(|_| {
                    syn::Error::new(
                        ident.span(),
                        format!("`#{ident}`: `{ident}` is a Rust keyword, not a variable; interpolate a variable (`#x`) or an expression (`#(…)`)"),
                    )
                })?;
                (name, expr, ident.span())
            }
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
                let expr = super::rust_expr::parse(g.stream(), g.span())?;
                (format!("_sb_{}", self.values.len()), expr, g.span_close())
            }
            _ => {
                return Err(syn::Error::new(
                    hash,
                    "expected a Rust variable (`#x`) or a parenthesized Rust expression (`#(a.b + 1)`) after `#` \
                     (Python comments cannot be written inside python!: Rust reads `#` as interpolation)",
                ))
            }
        };
        // The same variable used twice is one Python name, converted once.
        if !self.names.contains(&name) {
            self.names.push(name.clone());
            self.values.push(expr);
        }
        self.push(name, hash, end, depth, false);
        Ok(())
    }
}

/// A Rust literal as Python source: strings keep their Rust meaning (escapes as Rust reads them).
fn python_literal(lit: &proc_macro2::Literal) -> syn::Result<String> {
    let span = lit.span();
    let parsed = syn::Lit::new(lit.clone());
    let bad = |what: &str| Err(syn::Error::new(span, what.to_string()));
    match &parsed {
        syn::Lit::Str(s) if s.suffix().is_empty() => Ok(python_str(&s.value())),
        syn::Lit::Char(c) if c.suffix().is_empty() => Ok(python_str(&c.value().to_string())),
        syn::Lit::ByteStr(b) if b.suffix().is_empty() => Ok(python_bytes(&b.value())),
        syn::Lit::Byte(b) if b.suffix().is_empty() => Ok(python_bytes(&[b.value()])),
        syn::Lit::Int(i) if i.suffix().is_empty() || i.suffix() == "j" => Ok(lit.to_string()),
        syn::Lit::Float(f) if f.suffix().is_empty() || f.suffix() == "j" => Ok(lit.to_string()),
        syn::Lit::Int(i) => {
            bad(&format!("the suffix `{}` is not Python; numbers take no suffix except `j` (imaginary)", i.suffix()))
        }
        syn::Lit::Float(f) => {
            bad(&format!("the suffix `{}` is not Python; numbers take no suffix except `j` (imaginary)", f.suffix()))
        }
        _ => bad("this literal is not Python (a suffix, a C string, or an unsupported kind)"),
    }
}

/// A Python `str` literal with the exact value `s`.
pub(crate) fn python_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\U{:08x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn python_bytes(b: &[u8]) -> String {
    let mut out = String::from("b\"");
    for &byte in b {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            0x20..=0x7e => out.push(byte as char),
            _ => out.push_str(&format!("\\x{byte:02x}")),
        }
    }
    out.push('"');
    out
}
