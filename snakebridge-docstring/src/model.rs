//! The structured form of a docstring, the same for every style.

/// The docstring convention a docstring was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Style {
    /// Google style: `Args:`, `Returns:`, `Raises:` sections with indented entries.
    Google,
    /// NumPy style (numpydoc): section titles underlined with dashes.
    Numpy,
    /// Sphinx/reST field lists: `:param x:`, `:type x:`, `:returns:`, `:raises E:`.
    Sphinx,
    /// Epytext fields: `@param x:`, `@type x:`, `@return:`, `@raise E:`.
    Epytext,
    /// No known convention: the whole docstring is description.
    #[default]
    Plain,
}

impl Style {
    /// The lowercase name of the style, as used in docs and test output.
    pub fn name(self) -> &'static str {
        match self {
            Style::Google => "google",
            Style::Numpy => "numpy",
            Style::Sphinx => "sphinx",
            Style::Epytext => "epytext",
            Style::Plain => "plain",
        }
    }
}

/// One documented parameter (or attribute).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Param {
    /// The name as written, stars included (`*args`); NumPy allows several (`x1, x2`).
    pub name: String,
    /// The type as written in the docstring, without the `optional`/`default` markers.
    pub type_name: Option<String>,
    /// The description, still in reST.
    pub description: Option<String>,
    /// Marked `optional` (or given a default) in the docstring.
    pub optional: bool,
    /// The default value when the docstring states one.
    pub default: Option<String>,
}

impl Param {
    /// The individual names of an entry that documents several parameters at once
    /// (`x1, x2 : array_like`).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.name.split(',').map(str::trim).filter(|n| !n.is_empty())
    }
}

/// A documented return (or yield) value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Returns {
    /// The name of the returned value, when the docstring gives one (NumPy `out : ndarray`).
    pub name: Option<String>,
    /// The type as written.
    pub type_name: Option<String>,
    /// The description, still in reST.
    pub description: Option<String>,
}

/// A documented exception (or warning).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Raises {
    /// The exception class as written (`ValueError`, `numpy.linalg.LinAlgError`).
    pub type_name: String,
    /// When it is raised, still in reST.
    pub description: Option<String>,
}

/// An entry of a "See Also" section.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SeeAlso {
    /// The referenced names (one entry may list several: `mean, median`).
    pub names: Vec<String>,
    /// The explanation after the colon, if any.
    pub description: Option<String>,
}

/// What a free-text section holds, from its title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SectionKind {
    /// `Notes`, `Note`.
    Notes,
    /// `Examples`, `Example`.
    Examples,
    /// `Warnings`, `Warning`.
    Warnings,
    /// `References`.
    References,
    /// `Todo`.
    Todo,
    /// `Methods` (class docstrings).
    Methods,
    /// Any other titled section.
    Other,
}

/// A free-text section, kept in document order, its body still in reST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// What the title says the section holds.
    pub kind: SectionKind,
    /// The title as written (`Notes`, `Examples`).
    pub title: String,
    /// The body, dedented, in reST.
    pub body: String,
}

/// A parsed docstring.
///
/// Descriptions stay in reStructuredText (as the author wrote them) so that the parsed form
/// can be compared with other tools; [`render`](crate::render) turns them into Markdown.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Docstring {
    /// The convention detected.
    pub style: Style,
    /// A call signature on the first line, as C extension functions and NumPy ufuncs write
    /// (`add(x1, x2, /, out=None, ...)`), removed from the description.
    pub signature: Option<String>,
    /// The summary: the first paragraph of the description, on one line.
    pub short_description: Option<String>,
    /// The rest of the description before the first section.
    pub long_description: Option<String>,
    /// Parameters, including "Other Parameters" and keyword arguments.
    pub params: Vec<Param>,
    /// Attributes of a class.
    pub attributes: Vec<Param>,
    /// Return values (NumPy allows several).
    pub returns: Vec<Returns>,
    /// Values a generator yields.
    pub yields: Vec<Returns>,
    /// Exceptions raised.
    pub raises: Vec<Raises>,
    /// Warnings emitted.
    pub warns: Vec<Raises>,
    /// Related names.
    pub see_also: Vec<SeeAlso>,
    /// The doctest snippets (`>>>` lines and their output) found in the docstring.
    pub examples: Vec<String>,
    /// The body of the Notes section(s).
    pub notes: Option<String>,
    /// A deprecation notice (`.. deprecated::`, `@deprecated`, a Deprecated section).
    pub deprecated: Option<String>,
    /// Free-text sections (Notes, Examples, References, ...) in document order.
    pub sections: Vec<Section>,
}

impl Docstring {
    /// True when nothing at all was documented.
    pub fn is_empty(&self) -> bool {
        self.short_description.is_none()
            && self.long_description.is_none()
            && self.params.is_empty()
            && self.attributes.is_empty()
            && self.returns.is_empty()
            && self.yields.is_empty()
            && self.raises.is_empty()
            && self.warns.is_empty()
            && self.see_also.is_empty()
            && self.sections.is_empty()
            && self.deprecated.is_none()
    }

    /// The documented parameter called `name` (also found inside `x1, x2` entries).
    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.names().any(|n| n.trim_start_matches('*') == name.trim_start_matches('*')))
    }
}
