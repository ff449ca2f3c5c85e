//! Rendering a manifest's module as Rust items.

mod array_annotation;
mod callable;
mod class;
mod constant;
pub mod doc_text;
pub mod names;
pub mod types;

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::quote;

use self::callable::{Spec, Target};
use self::names::{ident, rust_name, Scope};
use crate::model::ModuleInfo;

/// The items of `module` (functions, classes, constants, nested submodules); `streaming`
/// names functions that also get a `*_stream` variant (dotted for submodule members).
pub fn module_items(module: &ModuleInfo, streaming: &[String]) -> TokenStream {
    let classes: HashSet<String> = module.classes.iter().map(|c| c.name.clone()).collect();
    let mut values = Scope::default();
    let mut types = Scope::default();
    let mut items = Vec::new();
    let here = &module.name;

    // Claim every plain name first so that a `_with`/`_stream` variant never takes a
    // Python function's own name.
    let function_idents: Vec<_> = module.functions.iter().map(|f| values.claim(&f.name)).collect();
    let constant_items: Vec<_> = module.constants.iter().map(|c| constant::render(&mut values, c, here)).collect();
    for (function, ident) in module.functions.iter().zip(function_idents) {
        let mut spec = Spec {
            qualified: format!("{here}.{}", function.name),
            python_name: &function.name,
            ident,
            with_ident: None,
            doc: function.doc.as_deref(),
            rustdoc: function.rustdoc.as_deref(),
            signature: function.signature.as_ref(),
            target: Target::Function { owner: here, name: &function.name },
            classes: &classes,
        };
        if spec.has_optional() {
            let with = rust_name(&format!("{}_with", function.name));
            spec.with_ident = values.is_free(&with).then(|| values.claim_exact(&with));
        }
        items.push(callable::render(&spec));
        if streaming.contains(&function.name) {
            let stream = rust_name(&format!("{}_stream", function.name));
            if values.is_free(&stream) {
                let stream_ident = values.claim_exact(&stream);
                items.push(stream_fn(&stream_ident, here, &function.name));
            }
        }
    }
    for class in module.classes.iter().filter(|c| streaming.contains(&c.name)) {
        let stream = rust_name(&format!("{}_stream", class.name));
        if values.is_free(&stream) {
            let stream_ident = values.claim_exact(&stream);
            items.push(stream_fn(&stream_ident, here, &class.name));
        }
    }
    items.extend(constant_items);
    for class in &module.classes {
        types.claim(&class.name);
        items.push(class::render(class, here, &classes, &module.classes));
    }
    for sub in &module.submodules {
        let short = sub.name.rsplit('.').next().unwrap_or(&sub.name);
        if !types.is_free(&rust_name(short)) {
            continue;
        }
        let sub_ident = types.claim(short);
        let prefix = format!("{short}.");
        let sub_streaming: Vec<String> =
            streaming.iter().filter_map(|s| s.strip_prefix(&prefix).map(str::to_owned)).collect();
        let inner = module_items(sub, &sub_streaming);
        let doc = module_doc(sub);
        items.push(quote! {
            #[doc = #doc]
            pub mod #sub_ident {
                #inner
            }
        });
    }
    quote! {
        #[allow(unused_imports)]
        use ::snakebridge::__private as __sb;
        #(#items)*
    }
}

/// The rustdoc of a generated module.
pub fn module_doc(module: &ModuleInfo) -> String {
    module.rustdoc.clone().unwrap_or_else(|| doc_text::module(module))
}

/// The identifier for a Python name (re-exported for the expansion).
pub fn rust_ident(name: &str) -> proc_macro2::Ident {
    ident(name)
}

fn stream_fn(ident: &proc_macro2::Ident, module: &str, name: &str) -> TokenStream {
    let doc = format!(
        " Calls Python `{module}.{name}(*args, **kwargs)` and iterates over what it returns (a generator, an iterator or any iterable), one `Value` at a time."
    );
    quote! {
        #[doc = #doc]
        pub fn #ident(args: impl __sb::IntoArgs) -> __sb::Result<__sb::StreamRef> {
            static __SB_FUNCTION: __sb::CachedFunction = __sb::CachedFunction::new(#module, #name);
            __sb::StreamRef::call(&__SB_FUNCTION, args)
        }
    }
}
