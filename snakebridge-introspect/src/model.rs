//! What `snakebridge-introspect/python/introspect.py` reports about a module: the data inside a manifest.
//!
//! Field names follow the script's JSON output; bump [`SCHEMA_VERSION`] together with the
//! script's `SCHEMA_VERSION` whenever the shape changes.

use serde::{Deserialize, Serialize};

/// The version of the introspection output this crate reads. Manifests written with another
/// version are stale.
pub const SCHEMA_VERSION: u32 = 4;

/// The successful output of one introspection run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Introspection {
    /// The script's output schema version.
    pub schema_version: u32,
    /// The Python version that introspected (`"3.11.7"`).
    pub python_version: String,
    /// The distribution that provides the module and its version.
    pub package: PackageInfo,
    /// The module itself.
    pub module: ModuleInfo,
}

/// The installed distribution behind a module.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageInfo {
    /// The distribution name (`"numpy"`); `None` for the standard library and the project's
    /// own modules.
    pub distribution: Option<String>,
    /// The distribution's version, or the Python version for the standard library.
    pub version: String,
    /// For a module of the project's own (neither the standard library nor an installed
    /// distribution, so no version to compare): the files of its top-level package, so that
    /// editing one makes the manifest stale.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceFile>,
}

/// One source file of a project's own module.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    /// The path, relative to the crate directory (`..` for a file outside it), with `/`
    /// separators, so that committed manifests read the same in every checkout.
    pub path: String,
    /// The content hash ([`crate::stamp::content_hash`]), in hex; empty as the script writes it,
    /// filled in when the manifest is made.
    #[serde(default)]
    pub hash: String,
}

/// A module: its functions, classes, constants and the submodules asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModuleInfo {
    /// The dotted module name.
    pub name: String,
    /// The raw docstring.
    pub doc: Option<String>,
    /// The docstring already converted to rustdoc, stored when the manifest is written so that
    /// an expansion from a warm cache only reads it (see [`crate::manifest::DOCS_VERSION`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rustdoc: Option<String>,
    /// Module-level functions (any callable that is not a class).
    #[serde(default)]
    pub functions: Vec<FunctionInfo>,
    /// Classes.
    #[serde(default)]
    pub classes: Vec<ClassInfo>,
    /// Module attributes that are neither callables nor modules (a `None` value included).
    #[serde(default)]
    pub constants: Vec<ConstantInfo>,
    /// Submodules introspected because the config asked for them.
    #[serde(default)]
    pub submodules: Vec<ModuleInfo>,
    /// Names in `include` that the module does not have.
    #[serde(default)]
    pub missing: Vec<String>,
    /// The module's public names, recorded when `include` is used, for "did you mean".
    #[serde(default)]
    pub available: Vec<String>,
}

/// A function or method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionInfo {
    /// The Python name.
    pub name: String,
    /// `"instance"`, `"static"` or `"class"` for methods; absent for module functions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The raw docstring.
    pub doc: Option<String>,
    /// The docstring already converted to rustdoc, stored when the manifest is written so that
    /// an expansion from a warm cache only reads it (see [`crate::manifest::DOCS_VERSION`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rustdoc: Option<String>,
    /// For methods, the qualified name of the class that defines it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The signature; `None` when Python cannot tell (some C functions without a stub).
    pub signature: Option<Signature>,
    /// Why a stub was not used (it does not parse, or disagrees with the runtime signature);
    /// the item stays untyped and its rustdoc says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stub_note: Option<String>,
}

/// A signature with its parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signature {
    /// `str(inspect.signature(f))`, when known.
    pub text: Option<String>,
    /// The parameters, in order (`self` already dropped for methods).
    pub params: Vec<Param>,
    /// The return annotation as source text.
    pub returns: Option<String>,
    /// Where it came from: `inspect`, `text_signature`, `stub`, or one of those plus `+stub`.
    pub source: String,
    /// The stub source that typed it: `inline`, `stubs:<distribution>` or `typeshed` (the
    /// order they are tried in is documented in `snakebridge-introspect/python/stubs.py`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stub: Option<String>,
    /// How many `@overload`s the stub has, when more than one (the most concrete was taken).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overloads: Option<u32>,
    /// Whether the overloads' returns differ, so that optional arguments can change the
    /// result's type: the `_with` variant then returns `Value`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub returns_vary: bool,
}

/// How a parameter is passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamKind {
    /// Before `/`.
    PositionalOnly,
    /// Positionally or by keyword.
    PositionalOrKeyword,
    /// `*args`.
    VarPositional,
    /// After `*` or `*args`.
    KeywordOnly,
    /// `**kwargs`.
    VarKeyword,
}

/// One parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// The Python name.
    pub name: String,
    /// How it is passed.
    pub kind: ParamKind,
    /// Whether it has a default value.
    pub has_default: bool,
    /// `repr` of the default value.
    pub default: Option<String>,
    /// The annotation as source text.
    pub annotation: Option<String>,
}

impl Param {
    /// Whether a call must pass it.
    pub fn is_required(&self) -> bool {
        !self.has_default
            && matches!(self.kind, ParamKind::PositionalOnly | ParamKind::PositionalOrKeyword | ParamKind::KeywordOnly)
    }
}

/// A class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassInfo {
    /// The name in the module.
    pub name: String,
    /// `module.QualName` where the class is defined.
    pub qualname: String,
    /// The module the class is read from, when it is not the module being bound: a class in
    /// a private module (`_hashlib.HASH`) that a stub says a bound item returns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// The raw docstring.
    pub doc: Option<String>,
    /// The docstring already converted to rustdoc, stored when the manifest is written so that
    /// an expansion from a warm cache only reads it (see [`crate::manifest::DOCS_VERSION`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rustdoc: Option<String>,
    /// Qualified names of the direct base classes (`object` left out).
    #[serde(default)]
    pub bases: Vec<String>,
    /// Qualified names of the classes in the method resolution order (the class first,
    /// `object` left out).
    #[serde(default)]
    pub mro: Vec<String>,
    /// The constructor signature, from `__init__`/`__new__`.
    pub init: Option<Signature>,
    /// Methods (public names, inherited ones included).
    #[serde(default)]
    pub methods: Vec<FunctionInfo>,
    /// Properties and data descriptors.
    #[serde(default)]
    pub properties: Vec<PropertyInfo>,
    /// Class attributes that are plain values.
    #[serde(default)]
    pub attributes: Vec<ConstantInfo>,
    /// The protocol dunder methods the class has (`__len__`, `__getitem__`, ...).
    #[serde(default)]
    pub dunders: Vec<String>,
}

/// A property.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropertyInfo {
    /// The Python name.
    pub name: String,
    /// The raw docstring.
    pub doc: Option<String>,
    /// The docstring already converted to rustdoc, stored when the manifest is written so that
    /// an expansion from a warm cache only reads it (see [`crate::manifest::DOCS_VERSION`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rustdoc: Option<String>,
    /// Whether it has a setter.
    pub writable: bool,
    /// The getter's return annotation.
    pub annotation: Option<String>,
    /// The qualified name of the class that defines it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// A module constant or class attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConstantInfo {
    /// The Python name.
    pub name: String,
    /// The value's type: a builtin name (`"float"`, `"NoneType"`) or `module.QualName`.
    #[serde(rename = "type")]
    pub type_name: String,
    /// `repr` of the value at introspection time, truncated.
    pub repr: String,
}
