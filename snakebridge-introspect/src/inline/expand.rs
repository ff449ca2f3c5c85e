//! Code generation: a `python!` input as Rust tokens that call `::snakebridge::__private::inline`.
//!
//! The expansion evaluates the interpolated Rust expressions first (in source order, outside
//! the interpreter lock), then runs one closure with the interpreter attached in which every
//! intermediate result stays a Python object; only the final result becomes a `Value`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::ast::{Arg, Expr, Lit, Subscript};
use super::block::BlockSource;

/// The most positional arguments passed as a Rust tuple (pyo3's `PyCallArgs` limit).
const MAX_TUPLE_ARGS: usize = 12;

fn rt() -> TokenStream {
    quote!(::snakebridge::__private::inline)
}

/// The expansion of a one-expression `python!`.
pub fn expand_expression(expr: &Expr) -> TokenStream {
    let mut gen = Gen { values: Vec::new() };
    let body = gen.expr(expr);
    let rt = rt();
    let bindings = gen.bindings();
    quote! {
        {
            #bindings
            #rt::run(|__sb_py| {
                let __sb_result = #body;
                #rt::finish(&__sb_result)
            })
        }
    }
}

/// The expansion of a block `python! { ... }`.
pub fn expand_block(block: &BlockSource) -> TokenStream {
    let rt = rt();
    let mut gen = Gen { values: Vec::new() };
    let args: Vec<TokenStream> = block.values.iter().map(|v| gen.interp(v)).collect();
    let bindings = gen.bindings();
    let source = &block.source;
    let names = &block.names;
    let line = if block.first_line > 0 {
        let line = block.first_line as u32;
        quote!(#line)
    } else {
        quote!(::core::line!())
    };
    quote! {
        {
            #bindings
            static __SB_BLOCK: #rt::Block = #rt::Block::new(#source, ::core::file!(), #line, &[#(#names),*]);
            #rt::run(|__sb_py| {
                let __sb_values = ::std::vec![#(#args),*];
                let __sb_result = __SB_BLOCK.run(__sb_py, __sb_values)?;
                #rt::finish(&__sb_result)
            })
        }
    }
}

/// Holds the interpolated Rust expressions while the Python part is generated.
struct Gen {
    values: Vec<syn::Expr>,
}

impl Gen {
    /// `let __sb_vN = &(expr);` for each interpolation, each spanned at the user's expression.
    fn bindings(&self) -> TokenStream {
        self.values
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let var = format_ident!("__sb_v{}", i, span = e.span());
                quote_spanned!(e.span()=> let #var = &(#e);)
            })
            .collect()
    }

    /// The conversion of one interpolated value; a type without `ToPython` is reported at the
    /// user's expression.
    fn interp(&mut self, e: &syn::Expr) -> TokenStream {
        // Spanned at the user's expression, so that a missing `ToPython` is reported there.
        let var = format_ident!("__sb_v{}", self.values.len(), span = e.span());
        self.values.push(e.clone());
        let rt = rt();
        quote_spanned!(e.span()=> #rt::arg(__sb_py, #var)?)
    }

    /// An expression of type `Bound<'py, PyAny>` (with `?` for errors) computing `e`.
    fn expr(&mut self, e: &Expr) -> TokenStream {
        let rt = rt();
        match e {
            Expr::Name(_) | Expr::Attr { .. } if global_path(e).is_some() => {
                let path = global_path(e).expect("checked");
                quote!({
                    static __SB_GLOBAL: #rt::Global = #rt::Global::new(&[#(#path),*]);
                    __SB_GLOBAL.value(__sb_py)?
                })
            }
            Expr::Name(_) => unreachable!("a name is a global path"),
            Expr::Interp(inner) => self.interp(inner),
            Expr::Lit(lit, span) => literal(lit, *span),
            Expr::Attr { value, name } => {
                let value = self.expr(value);
                let name = name.to_string();
                quote!(#rt::getattr(&#value, #rt::intern!(__sb_py, #name))?)
            }
            Expr::Call { func, args } => self.call(func, args),
            Expr::Index { value, index } => {
                let value = self.expr(value);
                let key = self.subscript(index);
                quote!({
                    let __sb_obj = #value;
                    #rt::get_item(&__sb_obj, #key)?
                })
            }
            Expr::Unary { op, operand } => {
                let operand = self.expr(operand);
                let op = syn::Ident::new(op.name(), Span::call_site());
                quote!(#rt::unary(#rt::UnaryOp::#op, &#operand)?)
            }
            Expr::Not(operand) => {
                let operand = self.expr(operand);
                quote!(#rt::boolean(__sb_py, !#rt::truthy(&#operand)?))
            }
            Expr::Binary { op, left, right } => {
                let left = self.expr(left);
                let right = self.expr(right);
                let op = syn::Ident::new(op.name(), Span::call_site());
                quote!({
                    let __sb_left = #left;
                    let __sb_right = #right;
                    #rt::binary(#rt::BinOp::#op, &__sb_left, &__sb_right)?
                })
            }
            Expr::Compare { first, rest } => {
                let first = self.expr(first);
                let operands: Vec<TokenStream> = rest.iter().map(|(_, e)| self.expr(e)).collect();
                // `a < b < c` is `a < b and b < c` with `b` evaluated once; built inside out.
                let mut chain: Option<TokenStream> = None;
                for (i, (op, _)) in rest.iter().enumerate().rev() {
                    let op = syn::Ident::new(op.name(), Span::call_site());
                    let right = &operands[i];
                    let compare = quote!(#rt::compare(#rt::CmpOp::#op, &__sb_left, &__sb_right)?);
                    chain = Some(match chain {
                        None => quote!({
                            let __sb_right = #right;
                            #compare
                        }),
                        Some(next) => quote!({
                            let __sb_right = #right;
                            let __sb_outcome = #compare;
                            if !#rt::truthy(&__sb_outcome)? {
                                __sb_outcome
                            } else {
                                let __sb_left = __sb_right;
                                #next
                            }
                        }),
                    });
                }
                let chain = chain.expect("a comparison has an operator");
                quote!({
                    let __sb_left = #first;
                    #chain
                })
            }
            Expr::BoolOp { and_, values } => {
                let mut parts: Vec<TokenStream> = values.iter().map(|v| self.expr(v)).collect();
                let mut out = parts.pop().expect("two or more operands");
                // `and` stops at the first falsy operand, `or` at the first truthy one; the
                // operand itself is the result, as in Python.
                let stop = if *and_ { quote!(!) } else { quote!() };
                for part in parts.into_iter().rev() {
                    out = quote!({
                        let __sb_operand = #part;
                        if #stop #rt::truthy(&__sb_operand)? { __sb_operand } else { #out }
                    });
                }
                out
            }
            Expr::IfElse { body, test, orelse } => {
                let test = self.expr(test);
                let body = self.expr(body);
                let orelse = self.expr(orelse);
                quote!(if #rt::truthy(&#test)? { #body } else { #orelse })
            }
            Expr::Tuple(items) => self.display("tuple", items),
            Expr::List(items) => self.display("list", items),
            Expr::Set(items) => self.display("set", items),
            Expr::Dict(pairs) => {
                let pairs: Vec<TokenStream> = pairs
                    .iter()
                    .map(|(k, v)| {
                        let k = self.expr(k);
                        let v = self.expr(v);
                        quote!((#k, #v))
                    })
                    .collect();
                quote!(#rt::dict(__sb_py, ::std::vec![#(#pairs),*])?)
            }
        }
    }

    fn display(&mut self, kind: &str, items: &[Expr]) -> TokenStream {
        let rt = rt();
        let f = syn::Ident::new(kind, Span::call_site());
        let items: Vec<TokenStream> = items.iter().map(|i| self.expr(i)).collect();
        quote!(#rt::#f(__sb_py, ::std::vec![#(#items),*])?)
    }

    fn call(&mut self, func: &Expr, args: &[Arg]) -> TokenStream {
        let rt = rt();
        let callee = match global_path(func) {
            // A module function or builtin: looked up once per call site.
            Some(path) => quote!({
                static __SB_CALLEE: #rt::Global = #rt::Global::new(&[#(#path),*]);
                __SB_CALLEE.callee(__sb_py)?
            }),
            None => self.expr(func),
        };
        let simple = args.iter().all(|a| matches!(a, Arg::Pos(_) | Arg::Kw(..)));
        let positional: Vec<&Expr> =
            args.iter().filter_map(|a| if let Arg::Pos(e) = a { Some(e) } else { None }).collect();
        let has_keywords = args.iter().any(|a| matches!(a, Arg::Kw(..) | Arg::StarStar(_)));
        let mut stmts = TokenStream::new();
        let kwargs = if has_keywords {
            quote!(::core::option::Option::Some(&__sb_kwargs))
        } else {
            quote!(::core::option::Option::None)
        };
        if simple && positional.len() <= MAX_TUPLE_ARGS {
            let mut names = Vec::new();
            for (i, a) in args.iter().enumerate() {
                let var = format_ident!("__sb_a{}", i);
                match a {
                    Arg::Pos(e) => {
                        let e = self.expr(e);
                        stmts.extend(quote!(let #var = #e;));
                        names.push(var);
                    }
                    Arg::Kw(name, e) => stmts.extend(self.keyword(name, e)),
                    _ => unreachable!("simple arguments"),
                }
            }
            let kw_init = has_keywords.then(|| quote!(let __sb_kwargs = #rt::kwargs(__sb_py);));
            quote!({
                let __sb_f = #callee;
                #kw_init
                #stmts
                #rt::call(&__sb_f, (#(#names,)*), #kwargs)?
            })
        } else {
            for a in args {
                match a {
                    Arg::Pos(e) => {
                        let e = self.expr(e);
                        stmts.extend(quote!(__sb_args.push(#e);));
                    }
                    Arg::Star(e) => {
                        let e = self.expr(e);
                        stmts.extend(quote!(#rt::extend_args(&mut __sb_args, &#e)?;));
                    }
                    Arg::Kw(name, e) => stmts.extend(self.keyword(name, e)),
                    Arg::StarStar(e) => {
                        let e = self.expr(e);
                        stmts.extend(quote!(#rt::extend_kwargs(&__sb_kwargs, &#e)?;));
                    }
                }
            }
            let kw_init = has_keywords.then(|| quote!(let __sb_kwargs = #rt::kwargs(__sb_py);));
            quote!({
                let __sb_f = #callee;
                let mut __sb_args = ::std::vec::Vec::new();
                #kw_init
                #stmts
                #rt::call_list(&__sb_f, __sb_args, #kwargs)?
            })
        }
    }

    fn keyword(&mut self, name: &proc_macro2::Ident, e: &Expr) -> TokenStream {
        let rt = rt();
        let e = self.expr(e);
        let name = name.to_string();
        quote!(#rt::set_kwarg(&__sb_kwargs, #rt::intern!(__sb_py, #name), #e)?;)
    }

    fn subscript(&mut self, s: &Subscript) -> TokenStream {
        let rt = rt();
        match s {
            Subscript::Expr(e) => self.expr(e),
            Subscript::Slice(a, b, c) => {
                let mut part = |p: &Option<Expr>| match p {
                    Some(e) => {
                        let e = self.expr(e);
                        quote!(::core::option::Option::Some(#e))
                    }
                    None => quote!(::core::option::Option::None),
                };
                let (a, b, c) = (part(a), part(b), part(c));
                quote!(#rt::slice(__sb_py, #a, #b, #c)?)
            }
            Subscript::Tuple(items) => {
                let items: Vec<TokenStream> = items.iter().map(|i| self.subscript(i)).collect();
                quote!(#rt::tuple(__sb_py, ::std::vec![#(#items),*])?)
            }
        }
    }
}

/// `a.b.c` when it starts with a bare name: a builtin or module path resolved once.
fn global_path(e: &Expr) -> Option<Vec<String>> {
    match e {
        Expr::Name(n) => Some(vec![n.to_string()]),
        Expr::Attr { value, name } => {
            let mut path = global_path(value)?;
            path.push(name.to_string());
            Some(path)
        }
        _ => None,
    }
}

/// A literal, built once per call site (numbers, strings, bytes) or taken as a singleton.
fn literal(lit: &Lit, span: Span) -> TokenStream {
    let rt = rt();
    let make = match lit {
        Lit::Bool(b) => return quote_spanned!(span=> #rt::boolean(__sb_py, #b)),
        Lit::None => return quote_spanned!(span=> #rt::none(__sb_py)),
        Lit::Int(digits) => quote!(#rt::int_literal(__sb_py, #digits)),
        // As bits: exact, and no float literal in the expansion for lints to flag.
        Lit::Float(f) => {
            let bits = f.to_bits();
            quote!(#rt::float_literal(__sb_py, ::core::primitive::f64::from_bits(#bits)))
        }
        Lit::Imaginary(f) => {
            let bits = f.to_bits();
            quote!(#rt::imaginary_literal(__sb_py, ::core::primitive::f64::from_bits(#bits)))
        }
        Lit::Str(s) => quote!(#rt::str_literal(__sb_py, #s)),
        Lit::Bytes(b) => {
            let b = syn::LitByteStr::new(b, span);
            quote!(#rt::bytes_literal(__sb_py, #b))
        }
    };
    quote!({
        static __SB_CONST: #rt::Const = #rt::Const::new();
        __SB_CONST.get(__sb_py, |__sb_py| #make)?
    })
}
