//! Python docstrings as rustdoc.
//!
//! Part of [snakebridge](https://docs.rs/snakebridge); the crates and what lives where:
//! [docs/architecture.md](https://github.com/snakebridge/snakebridge/blob/main/docs/architecture.md).
//!
//! [`parse`] detects the convention a docstring follows — Google, NumPy, Sphinx/reST or
//! Epytext — and returns a [`Docstring`]: summary, description, parameters (name, type,
//! optional, default), returns, raises, examples, notes and free sections. [`render`] turns
//! that into Markdown for rustdoc: `# Arguments`, `# Returns`, `# Errors` sections, Python
//! types mapped to Rust types through [`RenderOptions::with_type_map`], doctests as fenced
//! `python` blocks that rustdoc never compiles, `:math:` as `$…$` and `.. math::` as
//! `$$…$$`, cross references as inline code, and everything that would make rustdoc warn
//! (`[x]` links, `<tag>`s, stray fences, indented code blocks) escaped.
//!
//! ```
//! let md = snakebridge_docstring::to_rustdoc(
//!     "Square root.\n\nParameters\n----------\nx : float\n    A number, :math:`x \\ge 0`.\n",
//! );
//! assert!(md.contains("# Arguments"));
//! assert!(md.contains("- `x` (`float`): A number, $x \\\\ge 0$."));
//! ```
//!
//! Parsing never fails and never panics: text in no known style is description.
//! The crate has no dependencies so that both the code generator (`snakebridge-introspect`)
//! and the runtime's `docs::get` use the same converter.

#![warn(missing_docs)]

mod detect;
mod heading;
mod model;
mod parse;
mod render;
mod text;

pub use detect::detect_style;
pub use model::{Docstring, Param, Raises, Returns, Section, SectionKind, SeeAlso, Style};
pub use parse::{parse, parse_as};
pub use render::{fenced_block, render, to_rustdoc, RenderOptions};
pub use text::cleandoc;
