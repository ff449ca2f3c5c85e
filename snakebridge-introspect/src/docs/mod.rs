//! Docstrings as rustdoc for generated items.
//!
//! The parser and the Markdown renderer live in the `snakebridge-docstring` crate (re-exported
//! here) because the runtime's `docs::get` needs the same converter and the runtime never
//! depends on this crate. This module adds what only the generator needs: the per-item
//! page with the Python qualified name and signature ([`item_doc`]).
//!
//! ```
//! use snakebridge_introspect::docs::{item_doc, ItemDoc, ItemKind, RenderOptions};
//!
//! let md = item_doc(
//!     &ItemDoc::new(ItemKind::Function, "math.sqrt")
//!         .signature("(x, /)")
//!         .docstring("Return the square root of x."),
//!     &RenderOptions::new(),
//! );
//! assert_eq!(md, "Return the square root of x.\n\n```python\nmath.sqrt(x, /)\n```");
//! ```

mod item;

pub use item::{item_doc, ItemDoc, ItemKind};
pub use snakebridge_docstring::{
    cleandoc, detect_style, fenced_block, parse, parse_as, render, to_rustdoc, Docstring, Param, Raises, RenderOptions,
    Returns, Section, SectionKind, SeeAlso, Style,
};
