//! One Python callable as Rust functions: `name(required...)` for the common call, and
//! `name_with(required..., rest: Args)` when the signature has optional, keyword-only,
//! `*args` or `**kwargs` parameters. Keywords in `rest` are checked against the signature at
//! run time, with an error that lists the valid names.
//!
//! Every path in a generated body is fully qualified and the body's own locals are reserved in
//! the parameter scope, so neither a Python class (`Function`, `Value`) nor a Python parameter
//! (`F`, `rest`) can shadow what the body means.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::doc_text;
use super::names::{rust_name, Scope};
use super::types::RustType;
use crate::docs::ItemKind;
use crate::model::{ParamKind, Signature};
use crate::plan::ClassNames;

/// The names a generated body declares itself; a parameter that maps to one is renamed.
const LOCALS: &[&str] = &["__SB_FUNCTION", "rest", "args", "__sb_varargs", "__sb_item"];

/// How the generated body reaches the Python callable.
pub enum Target<'a> {
    /// A module-level function (or a static/class method: `owner` is then `module.Class`),
    /// cached in a `static`.
    Function {
        /// The module path the callable is looked up in (`"json"`, `"pathlib.Path"`).
        owner: &'a str,
        /// The attribute name.
        name: &'a str,
        /// Whether its calls are cached by their arguments (`idempotent = [...]`).
        idempotent: bool,
    },
    /// The class itself (a constructor); the result is `Self`.
    Constructor,
    /// A method looked up on `self`.
    Method {
        /// The method name.
        name: &'a str,
    },
}

/// What to render.
pub struct Spec<'a> {
    /// The qualified Python name, for docs and error messages.
    pub qualified: String,
    /// The Python name.
    pub python_name: &'a str,
    /// The Rust name of the plain variant.
    pub ident: Ident,
    /// The Rust name of the `_with` variant, when the model has one.
    pub with_ident: Option<Ident>,
    /// Whether the name was chosen rather than spelled from the Python name, and why.
    pub renamed: crate::plan::Renamed,
    /// The lint allowances, on a module-level item; empty inside an `impl`, which has them.
    pub allow: TokenStream,
    /// The raw docstring.
    pub doc: Option<&'a str>,
    /// The page already converted when the manifest was written, if any.
    pub rustdoc: Option<&'a str>,
    /// The signature, when known.
    pub signature: Option<&'a Signature>,
    /// How to reach the callable.
    pub target: Target<'a>,
    /// The classes generated in the same module (for typed results).
    pub classes: &'a ClassNames,
    /// Why the stub was not used, when it was not.
    pub stub_note: Option<&'a str>,
}

/// The keyword parameters as the runtime's compact spec string (`"axis dtype **"`).
fn keyword_spec(sig: &Signature) -> String {
    let mut names: Vec<&str> = sig
        .params
        .iter()
        .filter(|p| matches!(p.kind, ParamKind::PositionalOrKeyword | ParamKind::KeywordOnly))
        .map(|p| p.name.as_str())
        .collect();
    if sig.params.iter().any(|p| p.kind == ParamKind::VarKeyword) {
        names.push("**");
    }
    names.join(" ")
}

/// Renders the function(s).
pub fn render(spec: &Spec<'_>) -> TokenStream {
    let renamed = (rust_name(spec.python_name) != spec.python_name).then_some(spec.python_name);
    let kind = if matches!(spec.target, Target::Method { .. }) { ItemKind::Method } else { ItemKind::Function };
    let doc = match spec.rustdoc {
        Some(page) => std::borrow::Cow::Borrowed(page),
        None => std::borrow::Cow::Owned(doc_text::render(
            kind,
            &spec.qualified,
            spec.signature.and_then(|s| s.text.as_deref()),
            spec.doc,
            renamed,
        )),
    };
    let user_rename = match spec.renamed {
        crate::plan::Renamed::No => None,
        crate::plan::Renamed::ByRename => Some(format!(
            "\n The Python name is `{}`; `rename` on `#[python_module]` gives it this Rust name.",
            spec.python_name
        )),
        crate::plan::Renamed::Reserved => Some(format!(
            "\n The Python name is `{0}`; it has a trailing underscore because `{0}` is the generated constructor.",
            spec.python_name
        )),
    };
    let doc = doc.as_ref();
    let user_rename = user_rename.iter();
    let ident = &spec.ident;
    let allow = &spec.allow;
    let receiver = matches!(spec.target, Target::Method { .. }).then(|| quote!(&self,));
    let Some(sig) = spec.signature else {
        let ret = result_type(spec, None);
        let call = plain_call(spec, "", quote!(args));
        return quote! {
            #[doc = #doc]
            #(#[doc = #user_rename])*
            #allow
            #[doc = "\n The signature is unknown to Python, so the arguments are passed as they are: a tuple, a `Vec` or `snakebridge::args!(...)`."]
            pub fn #ident(#receiver args: impl ::snakebridge::__private::IntoArgs) -> ::snakebridge::__private::Result<#ret> {
                #call
            }
        };
    };

    let mut scope = Scope::with_reserved(LOCALS);
    let mut params = Vec::new();
    let mut with_params = Vec::new();
    let mut conversions = Vec::new();
    let mut positional = Vec::new();
    let mut keywords = Vec::new();
    let spread = spread_varargs(sig);
    let mut varargs = None;
    for p in sig.params.iter().filter(|p| p.is_required() || (spread && p.kind == ParamKind::VarPositional)) {
        let name = scope.claim(&p.name);
        let rust = RustType::from_annotation(p.annotation.as_deref(), spec.classes);
        if p.kind == ParamKind::VarPositional {
            let item = rust.vararg_item_tokens();
            varargs = Some(vararg_collection(&name, &rust));
            params.push(quote!(#name: impl ::core::iter::IntoIterator<Item = #item>));
            continue;
        }
        let ty = rust.param_tokens();
        params.push(quote!(#name: #ty));
        // `_with` passes `*args` in `rest`, after the optional positional parameters they would fill.
        with_params.push(quote!(#name: #ty));
        conversions.extend(rust.param_conversion(&name));
        if p.kind == ParamKind::KeywordOnly {
            let key = &p.name;
            keywords.push(quote!((#key, &#name)));
        } else {
            positional.push(name);
        }
    }
    let ret = result_type(spec, sig.returns.as_deref());
    let kw_spec = keyword_spec(sig);
    let plain_body = if let Some(collect) = &varargs {
        let call = bound_call(
            spec,
            &kw_spec,
            quote!(&[#(&#positional),*]),
            quote!(&[#(#keywords),*]),
            quote!(::core::option::Option::Some(&__sb_varargs)),
        );
        quote!(#collect #call)
    } else if keywords.is_empty() && positional.len() <= 8 {
        positional_call(spec, &kw_spec, quote!((#(#positional,)*)))
    } else {
        bound_call(
            spec,
            &kw_spec,
            quote!(&[#(&#positional),*]),
            quote!(&[#(#keywords),*]),
            quote!(::core::option::Option::None),
        )
    };
    let typing = typing_note(sig, spec.stub_note);
    let typing = typing.iter();
    let plain = quote! {
        #[doc = #doc]
        #(#[doc = #user_rename])*
        #(#[doc = #typing])*
        #allow
        pub fn #ident(#receiver #(#params),*) -> ::snakebridge::__private::Result<#ret> {
            #(#conversions)*
            #plain_body
        }
    };
    let Some(with_ident) = spec.with_ident.as_ref() else {
        return plain;
    };
    let link =
        if matches!(spec.target, Target::Function { .. }) { format!("{ident}") } else { format!("Self::{ident}") };
    let shown: Vec<String> =
        kw_spec.split(' ').filter(|k| !k.is_empty() && *k != "**").map(|k| format!("`{k}`")).collect();
    let with_doc = format!(
        " [`{ident}`]({link}) plus the optional arguments: `rest` adds positional arguments after the required ones, then keywords (`snakebridge::args!({})`).\n\n Keyword parameters: {}.{}",
        example_keyword(sig),
        if shown.is_empty() { "none".to_owned() } else { shown.join(", ") },
        if kw_spec.ends_with("**") { " Any other keyword is accepted too (`**kwargs`)." } else { "" }
    );
    let rest_name = Ident::new("rest", proc_macro2::Span::call_site());
    let with_ret = if sig.returns_vary { result_type(spec, None) } else { ret };
    let call = bound_call(
        spec,
        &kw_spec,
        quote!(&[#(&#positional),*]),
        quote!(&[#(#keywords),*]),
        quote!(::core::option::Option::Some(&#rest_name)),
    );
    quote! {
        #plain
        #[doc = #with_doc]
        #allow
        pub fn #with_ident(#receiver #(#with_params,)* #rest_name: ::snakebridge::__private::Args<'_>) -> ::snakebridge::__private::Result<#with_ret> {
            #(#conversions)*
            #call
        }
    }
}

/// Whether the plain function takes the `*args` parameter, as an iterable spread into
/// positional arguments: when it is typed and no optional positional parameter comes before it
/// (which the spread items would fill instead).
fn spread_varargs(sig: &Signature) -> bool {
    let Some(at) = sig.params.iter().position(|p| p.kind == ParamKind::VarPositional) else {
        return false;
    };
    sig.params[at].annotation.is_some()
        && sig.params[..at].iter().all(|p| p.is_required() || p.kind == ParamKind::KeywordOnly)
}

/// The statements that gather a `*args` parameter's items into `__sb_varargs` (an `Args`).
fn vararg_collection(name: &Ident, element: &RustType) -> TokenStream {
    let item = element.owned_item(&Ident::new("__sb_item", proc_macro2::Span::call_site()));
    quote! {
        let mut __sb_varargs = ::snakebridge::__private::Args::new();
        for __sb_item in ::core::iter::IntoIterator::into_iter(#name) {
            __sb_varargs = __sb_varargs.arg(#item);
        }
    }
}

/// The rustdoc line that says where the types came from, or why a stub was not used.
fn typing_note(sig: &Signature, stub_note: Option<&str>) -> Option<String> {
    if let Some(note) = stub_note {
        return Some(format!("\n Untyped: {}.", note.replace('`', "'")));
    }
    let source = sig.stub.as_deref()?;
    if source == "source" {
        return Some(
            "\n Return type read from the function's source: every `return` gives that type (no annotation or stub has one)."
                .to_owned(),
        );
    }
    let overloads = match sig.overloads {
        Some(n) => format!(
            " The stub has {n} overloads: this takes the one a call with only the required arguments selects whose types are the most concrete; `snakebridge::python!` calls the others."
        ),
        None => String::new(),
    };
    Some(format!("\n Types from the `{source}` stub.{overloads}"))
}

fn example_keyword(sig: &Signature) -> String {
    sig.params
        .iter()
        .find(|p| !p.is_required() && matches!(p.kind, ParamKind::PositionalOrKeyword | ParamKind::KeywordOnly))
        .map(|p| format!("{} = ...", p.name))
        .unwrap_or_default()
}

fn result_type(spec: &Spec<'_>, returns: Option<&str>) -> TokenStream {
    match spec.target {
        Target::Constructor => quote!(Self),
        _ => RustType::from_annotation(returns, spec.classes).result_tokens(),
    }
}

fn plain_call(spec: &Spec<'_>, kw_spec: &str, args: TokenStream) -> TokenStream {
    match &spec.target {
        Target::Function { owner, name, idempotent } => {
            let new = function_constructor(*idempotent);
            quote! {
            static __SB_FUNCTION: ::snakebridge::__private::Function = ::snakebridge::__private::Function::#new(#owner, #name, #kw_spec);
            __SB_FUNCTION.call(#args)
            }
        }
        Target::Constructor => quote!(Self::__sb_class().call(#args)),
        Target::Method { name } => quote! {
            static __SB_METHOD: ::snakebridge::__private::Method = ::snakebridge::__private::Method::new(#name, #kw_spec);
            __SB_METHOD.call(self.__sb_ref(), #args)
        },
    }
}

/// Only required positional arguments: the vectorcall fast path for module functions.
fn positional_call(spec: &Spec<'_>, kw_spec: &str, args: TokenStream) -> TokenStream {
    match &spec.target {
        Target::Function { owner, name, idempotent } => {
            let new = function_constructor(*idempotent);
            quote! {
            static __SB_FUNCTION: ::snakebridge::__private::Function = ::snakebridge::__private::Function::#new(#owner, #name, #kw_spec);
            __SB_FUNCTION.call_positional(#args)
            }
        }
        _ => plain_call(spec, kw_spec, args),
    }
}

fn bound_call(
    spec: &Spec<'_>,
    kw_spec: &str,
    positional: TokenStream,
    keywords: TokenStream,
    rest: TokenStream,
) -> TokenStream {
    match &spec.target {
        Target::Function { owner, name, idempotent } => {
            let new = function_constructor(*idempotent);
            quote! {
            static __SB_FUNCTION: ::snakebridge::__private::Function = ::snakebridge::__private::Function::#new(#owner, #name, #kw_spec);
            __SB_FUNCTION.call_with(#positional, #keywords, #rest)
            }
        }
        Target::Constructor => {
            let qualified = &spec.qualified;
            quote!(::snakebridge::__private::call_class(Self::__sb_class(), #qualified, #kw_spec, #positional, #keywords, #rest))
        }
        Target::Method { name } => quote! {
            static __SB_METHOD: ::snakebridge::__private::Method = ::snakebridge::__private::Method::new(#name, #kw_spec);
            __SB_METHOD.call_with(self.__sb_ref(), #positional, #keywords, #rest)
        },
    }
}

/// `Function::new`, or `Function::idempotent` for a function whose calls are cached.
fn function_constructor(idempotent: bool) -> Ident {
    Ident::new(if idempotent { "idempotent" } else { "new" }, proc_macro2::Span::call_site())
}
