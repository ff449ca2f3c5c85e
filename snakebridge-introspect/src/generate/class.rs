//! A Python class as a Rust struct wrapping a [`Ref`]: constructor from `__init__`, methods,
//! property getters and setters, protocol helpers from dunder methods, and checked
//! conversions to and from `Ref`, `Value` and Python objects.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::callable::{self, Spec, Target};
use super::doc_text;
use super::names::{ident, rust_name, Scope};
use super::types::RustType;
use crate::model::{ClassInfo, ConstantInfo};

/// The generated base class of `class`: its first base that is generated in the same module.
/// The struct derefs to it, and methods it already has are not generated again.
pub fn parent<'a>(class: &ClassInfo, siblings: &'a [ClassInfo]) -> Option<&'a ClassInfo> {
    class.bases.iter().find_map(|base| siblings.iter().find(|s| s.qualname == *base && s.qualname != class.qualname))
}

/// Renders the struct and its impls. `module` is the dotted Python module the class is read
/// from; `siblings` the classes generated next to it.
pub fn render(class: &ClassInfo, module: &str, classes: &HashSet<String>, siblings: &[ClassInfo]) -> TokenStream {
    let name = ident(&class.name);
    let qualified = format!("{module}.{}", class.name);
    let mut doc = class.rustdoc.clone().unwrap_or_else(|| doc_text::class(module, class));
    if !class.bases.is_empty() {
        doc.push_str(&format!(
            "\n Bases: {}.\n",
            class.bases.iter().map(|b| format!("`{b}`")).collect::<Vec<_>>().join(", ")
        ));
    }
    let parent = parent(class, siblings);
    let inherited = |owner: &Option<String>| match (parent, owner) {
        (Some(p), Some(owner)) => p.mro.contains(owner) || p.qualname == *owner,
        _ => false,
    };
    if let Some(p) = parent {
        doc.push_str(&format!("\n Derefs to [`{}`], which has the methods inherited from it.\n", rust_name(&p.name)));
    }

    let mut scope = Scope::default();
    let mut items = Vec::new();
    let new_ident = scope.claim_exact("new");
    let new_with = free_with(&mut scope, "new");
    items.push(callable::render(&Spec {
        qualified: qualified.clone(),
        python_name: &class.name,
        ident: new_ident,
        with_ident: new_with,
        doc: None,
        rustdoc: None,
        signature: class.init.as_ref(),
        target: Target::Constructor,
        classes,
    }));
    for method in class.methods.iter().filter(|m| !inherited(&m.owner)) {
        let method_ident = scope.claim(&method.name);
        let spec_name = format!("{qualified}.{}", method.name);
        let static_like = matches!(method.kind.as_deref(), Some("static" | "class"));
        let target = if static_like {
            Target::Function { owner: &qualified, name: &method.name }
        } else {
            Target::Method { name: &method.name }
        };
        let mut spec = Spec {
            qualified: spec_name,
            python_name: &method.name,
            ident: method_ident,
            with_ident: None,
            doc: method.doc.as_deref(),
            rustdoc: method.rustdoc.as_deref(),
            signature: method.signature.as_ref(),
            target,
            classes,
        };
        if spec.has_optional() {
            spec.with_ident = free_with(&mut scope, &method.name);
        }
        items.push(callable::render(&spec));
    }
    for property in class.properties.iter().filter(|p| !inherited(&p.owner)) {
        let getter = scope.claim(&property.name);
        let ty = RustType::from_annotation(property.annotation.as_deref(), classes).result_tokens();
        let py_name = &property.name;
        let doc = property.rustdoc.clone().unwrap_or_else(|| doc_text::property(&qualified, property));
        items.push(quote! {
            #[doc = #doc]
            pub fn #getter(&self) -> __sb::Result<#ty> {
                __sb::attr(self.__sb_ref(), #py_name)?.extract()
            }
        });
        if property.writable {
            let setter = scope.claim_exact(&format!("set_{}", rust_name(py_name)));
            let doc = format!(" Sets the Python property `{qualified}.{py_name}`.");
            items.push(quote! {
                #[doc = #doc]
                pub fn #setter(&self, value: impl __sb::ToPython) -> __sb::Result<()> {
                    __sb::set_attr(self.__sb_ref(), #py_name, value)
                }
            });
        }
    }
    for attribute in &class.attributes {
        items.push(attribute_getter(&mut scope, attribute, &qualified));
    }
    let dunders: Vec<String> =
        class.dunders.iter().filter(|d| parent.is_none_or(|p| !p.dunders.contains(d))).cloned().collect();
    items.push(protocols(&mut scope, &dunders));

    let class_name = &class.name;
    let python_qualname = &class.qualname;
    let (fields, kind) = match parent {
        Some(p) => {
            let p = ident(&p.name);
            (quote!({ __base: #p }), quote!(base #p))
        }
        None => (quote!({ __ref: __sb::Ref }), quote!(root)),
    };
    quote! {
        #[doc = #doc]
        #[derive(Clone)]
        pub struct #name #fields
        __sb::python_class!(#name, #module, #class_name, #python_qualname, #kind);
        impl #name {
            #(#items)*
        }
    }
}

fn free_with(scope: &mut Scope, base: &str) -> Option<proc_macro2::Ident> {
    let name = rust_name(&format!("{base}_with"));
    scope.is_free(&name).then(|| scope.claim_exact(&name))
}

fn attribute_getter(scope: &mut Scope, attribute: &ConstantInfo, qualified: &str) -> TokenStream {
    let getter = scope.claim(&attribute.name);
    let ty = super::constant::value_type(attribute).result_tokens();
    let py_name = &attribute.name;
    let doc = format!(
        " Python class attribute `{qualified}.{py_name}` (a `{}`; `{}` when introspected).",
        attribute.type_name,
        attribute.repr.replace('`', "'")
    );
    quote! {
        #[doc = #doc]
        pub fn #getter(&self) -> __sb::Result<#ty> {
            __sb::attr(self.__sb_ref(), #py_name)?.extract()
        }
    }
}

/// Helpers for the protocols the class's dunder methods give it.
fn protocols(scope: &mut Scope, dunders: &[String]) -> TokenStream {
    let has = |d: &str| dunders.iter().any(|x| x == d);
    let mut out = TokenStream::new();
    let mut helper = |scope: &mut Scope, name: &str, tokens: &dyn Fn(&proc_macro2::Ident) -> TokenStream| {
        if scope.is_free(name) {
            let ident = scope.claim_exact(name);
            out.extend(tokens(&ident));
        }
    };
    if has("__len__") {
        helper(scope, "len", &|id| {
            quote! {
                /// Python `len(self)`.
                pub fn #id(&self) -> __sb::Result<usize> {
                    static LEN: __sb::CachedFunction = __sb::CachedFunction::new("builtins", "len");
                    LEN.call((self.__sb_ref(),))
                }
            }
        });
    }
    if has("__getitem__") {
        helper(scope, "get_item", &|id| {
            quote! {
                /// Python `self[key]`.
                pub fn #id(&self, key: impl __sb::ToPython) -> __sb::Result<__sb::Value> {
                    static GETITEM: __sb::CachedFunction = __sb::CachedFunction::new("operator", "getitem");
                    GETITEM.call((self.__sb_ref(), key))
                }
            }
        });
    }
    if has("__setitem__") {
        helper(scope, "set_item", &|id| {
            quote! {
                /// Python `self[key] = value`.
                pub fn #id(&self, key: impl __sb::ToPython, value: impl __sb::ToPython) -> __sb::Result<()> {
                    static SETITEM: __sb::CachedFunction = __sb::CachedFunction::new("operator", "setitem");
                    SETITEM.call::<__sb::Value>((self.__sb_ref(), key, value)).map(|_| ())
                }
            }
        });
    }
    if has("__contains__") {
        helper(scope, "contains", &|id| {
            quote! {
                /// Python `item in self`.
                pub fn #id(&self, item: impl __sb::ToPython) -> __sb::Result<bool> {
                    static CONTAINS: __sb::CachedFunction = __sb::CachedFunction::new("operator", "contains");
                    CONTAINS.call((self.__sb_ref(), item))
                }
            }
        });
    }
    if has("__iter__") {
        helper(scope, "iter", &|id| {
            quote! {
                /// Python `iter(self)`, as a Rust iterator of values.
                pub fn #id(&self) -> __sb::Result<__sb::StreamRef> {
                    __sb::StreamRef::from_ref(self.__sb_ref())
                }
            }
        });
    }
    if has("__call__") {
        helper(scope, "call", &|id| {
            quote! {
                /// Python `self(*args, **kwargs)`.
                pub fn #id(&self, args: impl __sb::IntoArgs) -> __sb::Result<__sb::Value> {
                    __sb::call_ref(self.__sb_ref(), args)
                }
            }
        });
    }
    out
}
