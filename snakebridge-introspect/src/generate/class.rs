//! A Python class as a Rust struct wrapping a [`Ref`]: constructor from `__init__`, methods,
//! property getters and setters, protocol helpers from dunder methods, and checked
//! conversions to and from `Ref`, `Value` and Python objects.

use proc_macro2::TokenStream;
use quote::quote;

use super::callable::{self, Spec, Target};
use super::doc_text;
use super::names::rust_name;
use super::types::RustType;
use crate::model::ClassInfo;
use crate::plan::{ClassNames, ClassPlan, ConstantPlan, Helper};

/// The generated base class of `class`: its first base that is generated in the same module.
/// The struct derefs to it, and methods it already has are not generated again.
pub fn parent<'a>(class: &ClassInfo, siblings: &'a [ClassInfo]) -> Option<&'a ClassInfo> {
    class.bases.iter().find_map(|base| siblings.iter().find(|s| s.qualname == *base && s.qualname != class.qualname))
}

/// Renders the struct and its impls. `module` is the dotted Python module the class is read
/// from; `classes` the classes generated next to it.
pub fn render(plan: &ClassPlan<'_>, module: &str, classes: &ClassNames) -> TokenStream {
    let class = plan.info;
    let module = class.module.as_deref().unwrap_or(module);
    let name = &plan.ident;
    let qualified = format!("{module}.{}", class.name);
    let mut doc = class.rustdoc.clone().unwrap_or_else(|| doc_text::class(module, class));
    if !class.bases.is_empty() {
        doc.push_str(&format!(
            "\n Bases: {}.\n",
            class.bases.iter().map(|b| format!("`{b}`")).collect::<Vec<_>>().join(", ")
        ));
    }
    if let Some((_, p)) = &plan.parent {
        doc.push_str(&format!("\n Derefs to [`{p}`], which has the methods inherited from it.\n"));
    }
    if *name != rust_name(&class.name) {
        doc.push_str(&format!(
            "\n The Python name is `{}`; `rename` on `#[python_module]` gives it this Rust name.\n",
            class.name
        ));
    }

    let mut items = Vec::new();
    items.push(callable::render(&Spec {
        qualified: qualified.clone(),
        python_name: &class.name,
        ident: proc_macro2::Ident::new("new", proc_macro2::Span::call_site()),
        with_ident: plan.new_with.clone(),
        renamed: crate::plan::Renamed::No,
        allow: TokenStream::new(),
        doc: None,
        rustdoc: None,
        signature: class.init.as_ref(),
        target: Target::Constructor,
        classes,
        stub_note: None,
    }));
    for method in &plan.methods {
        let m = method.info;
        let static_like = matches!(m.kind.as_deref(), Some("static" | "class"));
        let target = if static_like {
            Target::Function { owner: &qualified, name: &m.name, idempotent: false }
        } else {
            Target::Method { name: &m.name }
        };
        items.push(callable::render(&Spec {
            qualified: format!("{qualified}.{}", m.name),
            python_name: &m.name,
            ident: method.ident.clone(),
            with_ident: method.with.clone(),
            renamed: method.renamed,
            allow: TokenStream::new(),
            doc: m.doc.as_deref(),
            rustdoc: m.rustdoc.as_deref(),
            signature: m.signature.as_ref(),
            target,
            classes,
            stub_note: m.stub_note.as_deref(),
        }));
    }
    for property in &plan.properties {
        let getter = &property.getter;
        let p = property.info;
        let ty = RustType::from_annotation(p.annotation.as_deref(), classes).result_tokens();
        let py_name = &p.name;
        let mut doc = p.rustdoc.clone().unwrap_or_else(|| doc_text::property(&qualified, p));
        if property.setter_yielded {
            doc.push_str(&format!(
                "\n\n No setter is generated: the class's own member `set_{getter}` has its name. Call that, \
                 or `snakebridge::set_attr(obj, \"{py_name}\", value)`."
            ));
        }
        items.push(quote! {
            #[doc = #doc]
            pub fn #getter(&self) -> ::snakebridge::__private::Result<#ty> {
                ::snakebridge::__private::attr(self.__sb_ref(), #py_name)?.extract()
            }
        });
        if let Some(setter) = &property.setter {
            let doc = format!(" Sets the Python property `{qualified}.{py_name}`.");
            items.push(quote! {
                #[doc = #doc]
                pub fn #setter(&self, value: impl ::snakebridge::__private::ToPython) -> ::snakebridge::__private::Result<()> {
                    ::snakebridge::__private::set_attr(self.__sb_ref(), #py_name, value)
                }
            });
        }
    }
    for attribute in &plan.attributes {
        items.push(attribute_getter(attribute, &qualified));
    }
    items.push(protocols(&plan.helpers));

    let class_name = &class.name;
    let python_qualname = &class.qualname;
    let (fields, kind) = match &plan.parent {
        Some((_, p)) => (quote!({ __base: #p }), quote!(base #p)),
        None => (quote!({ __ref: ::snakebridge::__private::Ref }), quote!(root)),
    };
    let allow = super::allow();
    quote! {
        #[doc = #doc]
        #[derive(::core::clone::Clone)]
        #allow
        pub struct #name #fields
        ::snakebridge::__private::python_class!(#name, #module, #class_name, #python_qualname, #kind);
        #allow
        impl #name {
            #(#items)*
        }
    }
}

fn attribute_getter(attribute: &ConstantPlan<'_>, qualified: &str) -> TokenStream {
    let getter = &attribute.ident;
    let attribute = attribute.info;
    let ty = super::constant::value_type(attribute).result_tokens();
    let py_name = &attribute.name;
    let doc = format!(
        " Python class attribute `{qualified}.{py_name}` (a `{}`; `{}` when introspected).",
        attribute.type_name,
        attribute.repr.replace('`', "'")
    );
    quote! {
        #[doc = #doc]
        pub fn #getter(&self) -> ::snakebridge::__private::Result<#ty> {
            ::snakebridge::__private::attr(self.__sb_ref(), #py_name)?.extract()
        }
    }
}

/// Helpers for the protocols the class's dunder methods give it.
fn protocols(helpers: &[(Helper, proc_macro2::Ident)]) -> TokenStream {
    helpers.iter().map(|(helper, id)| protocol(*helper, id)).collect()
}

fn protocol(helper: Helper, id: &proc_macro2::Ident) -> TokenStream {
    match helper {
        Helper::Len => quote! {
            /// Python `len(self)`.
            pub fn #id(&self) -> ::snakebridge::__private::Result<::core::primitive::usize> {
                static LEN: ::snakebridge::__private::CachedFunction = ::snakebridge::__private::CachedFunction::new("builtins", "len");
                LEN.call((self.__sb_ref(),))
            }
        },
        Helper::GetItem => quote! {
            /// Python `self[key]`.
            pub fn #id(&self, key: impl ::snakebridge::__private::ToPython) -> ::snakebridge::__private::Result<::snakebridge::__private::Value> {
                static GETITEM: ::snakebridge::__private::CachedFunction = ::snakebridge::__private::CachedFunction::new("operator", "getitem");
                GETITEM.call((self.__sb_ref(), key))
            }
        },
        Helper::SetItem => quote! {
            /// Python `self[key] = value`.
            pub fn #id(&self, key: impl ::snakebridge::__private::ToPython, value: impl ::snakebridge::__private::ToPython) -> ::snakebridge::__private::Result<()> {
                static SETITEM: ::snakebridge::__private::CachedFunction = ::snakebridge::__private::CachedFunction::new("operator", "setitem");
                SETITEM.call::<::snakebridge::__private::Value>((self.__sb_ref(), key, value)).map(|_| ())
            }
        },
        Helper::Contains => quote! {
            /// Python `item in self`.
            pub fn #id(&self, item: impl ::snakebridge::__private::ToPython) -> ::snakebridge::__private::Result<::core::primitive::bool> {
                static CONTAINS: ::snakebridge::__private::CachedFunction = ::snakebridge::__private::CachedFunction::new("operator", "contains");
                CONTAINS.call((self.__sb_ref(), item))
            }
        },
        Helper::Iter => quote! {
            /// Python `iter(self)`, as a Rust iterator of values.
            pub fn #id(&self) -> ::snakebridge::__private::Result<::snakebridge::__private::StreamRef> {
                ::snakebridge::__private::StreamRef::from_ref(self.__sb_ref())
            }
        },
        Helper::Call => quote! {
            /// Python `self(*args, **kwargs)`.
            pub fn #id(&self, args: impl ::snakebridge::__private::IntoArgs) -> ::snakebridge::__private::Result<::snakebridge::__private::Value> {
                ::snakebridge::__private::call_ref(self.__sb_ref(), args)
            }
        },
    }
}
