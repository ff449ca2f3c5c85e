//! The whole expansion of `#[python_module(...)] mod m {}`: parse the arguments, load the
//! manifest, check the arguments against it, decide every Rust name ([`crate::plan`], whose
//! collisions are reported here), render the model. On any error the module is still emitted
//! (with whatever could be generated) next to the `compile_error!`s, so the rest of the crate
//! and IDEs keep working.

mod report;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::ItemMod;

use crate::ctxt::Ctxt;
use crate::manifest::{live, load, Mode, Origin, DIR_NAME};
use crate::plan::{self, Options};
use crate::{attr, check, generate, stamp, telemetry};

/// Expands with the real environment: the crate is `CARGO_MANIFEST_DIR`.
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let crate_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
    expand_in(&crate_dir, args, item, &|name| std::env::var(name).ok())
}

/// Expands for the crate in `crate_dir`, reading the environment through `env`.
pub fn expand_in(
    crate_dir: &Path,
    args: TokenStream,
    item: TokenStream,
    env: &dyn Fn(&str) -> Option<String>,
) -> TokenStream {
    let cx = Ctxt::new();
    let mut module = match syn::parse2::<ItemMod>(item.clone()) {
        Ok(m) => m,
        Err(_) => {
            cx.error_at(
                Span::call_site(),
                "#[python_module] goes on a module: `#[python_module(\"math\")] mod math {}`",
            );
            let errors = cx.into_compile_errors();
            return quote!(#errors #item);
        }
    };
    let mut generated = TokenStream::new();
    if let Some(args) = attr::parse(&cx, args) {
        let mode = Mode::from_env(crate_dir, env);
        let library = args.config.module.as_str();
        let started = Instant::now();
        telemetry::compile_start(&[library], mode.strict);
        telemetry::introspect_start(library, 1);
        live::record(env, &crate_dir.join(DIR_NAME).join(args.config.manifest_file_name()));
        match load(crate_dir, &args.config, &mode) {
            Ok(loaded) => {
                let found = &loaded.manifest.introspection;
                let symbols = (found.functions.len() + found.classes.len() + found.constants.len()) as u64;
                let from_cache = matches!(loaded.origin, Origin::Cache);
                let python_time = if from_cache { Duration::ZERO } else { started.elapsed() };
                telemetry::introspect_stop(started.elapsed(), library, symbols, u64::from(from_cache), python_time);
                check::check(&cx, &args, found);
                let path = loaded.path.to_string_lossy().into_owned();
                let generating = Instant::now();
                let model = plan::plan(
                    found,
                    Options { streaming: &args.streaming, idempotent: &args.idempotent, renames: &args.renames },
                );
                report::plan_errors(&cx, &args, &model);
                let items = generate::render(&model.module);
                // The byte count needs the tokens as text: only when someone listens.
                let bytes = if tracing::enabled!(target: telemetry::TARGET, tracing::Level::DEBUG) {
                    items.to_string().len() as u64
                } else {
                    0
                };
                telemetry::generate_stop(
                    generating.elapsed(),
                    library,
                    &path,
                    bytes,
                    found.functions.len() as u64,
                    found.classes.len() as u64,
                );
                telemetry::compile_stop(
                    started.elapsed(),
                    symbols,
                    u64::from(!from_cache),
                    &[library],
                    if from_cache { "cache" } else { "introspected" },
                );
                let has_doc = module.attrs.iter().any(|a| a.path().is_ident("doc"));
                if !has_doc {
                    let doc = generate::module_doc(&loaded.manifest.introspection);
                    module.attrs.push(syn::parse_quote!(#[doc = #doc]));
                }
                // The stamp stands in for the manifest (see `crate::stamp`); where it cannot be
                // written (a read-only checkout), the manifest itself is tracked.
                let tracked = match stamp::ensure(&loaded.path) {
                    Ok(stamp) => stamp.to_string_lossy().into_owned(),
                    Err(e) => {
                        tracing::debug!("could not write the stamp of {path}: {e}");
                        path
                    }
                };
                generated = quote! {
                    const _: &[::core::primitive::u8] = ::core::include_bytes!(#tracked);
                    #items
                };
            }
            Err(e) => {
                telemetry::compile_exception(started.elapsed(), &e);
                cx.error_at(args.module_span, e)
            }
        }
    }
    // No allowance on the module: each generated item carries its own, so the module's name
    // (the user's) and the user's items inside it keep their lints.
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
