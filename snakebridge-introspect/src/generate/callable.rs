//! One Python callable as Rust functions: `name(required...)` for the common call, and
//! `name_with(required..., rest: Args)` when the signature has optional, keyword-only,
//! `*args` or `**kwargs` parameters. Keywords in `rest` are checked against the signature at
//! run time, with an error that lists the valid names.

use std::collections::HashSet;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::doc_text;
use super::names::{rust_name, Scope};
use super::types::RustType;
use crate::model::{ParamKind, Signature};

/// How the generated body reaches the Python callable.
pub enum Target<'a> {
    /// A module-level function, cached in a `static` per function.
    Function {
        /// The module path the callable is looked up in (`"json"`, `"pathlib.Path"`).
        owner: &'a str,
        /// The attribute name.
        name: &'a str,
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
    /// The Rust name of the `_with` variant, if one is free.
    pub with_ident: Option<Ident>,
    /// The raw docstring.
    pub doc: Option<&'a str>,
    /// The signature, when known.
    pub signature: Option<&'a Signature>,
    /// How to reach the callable.
    pub target: Target<'a>,
    /// Class names generated in the same module (for typed results).
    pub classes: &'a HashSet<String>,
}

impl Spec<'_> {
    /// Whether a `_with` variant is needed.
    pub fn has_optional(&self) -> bool {
        self.signature.is_some_and(|s| s.params.iter().any(|p| !p.is_required()))
    }
}

/// Renders the function(s).
pub fn render(spec: &Spec<'_>) -> TokenStream {
    let renamed = (rust_name(spec.python_name) != spec.python_name).then_some(spec.python_name);
    let doc = doc_text::render(&spec.qualified, spec.signature.and_then(|s| s.text.as_deref()), spec.doc, renamed);
    let ident = &spec.ident;
    let receiver = matches!(spec.target, Target::Method { .. }).then(|| quote!(&self,));
    let Some(sig) = spec.signature else {
        let ret = result_type(spec, None);
        let call = call_expr(spec, quote!(args));
        return quote! {
            #[doc = #doc]
            #[doc = "\n The signature is unknown to Python, so the arguments are passed as they are: a tuple, a `Vec` or `snakebridge::args!(...)`."]
            pub fn #ident(#receiver args: impl ::snakebridge::IntoArgs) -> ::snakebridge::Result<#ret> {
                #call
            }
        };
    };

    let mut scope = Scope::default();
    let mut params = Vec::new();
    let mut positional = Vec::new();
    let mut keywords = Vec::new();
    for p in sig.params.iter().filter(|p| p.is_required()) {
        let name = scope.claim(&p.name);
        let ty = RustType::from_annotation(p.annotation.as_deref(), spec.classes).param_tokens();
        params.push(quote!(#name: #ty));
        if p.kind == ParamKind::KeywordOnly {
            let key = &p.name;
            keywords.push(quote!((#key, &#name as &dyn ::snakebridge::ToPython)));
        } else {
            positional.push(name);
        }
    }
    let ret = result_type(spec, sig.returns.as_deref());
    let keyword_names: Vec<&str> = sig
        .params
        .iter()
        .filter(|p| matches!(p.kind, ParamKind::PositionalOrKeyword | ParamKind::KeywordOnly))
        .map(|p| p.name.as_str())
        .collect();
    let var_keywords = sig.params.iter().any(|p| p.kind == ParamKind::VarKeyword);
    let qualified = &spec.qualified;
    let signature_static = quote! {
        static __SB_SIGNATURE: ::snakebridge::__private::Signature = ::snakebridge::__private::Signature {
            function: #qualified,
            keywords: &[#(#keyword_names),*],
            var_keywords: #var_keywords,
        };
    };
    let bound = |rest: TokenStream| {
        quote! {
            ::snakebridge::__private::BoundArgs {
                positional: &[#(&#positional as &dyn ::snakebridge::ToPython),*],
                keywords: &[#(#keywords),*],
                rest: #rest,
                signature: &__SB_SIGNATURE,
            }
        }
    };

    let plain_body = if keywords.is_empty() && positional.len() <= 8 {
        call_expr(spec, quote!((#(#positional,)*)))
    } else {
        let args = bound(quote!(::core::option::Option::None));
        let call = call_expr(spec, args);
        quote!(#signature_static #call)
    };
    let link = if matches!(spec.target, Target::Function { .. }) { format!("{ident}") } else { format!("Self::{ident}") };
    let with_doc = spec.with_ident.as_ref().map(|w| {
        let keywords = if keyword_names.is_empty() {
            "none".to_owned()
        } else {
            keyword_names.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
        };
        format!(
            " [`{ident}`]({link}) with the optional arguments too: `rest` adds positional arguments after the required ones, then keywords, as in `{w}(..., snakebridge::args!({}))`.\n\n Keyword parameters: {keywords}.{}",
            example_keyword(sig),
            if var_keywords { " Any other keyword is accepted too (`**kwargs`)." } else { "" }
        )
    });
    let plain = quote! {
        #[doc = #doc]
        #[inline]
        pub fn #ident(#receiver #(#params),*) -> ::snakebridge::Result<#ret> {
            #plain_body
        }
    };
    let Some(with_ident) = spec.with_ident.as_ref().filter(|_| spec.has_optional()) else {
        return plain;
    };
    let with_doc = with_doc.unwrap_or_default();
    let rest_name = scope.claim_exact("rest");
    let args = bound(quote!(::core::option::Option::Some(&#rest_name)));
    let call = call_expr(spec, args);
    quote! {
        #plain
        #[doc = #with_doc]
        pub fn #with_ident(#receiver #(#params,)* #rest_name: ::snakebridge::Args<'_>) -> ::snakebridge::Result<#ret> {
            #signature_static
            #call
        }
    }
}

fn example_keyword(sig: &Signature) -> String {
    sig.params
        .iter()
        .find(|p| !p.is_required() && matches!(p.kind, ParamKind::PositionalOrKeyword | ParamKind::KeywordOnly))
        .map(|p| format!("{} = ...", rust_name(&p.name)))
        .unwrap_or_default()
}

fn result_type(spec: &Spec<'_>, returns: Option<&str>) -> TokenStream {
    match spec.target {
        Target::Constructor => quote!(Self),
        _ => RustType::from_annotation(returns, spec.classes).result_tokens(),
    }
}

fn call_expr(spec: &Spec<'_>, args: TokenStream) -> TokenStream {
    match &spec.target {
        Target::Function { owner, name } => {
            let cached = format_ident!("__SB_FUNCTION");
            quote! {
                static #cached: ::snakebridge::__private::CachedFunction = ::snakebridge::__private::CachedFunction::new(#owner, #name);
                #cached.call(#args)
            }
        }
        Target::Constructor => quote!(Self::__sb_class().call(#args)),
        Target::Method { name } => quote!(::snakebridge::method_as(&self.__ref, #name, #args)),
    }
}
