//! Python annotations as Rust types.
//!
//! Only annotations that say exactly one thing are typed; anything else (unions of several
//! types, type variables, numpy's `ArrayLike`) stays dynamic: `impl ToPython` for
//! parameters, `Value` for results. A result annotation that lies gives a conversion error at
//! run time, never a panic.
//!
//! numpy arrays (`numpy.ndarray`, `NDArray[np.float64]`) map to the runtime's zero-copy array
//! types, also inside numpy's own bindings where `ndarray` is a generated class: a typed,
//! uncopied result is worth more than the class's method list (`Ref` still reaches them).

use proc_macro2::TokenStream;
use quote::quote;

use crate::plan::ClassNames;

/// A Rust type the generator knows how to convert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RustType {
    /// `float` → `f64`.
    F64,
    /// `int` → `i64`.
    I64,
    /// `str` → `String` (`&str` as a parameter).
    Str,
    /// `bool` → `bool`, by its full path: numpy's bindings generate a struct named `bool`.
    Bool,
    /// `bytes` → `Bytes`.
    Bytes,
    /// `None` → `()`.
    Unit,
    /// `list[T]` → `Vec<T>`.
    List(Box<RustType>),
    /// `dict[K, V]` → `HashMap<K, V>`.
    Dict(Box<RustType>, Box<RustType>),
    /// `T | None` → `Option<T>`.
    Optional(Box<RustType>),
    /// `tuple[A, B]` → `(A, B)`.
    Tuple(Vec<RustType>),
    /// A numpy array: `NDArray[np.float64]` → `Array(Some("f64"))` (`NdArray<f64, IxDyn>`,
    /// `impl ArrayArg<f64>` as a parameter); an unknown dtype → `Array(None)` (`AnyArray`).
    Array(Option<&'static str>),
    /// A class generated in the same module, by its struct's Rust name.
    Class(String),
    /// Anything else: `Value`.
    Dynamic,
}

impl RustType {
    /// Parses an annotation; `classes` are the classes generated in the same module.
    pub fn from_annotation(text: Option<&str>, classes: &ClassNames) -> RustType {
        text.map(|t| parse(t.trim(), classes)).unwrap_or(RustType::Dynamic)
    }

    fn is_hashable_key(&self) -> bool {
        matches!(self, RustType::I64 | RustType::Str | RustType::Bool)
    }

    /// The type of a result.
    pub fn result_tokens(&self) -> TokenStream {
        match self {
            RustType::F64 => quote!(::core::primitive::f64),
            RustType::I64 => quote!(::core::primitive::i64),
            RustType::Str => quote!(::std::string::String),
            RustType::Bool => quote!(::core::primitive::bool),
            RustType::Bytes => quote!(::snakebridge::__private::Bytes),
            RustType::Unit => quote!(()),
            RustType::List(t) => {
                let t = t.result_tokens();
                quote!(::std::vec::Vec<#t>)
            }
            RustType::Dict(k, v) => {
                let (k, v) = (k.result_tokens(), v.result_tokens());
                quote!(::std::collections::HashMap<#k, #v>)
            }
            RustType::Optional(t) => {
                let t = t.result_tokens();
                quote!(::core::option::Option<#t>)
            }
            RustType::Tuple(items) => {
                let items = items.iter().map(RustType::result_tokens);
                quote!((#(#items,)*))
            }
            RustType::Array(Some(element)) => {
                let element = element_tokens(element);
                quote!(::snakebridge::__private::NdArray<#element, ::snakebridge::__private::IxDyn>)
            }
            RustType::Array(None) => quote!(::snakebridge::__private::AnyArray),
            RustType::Class(rust) => {
                let ident = proc_macro2::Ident::new(rust, proc_macro2::Span::call_site());
                quote!(#ident)
            }
            RustType::Dynamic => quote!(::snakebridge::__private::Value),
        }
    }

    /// The type of a required parameter: concrete for plain scalars and lists of them,
    /// `impl ToPython` otherwise.
    pub fn param_tokens(&self) -> TokenStream {
        match self {
            RustType::F64 => quote!(::core::primitive::f64),
            RustType::I64 => quote!(::core::primitive::i64),
            RustType::Str => quote!(&::core::primitive::str),
            RustType::Bool => quote!(::core::primitive::bool),
            RustType::List(t) if t.is_scalar() => {
                let t = t.param_tokens();
                quote!(&[#t])
            }
            // Any `NdArray<T, D>` (passed as it is) or an `ndarray` array (copied).
            RustType::Array(Some(element)) => {
                let element = element_tokens(element);
                quote!(impl ::snakebridge::__private::ArrayArg<#element>)
            }
            RustType::Class(rust) => {
                let ident = proc_macro2::Ident::new(rust, proc_macro2::Span::call_site());
                quote!(&#ident)
            }
            _ => quote!(impl ::snakebridge::__private::ToPython),
        }
    }

    fn is_scalar(&self) -> bool {
        matches!(self, RustType::F64 | RustType::I64 | RustType::Bool)
    }
}

/// A Rust element type as `array_element` names it.
fn element_tokens(element: &str) -> TokenStream {
    match element {
        "Complex32" => quote!(::snakebridge::__private::Complex32),
        "Complex64" => quote!(::snakebridge::__private::Complex64),
        // By its full path: numpy's bindings generate structs named `bool`, `float64`, ….
        primitive => {
            let ident = proc_macro2::Ident::new(primitive, proc_macro2::Span::call_site());
            quote!(::core::primitive::#ident)
        }
    }
}

fn parse(text: &str, classes: &ClassNames) -> RustType {
    let text = text.trim_matches(|c| c == '\'' || c == '"').trim();
    let parts = split_top(text, '|');
    if parts.len() == 1 {
        if let Some(element) = super::array_annotation::array_element(text) {
            return RustType::Array(element);
        }
    }
    if parts.len() > 1 {
        let rest: Vec<&str> = parts.iter().copied().filter(|p| *p != "None").collect();
        if rest.len() == 1 && parts.len() == 2 {
            return optional(parse(rest[0], classes));
        }
        return RustType::Dynamic;
    }
    if let Some((head, args)) = generic(text) {
        let args: Vec<RustType> = split_top(args, ',').into_iter().map(|a| parse(a, classes)).collect();
        return match (head, args.as_slice()) {
            ("list" | "List", [t]) if *t != RustType::Dynamic => RustType::List(Box::new(t.clone())),
            ("dict" | "Dict", [k, v]) if k.is_hashable_key() && *v != RustType::Dynamic => {
                RustType::Dict(Box::new(k.clone()), Box::new(v.clone()))
            }
            ("Optional", [t]) => optional(t.clone()),
            ("tuple" | "Tuple", items)
                if !items.is_empty()
                    && items.len() <= snakebridge_meta::limits::MAX_TUPLE_ARITY
                    && items.iter().all(|t| *t != RustType::Dynamic) =>
            {
                RustType::Tuple(items.to_vec())
            }
            _ => RustType::Dynamic,
        };
    }
    match text {
        "float" | "builtins.float" => RustType::F64,
        "int" | "builtins.int" => RustType::I64,
        "str" | "builtins.str" => RustType::Str,
        "bool" | "builtins.bool" => RustType::Bool,
        "bytes" | "builtins.bytes" => RustType::Bytes,
        "None" | "NoneType" => RustType::Unit,
        name => match classes.get(name) {
            Some(rust) => RustType::Class(rust.clone()),
            None => RustType::Dynamic,
        },
    }
}

fn optional(t: RustType) -> RustType {
    match t {
        RustType::Dynamic | RustType::Unit => RustType::Dynamic,
        t => RustType::Optional(Box::new(t)),
    }
}

/// `head[args]` → `(head, args)`.
fn generic(text: &str) -> Option<(&str, &str)> {
    let open = text.find('[')?;
    let inner = text.strip_suffix(']')?;
    Some((text[..open].trim().trim_start_matches("typing.").trim_start_matches("builtins."), &inner[open + 1..]))
}

/// Splits at `sep` outside brackets.
pub(super) fn split_top(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in text.char_indices() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth -= 1,
            c if c == sep && depth == 0 => {
                parts.push(text[start..i].trim());
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(text: &str) -> RustType {
        RustType::from_annotation(Some(text), &[("Path".to_owned(), "Path".to_owned())].into_iter().collect())
    }

    #[test]
    fn maps_plain_annotations() {
        assert_eq!(ty("float"), RustType::F64);
        assert_eq!(ty("list[int]"), RustType::List(Box::new(RustType::I64)));
        assert_eq!(ty("str | None"), RustType::Optional(Box::new(RustType::Str)));
        assert_eq!(ty("Optional[str]"), RustType::Optional(Box::new(RustType::Str)));
        assert_eq!(ty("dict[str, float]"), RustType::Dict(Box::new(RustType::Str), Box::new(RustType::F64)));
        assert_eq!(ty("tuple[int, str]"), RustType::Tuple(vec![RustType::I64, RustType::Str]));
        assert_eq!(ty("Path"), RustType::Class("Path".into()));
        assert_eq!(ty("'Path'"), RustType::Class("Path".into()));
    }

    #[test]
    fn anything_ambiguous_stays_dynamic() {
        assert_eq!(ty("int | float"), RustType::Dynamic);
        assert_eq!(ty("ArrayLike"), RustType::Dynamic);
        assert_eq!(ty("list[Any]"), RustType::Dynamic);
        assert_eq!(ty("dict[float, int]"), RustType::Dynamic);
        assert_eq!(RustType::from_annotation(None, &ClassNames::new()), RustType::Dynamic);
    }

    #[test]
    fn numpy_arrays_win_over_a_class_named_ndarray() {
        let classes = [("ndarray".to_owned(), "ndarray".to_owned())].into_iter().collect();
        assert_eq!(RustType::from_annotation(Some("ndarray"), &classes), RustType::Array(None));
        assert_eq!(ty("NDArray[np.float64] | None"), RustType::Optional(Box::new(RustType::Array(Some("f64")))));
        assert_eq!(
            ty("tuple[NDArray[Any], NDArray[np.intp]]"),
            RustType::Tuple(vec![RustType::Array(None), RustType::Array(None)])
        );
        assert_eq!(ty("ndarray | generic"), RustType::Dynamic);
        assert_eq!(
            ty("NDArray[np.int64]").result_tokens().to_string(),
            quote!(::snakebridge::__private::NdArray<::core::primitive::i64, ::snakebridge::__private::IxDyn>)
                .to_string()
        );
        assert_eq!(
            ty("NDArray[np.complex64]").param_tokens().to_string(),
            quote!(impl ::snakebridge::__private::ArrayArg<::snakebridge::__private::Complex32>).to_string()
        );
        assert_eq!(
            ty("ndarray").param_tokens().to_string(),
            quote!(impl ::snakebridge::__private::ToPython).to_string()
        );
    }
}
