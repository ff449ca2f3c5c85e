//! Line-level helpers shared by the parsers and the renderer: PEP 257 cleaning and
//! indentation arithmetic. Indentation is counted in ASCII spaces after tab expansion, so
//! slicing a line by its indentation always lands on a character boundary.

/// Cleans a raw `__doc__` as `inspect.cleandoc` does: tabs expanded to 8 columns, the
/// common indentation of the lines after the first removed, leading and trailing blank lines
/// dropped. Line endings become `\n`.
pub fn cleandoc(raw: &str) -> String {
    let lines: Vec<String> = raw.lines().map(expand_tabs).collect();
    let margin = lines.iter().skip(1).filter(|l| !l.trim().is_empty()).map(|l| indent(l)).min().unwrap_or(0);
    let mut out: Vec<&str> = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let line = if i == 0 {
            line.trim_start_matches(' ')
        } else if line.trim().is_empty() {
            ""
        } else {
            &line[margin.min(indent(line))..]
        };
        out.push(line.trim_end());
    }
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// Expands tabs to the next multiple of 8 columns, as Python's `str.expandtabs` does; other
/// control characters except newlines are dropped because they mean nothing in docs.
pub fn expand_tabs(line: &str) -> String {
    if !line.chars().any(char::is_control) {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len());
    let mut column = 0usize;
    for c in line.chars() {
        match c {
            '\t' => {
                let n = 8 - column % 8;
                out.extend(std::iter::repeat_n(' ', n));
                column += n;
            }
            '\r' | '\u{0b}' | '\u{0c}' => {}
            c if c.is_control() => {}
            c => {
                out.push(c);
                column += 1;
            }
        }
    }
    out
}

/// The number of leading ASCII spaces.
pub fn indent(line: &str) -> usize {
    line.bytes().take_while(|&b| b == b' ').count()
}

/// True for an empty or all-whitespace line.
pub fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// Removes the common indentation of the non-blank lines and the leading and trailing blank
/// lines; returns the lines joined with `\n`.
pub fn dedent_lines<S: AsRef<str>>(lines: &[S]) -> String {
    let margin = lines.iter().map(AsRef::as_ref).filter(|l| !is_blank(l)).map(indent).min().unwrap_or(0);
    let mut out: Vec<&str> = lines
        .iter()
        .map(|l| {
            let l = l.as_ref();
            if is_blank(l) {
                ""
            } else {
                l[margin.min(indent(l))..].trim_end()
            }
        })
        .collect();
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// `Some(text)` unless `text` is blank.
pub fn non_empty(text: String) -> Option<String> {
    if text.trim().is_empty() {
        None
    } else {
        Some(text)
    }
}

/// Splits an entry's indented continuation off: returns the groups of lines that start at
/// the smallest indentation of `lines`, each with the more indented lines that follow it.
pub fn items_by_indent<'a>(lines: &[&'a str]) -> Vec<(&'a str, Vec<&'a str>)> {
    let base = lines.iter().filter(|l| !is_blank(l)).map(|l| indent(l)).min().unwrap_or(0);
    let mut items: Vec<(&str, Vec<&str>)> = Vec::new();
    for &line in lines {
        if !is_blank(line) && indent(line) <= base {
            items.push((line.trim(), Vec::new()));
        } else if let Some(last) = items.last_mut() {
            last.1.push(line);
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleandoc_matches_pep_257() {
        assert_eq!(cleandoc("  Summary.\n\n    Body\n      more\n    "), "Summary.\n\nBody\n  more");
        assert_eq!(cleandoc("\n\n   x\n"), "x");
        assert_eq!(cleandoc(""), "");
    }

    #[test]
    fn tabs_expand_to_eight_columns() {
        assert_eq!(expand_tabs("a\tb"), "a       b");
        assert_eq!(expand_tabs("\tb"), "        b");
    }

    #[test]
    fn items_group_continuations() {
        let lines = ["a : int", "    first", "b", "    second", "", "    third"];
        let items = items_by_indent(&lines);
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].0, "b");
        assert_eq!(items[1].1.len(), 3);
    }
}
