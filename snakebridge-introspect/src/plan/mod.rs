//! The typed model of what `#[python_module]` generates, between the manifest and the tokens:
//! every Rust name decided (keywords escaped, `rename` applied, `_with`, `_stream` and `set_`
//! variants formed) and every collision reported, before a token is written. The renderer
//! ([`crate::generate`]) renders only this model, so it never settles a name itself.
//!
//! Like cxx's `syntax/`: parse ([`crate::attr`]), collect (this module), check (the
//! collisions and unused renames it reports, turned into compile errors by
//! [`crate::expand`]), expand ([`crate::generate`]).

mod collect;

use std::collections::HashMap;

use proc_macro2::{Ident, Span};

use crate::model::{ClassInfo, ConstantInfo, FunctionInfo, ModuleInfo, PropertyInfo};

pub use self::collect::{has_optional, plan, rename_keys};

/// Python class names generated in one module, to the Rust name their struct got; what
/// annotations are typed against.
pub type ClassNames = HashMap<String, String>;

/// One `rename = { "py_name" = "rust_name" }` entry.
#[derive(Debug, Clone)]
pub struct Rename {
    /// The Python name as the key was written: `"rows"`, a submodule member `"linalg.norm"`,
    /// a class member `"Path.open"`.
    pub python: String,
    /// The Rust name it gets (already checked to be an identifier).
    pub rust: String,
    /// The key's string literal.
    pub span: Span,
}

/// What the naming pass is given besides the manifest.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// Functions (or classes) that also get a `*_stream` variant (dotted for submodule members).
    pub streaming: &'a [String],
    /// Functions whose calls are cached by their arguments (dotted for submodule members).
    pub idempotent: &'a [String],
    /// The user's renames.
    pub renames: &'a [Rename],
}

/// The model of one expansion.
#[derive(Debug)]
pub struct Plan<'m> {
    /// The root module.
    pub module: ModulePlan<'m>,
    /// Rust names claimed more than once. The first claimant keeps the name; the others are
    /// left out of the model, and each collision is a compile error.
    pub collisions: Vec<Collision>,
    /// Indices into [`Options::renames`] of the entries that name nothing generated.
    pub unused_renames: Vec<usize>,
}

/// A module's items with their Rust names.
#[derive(Debug)]
pub struct ModulePlan<'m> {
    /// What the manifest says about the module.
    pub info: &'m ModuleInfo,
    /// The classes generated here, Python name to Rust name.
    pub class_names: ClassNames,
    /// Module functions.
    pub functions: Vec<FunctionPlan<'m>>,
    /// `*_stream` variants, of functions or classes.
    pub streams: Vec<StreamPlan<'m>>,
    /// Constants, as getter functions.
    pub constants: Vec<ConstantPlan<'m>>,
    /// Classes, as structs.
    pub classes: Vec<ClassPlan<'m>>,
    /// Submodules, as nested modules.
    pub submodules: Vec<SubmodulePlan<'m>>,
}

/// A function (a module function, or a method of a class).
#[derive(Debug)]
pub struct FunctionPlan<'m> {
    /// What the manifest says about it.
    pub info: &'m FunctionInfo,
    /// The plain variant's name.
    pub ident: Ident,
    /// The `_with` variant's name, when the signature has optional parameters.
    pub with: Option<Ident>,
    /// Whether its name was chosen rather than spelled from the Python name.
    pub renamed: Renamed,
    /// Whether its calls are cached (`idempotent`).
    pub idempotent: bool,
}

/// Why an item's Rust name is not the plain spelling of its Python name (its `_with` and
/// `_stream` variants are then formed from the Rust name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renamed {
    /// It is the plain spelling.
    No,
    /// `rename` on `#[python_module]` chose it.
    ByRename,
    /// The plain spelling is a name the generated struct itself has (the constructor `new`):
    /// the member gets a trailing underscore, as a Rust keyword does (`new` → `new_`).
    Reserved,
}

/// A `*_stream` variant.
#[derive(Debug)]
pub struct StreamPlan<'m> {
    /// The Python callable it calls.
    pub python_name: &'m str,
    /// Its name.
    pub ident: Ident,
}

/// A module constant or class attribute.
#[derive(Debug)]
pub struct ConstantPlan<'m> {
    /// What the manifest says about it.
    pub info: &'m ConstantInfo,
    /// The getter's name.
    pub ident: Ident,
}

/// A property: its getter and, when writable, its setter.
#[derive(Debug)]
pub struct PropertyPlan<'m> {
    /// What the manifest says about it.
    pub info: &'m PropertyInfo,
    /// The getter's name.
    pub getter: Ident,
    /// The setter's name (`set_` and the getter's name).
    pub setter: Option<Ident>,
    /// The setter was not generated because a Python member of the class has its name (pandas'
    /// `Index.set_names` beside the property `names`): that member is what Python offers for it.
    pub setter_yielded: bool,
}

/// A protocol helper a dunder method gives a class (`len` from `__len__`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Helper {
    /// `len(self)`.
    Len,
    /// `self[key]`.
    GetItem,
    /// `self[key] = value`.
    SetItem,
    /// `item in self`.
    Contains,
    /// `iter(self)`.
    Iter,
    /// `self(*args, **kwargs)`.
    Call,
}

impl Helper {
    /// Every helper, with the dunder that gives it and its Rust name.
    pub const ALL: [(Helper, &'static str, &'static str); 6] = [
        (Helper::Len, "__len__", "len"),
        (Helper::GetItem, "__getitem__", "get_item"),
        (Helper::SetItem, "__setitem__", "set_item"),
        (Helper::Contains, "__contains__", "contains"),
        (Helper::Iter, "__iter__", "iter"),
        (Helper::Call, "__call__", "call"),
    ];
}

/// A class.
#[derive(Debug)]
pub struct ClassPlan<'m> {
    /// What the manifest says about it.
    pub info: &'m ClassInfo,
    /// The struct's name.
    pub ident: Ident,
    /// The generated base class it derefs to: its manifest entry and its struct's name.
    pub parent: Option<(&'m ClassInfo, Ident)>,
    /// The constructor's `_with` variant, when `__init__` has optional parameters (the plain
    /// one is always `new`).
    pub new_with: Option<Ident>,
    /// Methods not inherited from `parent`.
    pub methods: Vec<FunctionPlan<'m>>,
    /// Properties not inherited from `parent`.
    pub properties: Vec<PropertyPlan<'m>>,
    /// Class attributes.
    pub attributes: Vec<ConstantPlan<'m>>,
    /// Protocol helpers. A helper yields to a Python member of the same name: that member is
    /// what Python itself would call.
    pub helpers: Vec<(Helper, Ident)>,
}

/// A submodule.
#[derive(Debug)]
pub struct SubmodulePlan<'m> {
    /// The nested module's name.
    pub ident: Ident,
    /// Its items.
    pub module: ModulePlan<'m>,
}

/// One Rust name claimed by more than one generated item in one Rust namespace.
#[derive(Debug, Clone)]
pub struct Collision {
    /// The namespace, for the message: "the functions and constants of module `demo`".
    pub namespace: String,
    /// The contested Rust name.
    pub rust: String,
    /// Who claimed it, in order; the first keeps it.
    pub claims: Vec<Claim>,
}

/// One claim of a Rust name.
#[derive(Debug, Clone)]
pub struct Claim {
    /// The `rename` key that renames the item ("linalg.norm", "Path.open"); for a variant,
    /// the key of the item it is derived from; `None` for names the generator reserves.
    pub key: Option<String>,
    /// What the item is, for the message: "Python function `demo.rows_stream`".
    pub what: String,
    /// Whether the name is derived from the item's (`_with`, `_stream`, `set_`).
    pub variant: bool,
    /// A Rust name `key` could be renamed to, for the message.
    pub suggestion: String,
}

impl Collision {
    /// The compile error's text: who collides and how to resolve it.
    pub fn message(&self) -> String {
        let who: Vec<&str> = self.claims.iter().map(|c| c.what.as_str()).collect();
        let mut text = format!(
            "the Rust name `{}` would be generated {} times among {}: for {}",
            self.rust,
            self.claims.len(),
            self.namespace,
            who.join(", and for ")
        );
        // Renaming a Python item itself is clearer than renaming the one a variant comes from.
        let keyed = || self.claims.iter().filter(|c| c.key.is_some());
        if let Some(claim) = keyed().find(|c| !c.variant).or_else(|| keyed().next()) {
            let key = claim.key.as_deref().unwrap_or_default();
            text.push_str(&format!(
                "; give one of them another Rust name with `rename = {{ \"{key}\" = \"{}\" }}` on \
                 `#[python_module]` (variants follow: `_with`, `_stream` and `set_` names are formed from \
                 the new name), or leave one out with `exclude`",
                claim.suggestion
            ));
        }
        text
    }
}
