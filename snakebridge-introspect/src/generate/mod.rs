//! Rendering the model of [`crate::plan`] as Rust items: the names are decided there, this
//! only writes tokens.
//!
//! Every path the generated code uses is fully qualified (`::snakebridge::__private::…`,
//! `::core::primitive::f64`), never a glob or a short alias, so a Python name (sympy's class
//! `Function`, a class named `Value` or `f64`) can never shadow one. The lint allowances
//! sit on each generated item, so the user's own items inside the module keep their lints.

mod array_annotation;
mod callable;
mod class;
mod constant;
pub mod doc_text;
pub mod names;
pub mod types;

use proc_macro2::TokenStream;
use quote::quote;

use self::callable::{Spec, Target};
pub use self::class::parent;
use crate::model::ModuleInfo;
use crate::plan::{self, ModulePlan, Options, StreamPlan};

/// The items of `module` with no `rename`: the model of [`plan::plan`], rendered. Items whose
/// Rust name collides are left out (an expansion reports each collision as a compile error).
pub fn module_items(module: &ModuleInfo, streaming: &[String]) -> TokenStream {
    render(&plan::plan(module, Options { streaming, idempotent: &[], renames: &[] }).module)
}

/// The tokens of a module's model.
pub fn render(plan: &ModulePlan<'_>) -> TokenStream {
    let here = &plan.info.name;
    let mut items = Vec::new();
    for function in &plan.functions {
        let f = function.info;
        items.push(callable::render(&Spec {
            qualified: format!("{here}.{}", f.name),
            python_name: &f.name,
            ident: function.ident.clone(),
            with_ident: function.with.clone(),
            renamed: function.renamed,
            allow: allow(),
            doc: f.doc.as_deref(),
            rustdoc: f.rustdoc.as_deref(),
            signature: f.signature.as_ref(),
            target: Target::Function { owner: here, name: &f.name, idempotent: function.idempotent },
            classes: &plan.class_names,
            stub_note: f.stub_note.as_deref(),
        }));
    }
    items.extend(plan.streams.iter().map(|s| stream_fn(s, here)));
    items.extend(plan.constants.iter().map(|c| constant::render(c, here)));
    items.extend(plan.classes.iter().map(|c| class::render(c, here, &plan.class_names)));
    for sub in &plan.submodules {
        let inner = render(&sub.module);
        let doc = module_doc(sub.module.info);
        let ident = &sub.ident;
        let allow = allow();
        items.push(quote! {
            #[doc = #doc]
            #allow
            pub mod #ident {
                #inner
            }
        });
    }
    quote!(#(#items)*)
}

/// The lint allowances of a generated item: Python's names keep their case, and docstrings and
/// signatures are not written for clippy.
pub(crate) fn allow() -> TokenStream {
    quote!(#[allow(non_snake_case, non_camel_case_types, non_upper_case_globals, clippy::all, clippy::pedantic, rustdoc::all)])
}

/// The rustdoc of a generated module.
pub fn module_doc(module: &ModuleInfo) -> String {
    module.rustdoc.clone().unwrap_or_else(|| doc_text::module(module))
}

fn stream_fn(stream: &StreamPlan<'_>, module: &str) -> TokenStream {
    let name = stream.python_name;
    let ident = &stream.ident;
    let doc = format!(
        " Calls Python `{module}.{name}(*args, **kwargs)` and iterates over what it returns (a generator, an iterator or any iterable), one `Value` at a time."
    );
    let allow = allow();
    quote! {
        #[doc = #doc]
        #allow
        pub fn #ident(args: impl ::snakebridge::__private::IntoArgs) -> ::snakebridge::__private::Result<::snakebridge::__private::StreamRef> {
            static __SB_FUNCTION: ::snakebridge::__private::CachedFunction = ::snakebridge::__private::CachedFunction::new(#module, #name);
            ::snakebridge::__private::StreamRef::call(&__SB_FUNCTION, args)
        }
    }
}
