//! How much is printed and whether ✓ and ✗ are coloured (`-v`/`-vv`/`-q`, `--color`).

use std::io::IsTerminal;

use crate::cli::{Color, Global};

/// The reporting settings every subcommand gets.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// 0 normal, 1 `-v`, 2 `-vv`; -1 `-q`.
    pub verbosity: i8,
    color: bool,
}

impl Output {
    /// From the global options and the terminal.
    pub fn new(global: &Global) -> Self {
        let color = match global.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        };
        let verbosity = if global.quiet { -1 } else { global.verbose.min(2) as i8 };
        Output { verbosity, color }
    }

    /// `-v` or more.
    pub fn verbose(&self) -> bool {
        self.verbosity >= 1
    }

    /// `-q`.
    pub fn quiet(&self) -> bool {
        self.verbosity < 0
    }

    /// A success line (`✓ ...`), left out with `-q`.
    pub fn ok(&self, line: impl std::fmt::Display) {
        if !self.quiet() {
            println!("{} {line}", self.paint("✓", "32"));
        }
    }

    /// A problem line (`✗ ...`), always printed.
    pub fn bad(&self, line: impl std::fmt::Display) {
        println!("{} {line}", self.paint("✗", "31"));
    }

    /// A plain line, left out with `-q`.
    pub fn say(&self, line: impl std::fmt::Display) {
        if !self.quiet() {
            println!("{line}");
        }
    }

    /// `mark` in the ANSI colour `code` when colour is on.
    pub fn paint(&self, mark: &str, code: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{mark}\x1b[0m")
        } else {
            mark.to_string()
        }
    }
}
