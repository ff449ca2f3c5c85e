//! The whole expansion of `#[python_module(...)] mod m {}`: parse, load the manifest, check,
//! render. On any error the module is still emitted (with whatever could be generated) next
//! to the `compile_error!`s, so the rest of the crate and IDEs keep working.

use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::ItemMod;

use crate::ctxt::Ctxt;
use crate::manifest::{load, Mode};
use crate::{attr, check, generate};

/// Expands with the real environment: the crate is `CARGO_MANIFEST_DIR`.
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let crate_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
    expand_in(&crate_dir, args, item, &|name| std::env::var(name).ok())
}

/// Expands for the crate in `crate_dir`, reading the environment through `env`.
pub fn expand_in(crate_dir: &Path, args: TokenStream, item: TokenStream, env: &dyn Fn(&str) -> Option<String>) -> TokenStream {
    let cx = Ctxt::new();
    let mut module = match syn::parse2::<ItemMod>(item.clone()) {
        Ok(m) => m,
        Err(_) => {
            cx.error_at(Span::call_site(), "#[python_module] goes on a module: `#[python_module(\"math\")] mod math {}`");
            let errors = cx.into_compile_errors();
            return quote!(#errors #item);
        }
    };
    let mut generated = TokenStream::new();
    if let Some(args) = attr::parse(&cx, args) {
        let mode = Mode::from_env(crate_dir, env);
        match load(crate_dir, &args.config, &mode) {
            Ok(loaded) => {
                check::check(&cx, &args, &loaded.manifest.introspection);
                let path = loaded.path.to_string_lossy().into_owned();
                let items = generate::module_items(&loaded.manifest.introspection, &args.streaming);
                let has_doc = module.attrs.iter().any(|a| a.path().is_ident("doc"));
                if !has_doc {
                    let doc = generate::module_doc(&loaded.manifest.introspection);
                    module.attrs.push(syn::parse_quote!(#[doc = #doc]));
                }
                generated = quote! {
                    // Names the manifest so that cargo rebuilds when it changes.
                    const _: &[u8] = ::core::include_bytes!(#path);
                    #items
                };
            }
            Err(e) => cx.error_at(args.module_span, e),
        }
    }
    module.attrs.push(syn::parse_quote!(#[allow(non_snake_case, non_camel_case_types, non_upper_case_globals, clippy::all, clippy::pedantic, rustdoc::all)]));
    let user_items = module.content.take().map(|(_, items)| items).unwrap_or_default();
    module.semi = None;
    let errors = cx.into_compile_errors();
    let attrs = &module.attrs;
    let vis = &module.vis;
    let unsafety = &module.unsafety;
    let ident = &module.ident;
    quote! {
        #(#attrs)*
        #vis #unsafety mod #ident {
            #generated
            #(#user_items)*
        }
        #errors
    }
}
