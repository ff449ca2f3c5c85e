//! Module constants as getter functions that read the live value (so a value that depends on
//! the platform is never frozen at compile time), typed by the type seen when introspecting.

use proc_macro2::TokenStream;
use quote::quote;

use super::names::rust_name;
use super::types::RustType;
use crate::model::ConstantInfo;
use crate::plan::ConstantPlan;

/// The Rust type of a constant's value: scalars typed, everything else (`None` included) `Value`.
pub fn value_type(constant: &ConstantInfo) -> RustType {
    match constant.type_name.as_str() {
        "float" => RustType::F64,
        "int" if constant.repr.parse::<i64>().is_ok() => RustType::I64,
        "str" => RustType::Str,
        "bool" => RustType::Bool,
        _ => RustType::Dynamic,
    }
}

/// Renders `pub fn NAME() -> Result<T>`.
pub fn render(plan: &ConstantPlan<'_>, module: &str) -> TokenStream {
    let ident = &plan.ident;
    let constant = plan.info;
    let ty = value_type(constant).result_tokens();
    let name = &constant.name;
    let mut doc = format!(
        " Python: `{module}.{name}`, a `{}` (`{}` when the bindings were generated).",
        constant.type_name,
        constant.repr.replace('`', "'")
    );
    if *ident != rust_name(name) {
        doc.push_str(&format!(
            "\n\n The Python name is `{name}`; `rename` on `#[python_module]` gives it this Rust name."
        ));
    } else if rust_name(name) != *name {
        doc.push_str(&format!(
            "\n\n The Python name is `{name}`; it is renamed because it is not a valid Rust identifier here."
        ));
    }
    let allow = super::allow();
    quote! {
        #[doc = #doc]
        #allow
        pub fn #ident() -> ::snakebridge::__private::Result<#ty> {
            ::snakebridge::__private::get_as(#module, #name)
        }
    }
}
