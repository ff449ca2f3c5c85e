//! How typed a module's bindings are: the share of generated functions and methods whose
//! result is not `Value`, and of required parameters that are not `impl ToPython`, with the
//! stub source that typed them. What `cargo snakebridge typed-share` prints, and what the
//! typed-share test measures over the standard library and the library set of issue 15.
//!
//! The count follows the generator exactly: it reads the same model ([`crate::plan`]) and the
//! same mapping ([`RustType`]), so a share here is a share of what `#[python_module]` emits.

use std::collections::BTreeMap;
use std::fmt;

use crate::generate::types::RustType;
use crate::model::{ModuleInfo, Signature};
use crate::plan::{self, ClassNames, ModulePlan, Options};

/// The counts of one module (its submodules counted separately).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Share {
    /// The dotted module name.
    pub module: String,
    /// Generated functions and methods (constructors left out: they return `Self`).
    pub callables: usize,
    /// Of those, the ones whose result is not `Value`.
    pub typed_returns: usize,
    /// Required parameters of every generated function, method and constructor.
    pub params: usize,
    /// Of those, the ones with a concrete Rust type.
    pub typed_params: usize,
    /// Callables by the source of their types: `inline`, `stubs:<dist>`, `typeshed`, or
    /// `runtime` for annotations read from the live objects (or none at all).
    pub sources: BTreeMap<String, usize>,
}

impl Share {
    /// The typed share of results, 0.0 to 1.0 (1.0 for a module without callables).
    pub fn return_share(&self) -> f64 {
        ratio(self.typed_returns, self.callables)
    }

    /// The typed share of required parameters, 0.0 to 1.0.
    pub fn param_share(&self) -> f64 {
        ratio(self.typed_params, self.params)
    }

    /// Adds another module's counts (for a total over a set of modules).
    pub fn add(&mut self, other: &Share) {
        self.callables += other.callables;
        self.typed_returns += other.typed_returns;
        self.params += other.params;
        self.typed_params += other.typed_params;
        for (source, n) in &other.sources {
            *self.sources.entry(source.clone()).or_default() += n;
        }
    }

    fn count(&mut self, signature: Option<&Signature>, classes: &ClassNames, constructor: bool) {
        let Some(sig) = signature else {
            if !constructor {
                self.callables += 1;
                *self.sources.entry("runtime".into()).or_default() += 1;
            }
            return;
        };
        for p in sig.params.iter().filter(|p| p.is_required()) {
            self.params += 1;
            self.typed_params +=
                usize::from(RustType::from_annotation(p.annotation.as_deref(), classes).is_typed_param());
        }
        if constructor {
            return;
        }
        self.callables += 1;
        let typed = RustType::from_annotation(sig.returns.as_deref(), classes).is_typed_result();
        self.typed_returns += usize::from(typed);
        *self.sources.entry(sig.stub.clone().unwrap_or_else(|| "runtime".into())).or_default() += 1;
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sources: Vec<String> = self.sources.iter().map(|(s, n)| format!("{s} {n}")).collect();
        write!(
            f,
            "{:<28} {:>6} {:>6.1}% {:>6} {:>6.1}%  {}",
            self.module,
            self.callables,
            100.0 * self.return_share(),
            self.params,
            100.0 * self.param_share(),
            sources.join(", ")
        )
    }
}

/// The header line matching [`Share`]'s `Display`.
pub const HEADER: &str = "module                       callables returns  params  params%  typed by";

/// The counts of `module` and of each submodule in it, parents first.
pub fn shares(module: &ModuleInfo) -> Vec<Share> {
    let model = plan::plan(module, Options::default());
    let mut out = Vec::new();
    collect(&model.module, &mut out);
    out
}

fn collect(module: &ModulePlan<'_>, out: &mut Vec<Share>) {
    let mut share = Share { module: module.info.name.clone(), ..Share::default() };
    let classes = &module.class_names;
    for f in &module.functions {
        share.count(f.info.signature.as_ref(), classes, false);
    }
    for c in &module.classes {
        share.count(c.info.init.as_ref(), classes, true);
        for m in &c.methods {
            share.count(m.info.signature.as_ref(), classes, false);
        }
    }
    out.push(share);
    for sub in &module.submodules {
        collect(&sub.module, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FunctionInfo, Param, ParamKind};

    fn function(name: &str, param: Option<&str>, returns: Option<&str>, stub: Option<&str>) -> FunctionInfo {
        FunctionInfo {
            name: name.into(),
            kind: None,
            doc: None,
            rustdoc: None,
            owner: None,
            stub_note: None,
            signature: Some(Signature {
                text: None,
                params: vec![Param {
                    name: "x".into(),
                    kind: ParamKind::PositionalOrKeyword,
                    has_default: false,
                    default: None,
                    annotation: param.map(Into::into),
                }],
                returns: returns.map(Into::into),
                source: "stub".into(),
                stub: stub.map(Into::into),
                overloads: None,
                returns_vary: false,
            }),
        }
    }

    #[test]
    fn counts_follow_the_type_mapping() {
        let module = ModuleInfo {
            name: "demo".into(),
            doc: None,
            rustdoc: None,
            functions: vec![
                function("sqrt", Some("SupportsFloat | SupportsIndex"), Some("float"), Some("typeshed")),
                function("anything", Some("Any"), Some("Any"), Some("typeshed")),
                function("old", None, None, None),
            ],
            classes: vec![],
            constants: vec![],
            submodules: vec![],
            missing: vec![],
            available: vec![],
        };
        let share = &shares(&module)[0];
        assert_eq!((share.callables, share.typed_returns, share.params, share.typed_params), (3, 1, 3, 1));
        assert_eq!(share.sources.get("typeshed"), Some(&2));
        assert_eq!(share.sources.get("runtime"), Some(&1));
        assert!((share.return_share() - 1.0 / 3.0).abs() < 1e-9);
        assert!(share.to_string().starts_with("demo"));
    }
}
