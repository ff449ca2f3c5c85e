//! Python annotations as Rust types.
//!
//! Only annotations that say exactly one thing are typed; anything else (unions of several
//! types, type variables, numpy's `ArrayLike`) stays dynamic: `impl ToPython` for
//! parameters, `Value` for results. A result annotation that lies gives a conversion error at
//! run time, never a panic.
//!
//! Stubs say more than runtime annotations, and the names they use for Rust-shaped things
//! map too: `SupportsFloat`/`SupportsIndex` (and their unions) to the number types,
//! `StrPath`/`PathLike[str]` to `impl AsRef<Path>`, `ReadableBuffer` to `&[u8]`,
//! `Literal["a", "b"]` to `&str` (a string, not a generated enum: a new literal in a later
//! version of the library must not break callers), `Sequence[T]`/`Iterable[T]` parameters to
//! `impl IntoIterator<Item = T>`. A class a stub names is written `@module.QualName`
//! (see `snakebridge-introspect/python/stubs.py`): its struct when it is generated in the same
//! expansion, else a `Ref`.
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
    /// A class generated in the same expansion, by its struct's Rust path from here
    /// (`Pattern`, `super::linalg::LinAlgError`).
    Class(String),
    /// A class a stub names that no struct is generated for: a handle to the object.
    Ref,
    /// `StrPath`, `PathLike[str]` → `impl AsRef<Path>` as a parameter, `String` as a result.
    Path,
    /// `ReadableBuffer` → `&[u8]` as a parameter, `Bytes` as a result.
    Buffer,
    /// `Sequence[T]` → `impl IntoIterator<Item = T>` as a parameter, `Vec<T>` as a result.
    Seq(Box<RustType>),
    /// `Iterable[T]`, `Iterator[T]` → `impl IntoIterator<Item = T>` as a parameter; a result
    /// stays `Value` (a lazy iterator is not a list).
    Iter(Box<RustType>),
    /// Anything else: `Value`.
    Dynamic,
    /// The `...` of `tuple[T, ...]`, only while parsing.
    Ellipsis,
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
            RustType::Class(rust) => class_path(rust),
            RustType::Ref => quote!(::snakebridge::__private::Ref),
            RustType::Path => quote!(::std::string::String),
            RustType::Buffer => quote!(::snakebridge::__private::Bytes),
            RustType::Seq(t) => {
                let t = t.result_tokens();
                quote!(::std::vec::Vec<#t>)
            }
            RustType::Iter(_) | RustType::Dynamic | RustType::Ellipsis => quote!(::snakebridge::__private::Value),
        }
    }

    /// Whether a result of this type is anything but `Value`.
    pub fn is_typed_result(&self) -> bool {
        !matches!(self, RustType::Dynamic | RustType::Iter(_) | RustType::Ellipsis)
    }

    /// Whether a required parameter of this type is anything but `impl ToPython`.
    pub fn is_typed_param(&self) -> bool {
        match self {
            RustType::F64 | RustType::I64 | RustType::Str | RustType::Bool => true,
            RustType::Path | RustType::Buffer | RustType::Class(_) | RustType::Array(Some(_)) => true,
            RustType::List(t) => t.is_scalar(),
            RustType::Optional(t) => t.is_sequence_item(),
            RustType::Seq(t) | RustType::Iter(t) => t.is_sequence_item(),
            _ => false,
        }
    }

    fn is_sequence_item(&self) -> bool {
        self.is_scalar() || *self == RustType::Str
    }

    /// The statement that turns a parameter of this type into something `ToPython`, when its
    /// Rust type is not already (`impl AsRef<Path>`, `&[u8]`, iterators).
    pub fn param_conversion(&self, name: &proc_macro2::Ident) -> Option<TokenStream> {
        match self {
            RustType::Path => Some(quote!(let #name: &::std::path::Path = ::core::convert::AsRef::as_ref(&#name);)),
            RustType::Buffer => Some(quote!(let #name = ::snakebridge::__private::Bytes::from(#name);)),
            RustType::Seq(t) | RustType::Iter(t) if **t == RustType::Str => Some(quote! {
                let #name: ::std::vec::Vec<::std::string::String> = ::core::iter::IntoIterator::into_iter(#name)
                    .map(|s| ::std::string::String::from(::core::convert::AsRef::<str>::as_ref(&s))).collect();
            }),
            RustType::Seq(t) | RustType::Iter(t) if t.is_scalar() => {
                let item = t.param_tokens();
                Some(
                    quote!(let #name: ::std::vec::Vec<#item> = ::core::iter::IntoIterator::into_iter(#name).collect();),
                )
            }
            _ => None,
        }
    }

    /// The item type of a `*args` parameter (`impl IntoIterator<Item = this>`): owned or
    /// `impl AsRef` forms of [`Self::param_tokens`], since a borrowed item would need a named
    /// lifetime; `impl ToPython` where no simple form exists.
    pub fn vararg_item_tokens(&self) -> TokenStream {
        match self {
            RustType::Str => quote!(impl ::core::convert::AsRef<::core::primitive::str>),
            RustType::Buffer => quote!(impl ::core::convert::AsRef<[::core::primitive::u8]>),
            RustType::List(t) if t.is_scalar() => {
                let t = t.param_tokens();
                quote!(impl ::core::convert::AsRef<[#t]>)
            }
            RustType::F64 | RustType::I64 | RustType::Bool | RustType::Path | RustType::Array(Some(_)) => {
                self.param_tokens()
            }
            _ => quote!(impl ::snakebridge::__private::ToPython),
        }
    }

    /// One item of a `*args` parameter (of [`Self::vararg_item_tokens`]'s type) as an owned
    /// `ToPython` value, for an `Args` that outlives the loop over the items.
    pub fn owned_item(&self, item: &proc_macro2::Ident) -> TokenStream {
        match self {
            RustType::Str => quote!(::std::string::String::from(::core::convert::AsRef::<str>::as_ref(&#item))),
            RustType::Buffer => {
                quote!(::snakebridge::__private::Bytes::from(::core::convert::AsRef::<[::core::primitive::u8]>::as_ref(&#item)))
            }
            RustType::List(t) if t.is_scalar() => {
                let t = t.param_tokens();
                quote!(::core::convert::AsRef::<[#t]>::as_ref(&#item).to_vec())
            }
            RustType::Path => {
                quote!(::std::path::PathBuf::from(::core::convert::AsRef::<::std::path::Path>::as_ref(&#item)))
            }
            _ => quote!(#item),
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
                let path = class_path(rust);
                quote!(&#path)
            }
            RustType::Path => quote!(impl ::core::convert::AsRef<::std::path::Path>),
            RustType::Buffer => quote!(&[::core::primitive::u8]),
            // `None` is `Option::None`: a required parameter that may be `None`.
            RustType::Optional(t) if t.is_sequence_item() => {
                let t = t.param_tokens();
                quote!(::core::option::Option<#t>)
            }
            RustType::Seq(t) | RustType::Iter(t) if **t == RustType::Str => {
                quote!(impl ::core::iter::IntoIterator<Item = impl ::core::convert::AsRef<::core::primitive::str>>)
            }
            RustType::Seq(t) | RustType::Iter(t) if t.is_scalar() => {
                let t = t.param_tokens();
                quote!(impl ::core::iter::IntoIterator<Item = #t>)
            }
            _ => quote!(impl ::snakebridge::__private::ToPython),
        }
    }

    fn is_scalar(&self) -> bool {
        matches!(self, RustType::F64 | RustType::I64 | RustType::Bool)
    }
}

/// A struct's path, relative to the module that names it (`super::sub::Name`).
fn class_path(rust: &str) -> TokenStream {
    let segments = rust.split("::").map(|s| proc_macro2::Ident::new(s, proc_macro2::Span::call_site()));
    quote!(#(#segments)::*)
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
        let none = rest.len() < parts.len();
        let inner = match rest.as_slice() {
            [one] => parse(one, classes),
            many => union(many),
        };
        return if none { optional(inner) } else { inner };
    }
    if let Some((head, args_text)) = generic(text) {
        if let Some(qualname) = head.strip_prefix('@') {
            return stub_class(qualname, classes);
        }
        let args: Vec<RustType> = split_top(args_text, ',').into_iter().map(|a| parse(a, classes)).collect();
        return match (head, args.as_slice()) {
            // A list of anything is still a `Vec` (of `Value`s): its length and order are typed.
            ("list" | "List", [t]) => RustType::List(Box::new(t.clone())),
            ("dict" | "Dict", [k, v]) if k.is_hashable_key() => {
                RustType::Dict(Box::new(k.clone()), Box::new(v.clone()))
            }
            ("Optional", [t]) => optional(t.clone()),
            ("Sequence" | "MutableSequence" | "Collection", [t]) => RustType::Seq(Box::new(t.clone())),
            ("Iterable" | "Iterator", [t]) if *t != RustType::Dynamic => RustType::Iter(Box::new(t.clone())),
            ("Mapping", [k, v]) if k.is_hashable_key() => RustType::Dict(Box::new(k.clone()), Box::new(v.clone())),
            ("PathLike", [RustType::Str]) => RustType::Path,
            ("Literal", _) => literal(args_text),
            ("tuple" | "Tuple", [t, RustType::Ellipsis]) => RustType::List(Box::new(t.clone())),
            ("tuple" | "Tuple", items)
                if !items.is_empty()
                    && items.len() <= snakebridge_meta::limits::MAX_TUPLE_ARITY
                    && !items.contains(&RustType::Ellipsis) =>
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
        // A function that never returns normally: its `Result` is always an error.
        "None" | "NoneType" | "Never" | "NoReturn" => RustType::Unit,
        "LiteralString" => RustType::Str,
        "SupportsFloat" => RustType::F64,
        "SupportsIndex" | "SupportsInt" => RustType::I64,
        "StrPath" | "StrOrBytesPath" => RustType::Path,
        "ReadableBuffer" | "Buffer" => RustType::Buffer,
        "..." => RustType::Ellipsis,
        name if name.starts_with('@') => stub_class(&name[1..], classes),
        name => match classes.get(name) {
            Some(rust) => RustType::Class(rust.clone()),
            None => RustType::Dynamic,
        },
    }
}

/// A class a stub names: its struct when one is generated in this expansion, else a `Ref`.
fn stub_class(qualname: &str, classes: &ClassNames) -> RustType {
    match classes.get(qualname) {
        Some(rust) => RustType::Class(rust.clone()),
        None => RustType::Ref,
    }
}

/// A union without `None`: the number protocols and the path spellings say one thing.
fn union(parts: &[&str]) -> RustType {
    const FLOATS: &[&str] = &["SupportsFloat", "float"];
    const INTS: &[&str] = &["SupportsIndex", "SupportsInt", "int"];
    let protocol = parts.iter().any(|p| p.starts_with("Supports"));
    if protocol && parts.iter().all(|p| FLOATS.contains(p) || INTS.contains(p)) {
        return if parts.iter().any(|p| FLOATS.contains(p)) { RustType::F64 } else { RustType::I64 };
    }
    if parts.iter().all(|p| matches!(*p, "str" | "PathLike[str]" | "StrPath")) {
        return RustType::Path;
    }
    RustType::Dynamic
}

/// `Literal[...]`: strings are a `&str`, integers an `i64`, booleans a `bool`.
fn literal(args: &str) -> RustType {
    let items = split_top(args, ',');
    let all = |f: fn(&str) -> bool| items.iter().all(|i| f(i));
    if all(|i| i.len() >= 2 && (i.starts_with('\'') || i.starts_with('"'))) {
        RustType::Str
    } else if all(|i| i.parse::<i64>().is_ok()) {
        RustType::I64
    } else if all(|i| matches!(i, "True" | "False")) {
        RustType::Bool
    } else {
        RustType::Dynamic
    }
}

fn optional(t: RustType) -> RustType {
    match t {
        RustType::Dynamic | RustType::Unit | RustType::Ellipsis => RustType::Dynamic,
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
        assert_eq!(ty("dict[float, int]"), RustType::Dynamic);
        assert_eq!(RustType::from_annotation(None, &ClassNames::new()), RustType::Dynamic);
    }

    #[test]
    fn stub_names_map_to_rust_types() {
        assert_eq!(ty("SupportsFloat | SupportsIndex"), RustType::F64);
        assert_eq!(ty("SupportsIndex"), RustType::I64);
        assert_eq!(ty("SupportsInt | SupportsIndex"), RustType::I64);
        assert_eq!(ty("LiteralString"), RustType::Str);
        assert_eq!(ty("StrPath"), RustType::Path);
        assert_eq!(ty("str | PathLike[str]"), RustType::Path);
        assert_eq!(ty("PathLike[str]"), RustType::Path);
        assert_eq!(ty("ReadableBuffer"), RustType::Buffer);
        assert_eq!(ty("Literal['r', 'w']"), RustType::Str);
        assert_eq!(ty("Literal[0, 1]"), RustType::I64);
        assert_eq!(ty("Sequence[float]"), RustType::Seq(Box::new(RustType::F64)));
        assert_eq!(ty("Iterable[str]"), RustType::Iter(Box::new(RustType::Str)));
        assert_eq!(ty("tuple[int, ...]"), RustType::List(Box::new(RustType::I64)));
        assert_eq!(ty("Mapping[str, int]"), RustType::Dict(Box::new(RustType::Str), Box::new(RustType::I64)));
    }

    #[test]
    fn stub_classes_are_structs_when_bound_else_refs() {
        let classes: ClassNames = [
            ("re.Match".to_owned(), "Match".to_owned()),
            ("scipy.linalg.LinAlgError".to_owned(), "super::linalg::LinAlgError".to_owned()),
        ]
        .into_iter()
        .collect();
        let parse = |t| RustType::from_annotation(Some(t), &classes);
        assert_eq!(parse("@re.Match[str] | None"), RustType::Optional(Box::new(RustType::Class("Match".into()))));
        assert_eq!(parse("@_hashlib.HASH"), RustType::Ref);
        assert_eq!(
            parse("@scipy.linalg.LinAlgError").result_tokens().to_string(),
            quote!(super::linalg::LinAlgError).to_string()
        );
        assert!(parse("@os.DirEntry[str]").is_typed_result());
        assert!(!parse("@os.DirEntry[str]").is_typed_param());
    }

    #[test]
    fn type_variables_and_unknown_unions_stay_dynamic() {
        assert_eq!(ty("Any"), RustType::Dynamic);
        assert_eq!(ty("int | StrOrBytesPath"), RustType::Dynamic);
        assert_eq!(ty("Iterator[Any]"), RustType::Dynamic);
        assert_eq!(ty("Literal[0, 'a']"), RustType::Dynamic);
        assert!(!ty("Iterable[int]").is_typed_result());
        assert!(ty("Iterable[int]").is_typed_param());
        // Containers of anything are containers of `Value`s.
        assert_eq!(ty("tuple[Any, ...]"), RustType::List(Box::new(RustType::Dynamic)));
        assert_eq!(
            ty("list[Any]").result_tokens().to_string(),
            quote!(::std::vec::Vec<::snakebridge::__private::Value>).to_string()
        );
        assert!(!ty("list[Any]").is_typed_param());
    }

    #[test]
    fn conversions_make_stub_parameters_passable() {
        let name = proc_macro2::Ident::new("path", proc_macro2::Span::call_site());
        assert_eq!(
            ty("StrPath").param_tokens().to_string(),
            quote!(impl ::core::convert::AsRef<::std::path::Path>).to_string()
        );
        assert!(ty("StrPath").param_conversion(&name).is_some());
        assert_eq!(ty("ReadableBuffer").param_tokens().to_string(), quote!(&[::core::primitive::u8]).to_string());
        assert_eq!(
            ty("Sequence[float]").param_tokens().to_string(),
            quote!(impl ::core::iter::IntoIterator<Item = ::core::primitive::f64>).to_string()
        );
        assert!(ty("float").param_conversion(&name).is_none());
        assert_eq!(
            ty("str | None").param_tokens().to_string(),
            quote!(::core::option::Option<&::core::primitive::str>).to_string()
        );
        assert!(ty("int | None").is_typed_param());
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
