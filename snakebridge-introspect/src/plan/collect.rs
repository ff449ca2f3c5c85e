//! The naming pass: walks a manifest's module once and decides every Rust name.
//!
//! In each Rust namespace the Python items' own names are claimed first, then the names
//! derived from them (`_with`, `_stream`, `set_`), so a variant never takes a Python item's
//! name; a name claimed twice is a [`Collision`] (the first claimant keeps it). Protocol
//! helpers are claimed last and yield to a Python member of the same name.

use std::collections::HashMap;

use proc_macro2::{Ident, Span};

use super::{
    Claim, ClassNames, ClassPlan, Collision, ConstantPlan, FunctionPlan, Helper, ModulePlan, Options, Plan,
    PropertyPlan, Rename, Renamed, StreamPlan, SubmodulePlan,
};
use crate::generate::names::{is_identifier, rust_name};
use crate::model::{ClassInfo, ModuleInfo, Signature};

/// Names in a class's method namespace that the generated code itself uses.
const RESERVED_METHODS: &[&str] = &["__sb_ref", "__sb_wrap", "__sb_class"];

/// Decides the Rust name of everything `module` generates.
pub fn plan<'m>(module: &'m ModuleInfo, options: Options<'_>) -> Plan<'m> {
    let mut namer = Namer {
        renames: options.renames,
        used: vec![false; options.renames.len()],
        collisions: Vec::new(),
        keys: Vec::new(),
    };
    let mut module = namer.module(module, "", options.streaming, options.idempotent);
    link_classes(&mut module);
    let unused_renames = namer.used.iter().enumerate().filter(|(_, used)| !**used).map(|(i, _)| i).collect();
    Plan { module, collisions: namer.collisions, unused_renames }
}

/// Makes every class generated anywhere in the expansion reachable, by its qualified name, from
/// every module of it: a stub in `scipy.stats` that returns a `scipy.linalg` class types it as
/// that struct when both are bound together.
fn link_classes(root: &mut ModulePlan<'_>) {
    let mut all = Vec::new();
    gather(root, &mut Vec::new(), &mut all);
    apply(root, &mut Vec::new(), &all);
}

type Located = (String, Vec<String>, String);

fn gather(module: &ModulePlan<'_>, path: &mut Vec<String>, out: &mut Vec<Located>) {
    for class in &module.classes {
        out.push((class.info.qualname.clone(), path.clone(), class.ident.to_string()));
    }
    for sub in &module.submodules {
        path.push(sub.ident.to_string());
        gather(&sub.module, path, out);
        path.pop();
    }
}

fn apply(module: &mut ModulePlan<'_>, path: &mut Vec<String>, all: &[Located]) {
    for (qualname, at, ident) in all {
        if at != path {
            let up = "super::".repeat(path.len());
            let down: String = at.iter().map(|s| format!("{s}::")).collect();
            module.class_names.entry(qualname.clone()).or_insert(format!("{up}{down}{ident}"));
        }
    }
    for sub in &mut module.submodules {
        path.push(sub.ident.to_string());
        apply(&mut sub.module, path, all);
        path.pop();
    }
}

/// Every `rename` key the model could have used, for "did you mean".
pub fn rename_keys(module: &ModuleInfo) -> Vec<String> {
    let mut namer = Namer { renames: &[], used: Vec::new(), collisions: Vec::new(), keys: Vec::new() };
    let _ = namer.module(module, "", &[], &[]);
    namer.keys
}

/// Whether a signature has parameters a call may leave out (so a `_with` variant is generated).
pub fn has_optional(signature: Option<&Signature>) -> bool {
    signature.is_some_and(|s| s.params.iter().any(|p| !p.is_required()))
}

struct Namespace {
    label: String,
    taken: HashMap<String, Claim>,
}

impl Namespace {
    fn new(label: String) -> Self {
        Namespace { label, taken: HashMap::new() }
    }
}

struct Namer<'r> {
    renames: &'r [Rename],
    used: Vec<bool>,
    collisions: Vec<Collision>,
    keys: Vec<String>,
}

/// A Python item's name decided: its Rust name, its key, and whether `rename` chose it.
struct Named {
    key: String,
    rust: String,
    renamed: Renamed,
}

impl Named {
    /// The Rust name of a variant: formed from the Python name (`type` → `type_with`), or from
    /// the new name when the item was renamed.
    fn variant(&self, python: &str, suffix: &str) -> String {
        if self.renamed != Renamed::No {
            format!("{}{suffix}", self.rust)
        } else {
            rust_name(&format!("{python}{suffix}"))
        }
    }

    fn claim(&self, what: String) -> Claim {
        Claim { key: Some(self.key.clone()), what, variant: false, suggestion: format!("{}_2", self.rust) }
    }

    fn variant_claim(&self, what: String) -> Claim {
        Claim { key: Some(self.key.clone()), what, variant: true, suggestion: format!("{}_2", self.rust) }
    }
}

fn reserved(what: String) -> Claim {
    Claim { key: None, what, variant: false, suggestion: String::new() }
}

impl Namer<'_> {
    fn name(&mut self, key: String, python: &str) -> Named {
        let found = self.renames.iter().position(|r| r.python == key);
        self.keys.push(key.clone());
        match found {
            Some(i) if is_identifier(&self.renames[i].rust) => {
                self.used[i] = true;
                Named { key, rust: self.renames[i].rust.clone(), renamed: Renamed::ByRename }
            }
            // A bad Rust name is reported where `rename` is parsed; the default stands.
            Some(i) => {
                self.used[i] = true;
                Named { key, rust: rust_name(python), renamed: Renamed::No }
            }
            None => Named { key, rust: rust_name(python), renamed: Renamed::No },
        }
    }

    fn claim(&mut self, ns: &mut Namespace, rust: &str, claim: Claim) -> Option<Ident> {
        let Some(first) = ns.taken.get(rust) else {
            ns.taken.insert(rust.to_owned(), claim);
            return Some(Ident::new(rust, Span::call_site()));
        };
        match self.collisions.iter_mut().find(|c| c.rust == rust && c.namespace == ns.label) {
            Some(existing) => existing.claims.push(claim),
            None => self.collisions.push(Collision {
                namespace: ns.label.clone(),
                rust: rust.to_owned(),
                claims: vec![first.clone(), claim],
            }),
        }
        None
    }

    fn module<'m>(
        &mut self,
        info: &'m ModuleInfo,
        prefix: &str,
        streaming: &[String],
        idempotent: &[String],
    ) -> ModulePlan<'m> {
        let here = &info.name;
        let mut values = Namespace::new(format!("the functions and constants of module `{here}`"));
        let mut types = Namespace::new(format!("the classes and submodules of module `{here}`"));

        let mut functions = Vec::new();
        for f in &info.functions {
            let named = self.name(format!("{prefix}{}", f.name), &f.name);
            let claim = named.claim(format!("Python function `{here}.{}`", f.name));
            if let Some(ident) = self.claim(&mut values, &named.rust, claim) {
                functions.push((f, ident, named));
            }
        }
        let mut constants = Vec::new();
        for c in &info.constants {
            let named = self.name(format!("{prefix}{}", c.name), &c.name);
            let claim = named.claim(format!("Python constant `{here}.{}`", c.name));
            if let Some(ident) = self.claim(&mut values, &named.rust, claim) {
                constants.push(ConstantPlan { info: c, ident });
            }
        }
        let mut classes = Vec::new();
        for c in &info.classes {
            let named = self.name(format!("{prefix}{}", c.name), &c.name);
            let claim = named.claim(format!("Python class `{here}.{}`", c.name));
            if let Some(ident) = self.claim(&mut types, &named.rust, claim) {
                classes.push((c, ident, named));
            }
        }
        let mut submodules = Vec::new();
        for sub in &info.submodules {
            let short = sub.name.rsplit('.').next().unwrap_or(&sub.name);
            let named = self.name(format!("{prefix}{short}"), short);
            let claim = named.claim(format!("Python submodule `{}`", sub.name));
            if let Some(ident) = self.claim(&mut types, &named.rust, claim) {
                submodules.push((sub, short, ident));
            }
        }

        // Variants, after every Python name is taken.
        let mut streams = Vec::new();
        let mut function_plans = Vec::new();
        for (f, ident, named) in functions {
            let with = has_optional(f.signature.as_ref())
                .then(|| {
                    let claim =
                        named.variant_claim(format!("the `_with` variant of Python function `{here}.{}`", f.name));
                    self.claim(&mut values, &named.variant(&f.name, "_with"), claim)
                })
                .flatten();
            if streaming.contains(&f.name) {
                let claim = named.variant_claim(format!(
                    "the `_stream` variant of Python function `{here}.{}` (`streaming`)",
                    f.name
                ));
                if let Some(ident) = self.claim(&mut values, &named.variant(&f.name, "_stream"), claim) {
                    streams.push(StreamPlan { python_name: &f.name, ident });
                }
            }
            function_plans.push(FunctionPlan {
                info: f,
                ident,
                with,
                renamed: named.renamed,
                idempotent: idempotent.contains(&f.name),
            });
        }
        for (c, _, named) in classes.iter().filter(|(c, _, _)| streaming.contains(&c.name)) {
            let claim =
                named.variant_claim(format!("the `_stream` variant of Python class `{here}.{}` (`streaming`)", c.name));
            if let Some(ident) = self.claim(&mut values, &named.variant(&c.name, "_stream"), claim) {
                streams.push(StreamPlan { python_name: &c.name, ident });
            }
        }

        // By the Python name (runtime annotations) and by the qualified name (stubs' `@` names).
        let class_names: ClassNames = classes
            .iter()
            .flat_map(|(c, ident, _)| [(c.name.clone(), ident.to_string()), (c.qualname.clone(), ident.to_string())])
            .collect();
        let class_plans =
            classes.into_iter().map(|(c, ident, _)| self.class(c, ident, info, prefix, &class_names)).collect();
        let submodule_plans = submodules
            .into_iter()
            .map(|(sub, short, ident)| {
                let sub_prefix = format!("{prefix}{short}.");
                let own = format!("{short}.");
                let sub_streaming: Vec<String> =
                    streaming.iter().filter_map(|s| s.strip_prefix(&own).map(str::to_owned)).collect();
                let sub_idempotent: Vec<String> =
                    idempotent.iter().filter_map(|s| s.strip_prefix(&own).map(str::to_owned)).collect();
                SubmodulePlan { ident, module: self.module(sub, &sub_prefix, &sub_streaming, &sub_idempotent) }
            })
            .collect();
        ModulePlan {
            info,
            class_names,
            functions: function_plans,
            streams,
            constants,
            classes: class_plans,
            submodules: submodule_plans,
        }
    }

    fn class<'m>(
        &mut self,
        class: &'m ClassInfo,
        ident: Ident,
        module: &'m ModuleInfo,
        prefix: &str,
        class_names: &ClassNames,
    ) -> ClassPlan<'m> {
        let qualified = format!("{}.{}", module.name, class.name);
        let collisions_before = self.collisions.len();
        let mut ns = Namespace::new(format!("the associated functions of class `{qualified}`"));
        for name in RESERVED_METHODS {
            self.claim(&mut ns, name, reserved(format!("`{name}`, which the generated code uses")));
        }
        self.claim(&mut ns, "new", reserved(format!("the constructor `new` of `{qualified}`")));
        let new_with = has_optional(class.init.as_ref())
            .then(|| {
                let claim = reserved(format!("the constructor's `_with` variant `new_with` of `{qualified}`"));
                self.claim(&mut ns, "new_with", claim)
            })
            .flatten();

        let parent = crate::generate::parent(class, &module.classes)
            .and_then(|p| class_names.get(&p.name).map(|rust| (p, Ident::new(rust, Span::call_site()))));
        let inherited = |owner: &Option<String>| match (parent.as_ref(), owner) {
            (Some((p, _)), Some(owner)) => p.mro.contains(owner) || p.qualname == *owner,
            _ => false,
        };
        let member_key = |name: &str| format!("{prefix}{}.{name}", class.name);

        // The names the generated struct reserves (its constructor's) are claimed above: a
        // Python member spelled the same gets a trailing underscore, as a keyword does, rather
        // than failing the build.
        let member = |namer: &mut Self, ns: &Namespace, name: &str| {
            let mut named = namer.name(member_key(name), name);
            if named.renamed == Renamed::No && ns.taken.get(&named.rust).is_some_and(|c| c.key.is_none()) {
                named.rust.push('_');
                named.renamed = Renamed::Reserved;
            }
            named
        };

        let mut methods = Vec::new();
        for m in class.methods.iter().filter(|m| !inherited(&m.owner)) {
            let named = member(self, &ns, &m.name);
            let claim = named.claim(format!("Python method `{qualified}.{}`", m.name));
            if let Some(ident) = self.claim(&mut ns, &named.rust, claim) {
                methods.push((m, ident, named));
            }
        }
        let mut properties = Vec::new();
        for p in class.properties.iter().filter(|p| !inherited(&p.owner)) {
            let named = member(self, &ns, &p.name);
            let claim = named.claim(format!("Python property `{qualified}.{}`", p.name));
            if let Some(getter) = self.claim(&mut ns, &named.rust, claim) {
                properties.push((p, getter, named));
            }
        }
        let mut attributes = Vec::new();
        for a in &class.attributes {
            let named = member(self, &ns, &a.name);
            let claim = named.claim(format!("Python class attribute `{qualified}.{}`", a.name));
            if let Some(ident) = self.claim(&mut ns, &named.rust, claim) {
                attributes.push(ConstantPlan { info: a, ident });
            }
        }

        let methods = methods
            .into_iter()
            .map(|(m, ident, named)| {
                let with = has_optional(m.signature.as_ref())
                    .then(|| {
                        let claim = named
                            .variant_claim(format!("the `_with` variant of Python method `{qualified}.{}`", m.name));
                        self.claim(&mut ns, &named.variant(&m.name, "_with"), claim)
                    })
                    .flatten();
                FunctionPlan { info: m, ident, with, renamed: named.renamed, idempotent: false }
            })
            .collect();
        let properties = properties
            .into_iter()
            .map(|(p, getter, named)| {
                let name = format!("set_{getter}");
                // A setter yields to a Python member spelled like it, as a protocol helper does.
                let yielded = p.writable && ns.taken.get(&name).is_some_and(|c| c.key.is_some() && !c.variant);
                let setter = (p.writable && !yielded)
                    .then(|| {
                        let claim =
                            named.variant_claim(format!("the setter of Python property `{qualified}.{}`", p.name));
                        self.claim(&mut ns, &name, claim)
                    })
                    .flatten();
                PropertyPlan { info: p, getter, setter, setter_yielded: yielded }
            })
            .collect();

        let parent_dunders = parent.as_ref().map(|(p, _)| &p.dunders);
        let mut helpers = Vec::new();
        for (helper, dunder, name) in Helper::ALL {
            let own = class.dunders.iter().any(|d| d == dunder);
            let from_parent = parent_dunders.is_some_and(|d| d.iter().any(|x| x == dunder));
            if own && !from_parent && !ns.taken.contains_key(name) {
                ns.taken.insert(name.to_owned(), reserved(format!("the protocol helper `{name}`")));
                helpers.push((helper, Ident::new(name, Span::call_site())));
            }
        }
        // A class bound only because a stub returns it (`class.module` set) was not asked for:
        // its colliding members are left out quietly rather than failing the user's build.
        if class.module.is_some() {
            self.collisions.truncate(collisions_before);
        }
        ClassPlan { info: class, ident, parent, new_with, methods, properties, attributes, helpers }
    }
}
