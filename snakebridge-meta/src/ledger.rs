//! The call ledger: which dynamic calls a program made (`call`, `method`, `attr`, `python!`),
//! recorded by the runtime and read by `cargo snakebridge promote`, which turns them into the
//! `include = [...]` entries of `#[python_module]` (see [`propose`] and [`apply`]).
//!
//! # The file
//!
//! JSON lines. The first line is the header, `{"snakebridge_ledger":1}`; every other line is one
//! [`LedgerEntry`]. A call is written once per file (the runtime keeps what it has seen, and
//! reads back what an earlier run wrote), so the file grows with the program's distinct calls,
//! not with its call count. Lines are only ever appended: two runs may share a ledger.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The format version in the header line.
pub const LEDGER_VERSION: u32 = 1;

/// The environment variable that turns recording on: the path of the ledger file.
pub const LEDGER_ENV: &str = "SNAKEBRIDGE_LEDGER";

/// Which dynamic door a call came in by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallKind {
    /// `call`/`call_as`: `module.name(...)`.
    Call,
    /// `method`/`method_as` on a ref: `name` is `Type.method`.
    Method,
    /// `attr`/`attr_as` on a ref: `name` is `Type.attribute`.
    Attr,
    /// A callee inside `python!`: `module.name(...)`.
    Inline,
}

/// One distinct dynamic call.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// How it was called.
    pub kind: CallKind,
    /// The top-level package (`numpy` for `numpy.linalg`).
    pub library: String,
    /// The dotted module (for a method or attribute, the module that defines the type).
    pub module: String,
    /// The function, or `Type.member` for a method or attribute.
    pub name: String,
    /// How many arguments were passed (positional and keyword), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arity: Option<usize>,
    /// The Rust type of the arguments (`(f64, &str)`), as [`short_type_name`] writes it.
    #[serde(default)]
    pub args: String,
    /// The Rust type the result was converted to.
    #[serde(default)]
    pub returns: String,
}

/// Why a ledger could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerError {
    /// No file at the path.
    Missing {
        /// The path.
        path: String,
    },
    /// The file could not be read.
    Io {
        /// The path.
        path: String,
        /// The operating system's message.
        message: String,
    },
    /// A line is not what the format says.
    Corrupt {
        /// The path, or `<text>` for parsed text.
        path: String,
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for LedgerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LedgerError::Missing { path } => write!(
                f,
                "no call ledger at {path}: run the program with {LEDGER_ENV}={path} (or RuntimeConfig::ledger) first"
            ),
            LedgerError::Io { path, message } => write!(f, "cannot read the call ledger {path}: {message}"),
            LedgerError::Corrupt { path, line, message } => write!(
                f,
                "the call ledger {path} is corrupt at line {line}: {message}; delete it and run the program again to record a new one"
            ),
        }
    }
}

impl std::error::Error for LedgerError {}

#[derive(Serialize, Deserialize)]
struct Header {
    snakebridge_ledger: u32,
}

/// The header line, without its newline.
pub fn header_line() -> String {
    serde_json::to_string(&Header { snakebridge_ledger: LEDGER_VERSION }).expect("a header serializes")
}

/// One entry's line, without its newline.
pub fn entry_line(entry: &LedgerEntry) -> String {
    serde_json::to_string(entry).expect("an entry serializes")
}

/// The entries of a ledger's text; `path` names it in errors. An empty text is an empty ledger.
pub fn parse(text: &str, path: &str) -> Result<Vec<LedgerEntry>, LedgerError> {
    let corrupt = |line: usize, message: String| LedgerError::Corrupt { path: path.to_owned(), line, message };
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((i, first)) = lines.next() else { return Ok(Vec::new()) };
    match serde_json::from_str::<Header>(first) {
        Ok(h) if h.snakebridge_ledger == LEDGER_VERSION => {}
        Ok(h) => {
            return Err(corrupt(
                i + 1,
                format!("format version {} (this snakebridge reads version {LEDGER_VERSION})", h.snakebridge_ledger),
            ))
        }
        Err(_) => return Err(corrupt(i + 1, format!("expected the header {}", header_line()))),
    }
    lines
        .map(|(i, line)| {
            serde_json::from_str::<LedgerEntry>(line).map_err(|e| corrupt(i + 1, format!("not an entry ({e})")))
        })
        .collect()
}

/// Reads the ledger at `path`.
pub fn read(path: &Path) -> Result<Vec<LedgerEntry>, LedgerError> {
    let shown = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&text, &shown),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(LedgerError::Missing { path: shown }),
        Err(e) => Err(LedgerError::Io { path: shown, message: e.to_string() }),
    }
}

/// `std::any::type_name`'s output without module paths: `alloc::string::String` is `String`,
/// `(f64, &alloc::vec::Vec<i64>)` is `(f64, &Vec<i64>)`.
pub fn short_type_name(full: &str) -> String {
    let mut out = String::with_capacity(full.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(word.rsplit("::").next().unwrap_or(word));
        word.clear();
    };
    for c in full.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// What `promote` proposes for one `#[python_module]`: the names its `include` should have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// The Python module of the attribute (`json`, `os.path`).
    pub module: String,
    /// The names, sorted: functions, and classes for methods and attributes.
    pub include: Vec<String>,
}

/// The `include` entries, per module, that would make every recorded call a generated one.
///
/// A call names `module.function`; a method or attribute names its type, which is bound by
/// including the class. Builtins (`len` in `python!`) and names that are private are left
/// out: there is nothing to generate for them.
pub fn propose(entries: &[LedgerEntry]) -> Vec<Proposal> {
    let mut by_module: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for e in entries {
        if e.module.is_empty() || e.module == "builtins" || e.module == "python!" {
            continue;
        }
        let name = match e.kind {
            CallKind::Call => e.name.as_str(),
            // `python!` records `Class.method` for a path through a class: the class is included.
            CallKind::Inline | CallKind::Method | CallKind::Attr => e.name.split('.').next().unwrap_or_default(),
        };
        if name.is_empty() || name.starts_with('_') {
            continue;
        }
        by_module.entry(e.module.as_str()).or_default().insert(name.to_owned());
    }
    by_module
        .into_iter()
        .map(|(module, names)| Proposal { module: module.to_owned(), include: names.into_iter().collect() })
        .collect()
}

/// What [`apply`] did to one source text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// The new text.
    pub text: String,
    /// `(module, names added)` for each attribute that changed.
    pub added: Vec<(String, Vec<String>)>,
    /// The modules of `proposals` that have an attribute in this text (changed or not).
    pub found: Vec<String>,
}

/// Adds the proposed names to the `include = [...]` lists of the `#[python_module("m", ...)]`
/// attributes in `source`, keeping what is there. An attribute without `include` binds the
/// whole module already and is left alone.
pub fn apply(source: &str, proposals: &[Proposal]) -> Applied {
    let mut out = Applied::default();
    let mut text = source.to_owned();
    let mut from = 0;
    while let Some(at) = text[from..].find("python_module(").map(|i| i + from) {
        let args_start = at + "python_module(".len();
        let Some(args_end) = closing_paren(&text, args_start) else { break };
        from = args_end;
        let args = &text[args_start..args_end];
        let Some(module) = first_string(args) else { continue };
        let Some(proposal) = proposals.iter().find(|p| p.module == module) else { continue };
        out.found.push(module.clone());
        let Some((list_start, list_end)) = include_list(args) else { continue };
        let list = &args[list_start..list_end];
        let present: Vec<String> = strings_in(list);
        let missing: Vec<String> = proposal.include.iter().filter(|n| !present.contains(n)).cloned().collect();
        if missing.is_empty() {
            continue;
        }
        let trimmed = list.trim_end();
        let sep = match () {
            () if trimmed.trim().is_empty() => "",
            () if trimmed.ends_with(',') => " ",
            () => ", ",
        };
        let insertion = format!("{sep}{}", missing.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", "));
        let insert_at = args_start + list_start + trimmed.len();
        text.insert_str(insert_at, &insertion);
        from = args_end + insertion.len();
        out.added.push((module, missing));
    }
    out.text = text;
    out
}

/// The index of the `)` that closes a parenthesis opened just before `start`, skipping strings.
fn closing_paren(text: &str, start: usize) -> Option<usize> {
    let mut depth = 1usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text[start..].char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(start + i);
                }
            }
            _ => {}
        }
    }
    None
}

fn first_string(args: &str) -> Option<String> {
    let start = args.find('"')? + 1;
    let len = args[start..].find('"')?;
    Some(args[start..start + len].to_owned())
}

/// The span inside the brackets of `include = [...]`.
fn include_list(args: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(i) = args[from..].find("include").map(|i| i + from) {
        from = i + "include".len();
        let before_ok = i == 0 || !args[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_');
        let rest = args[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let rest = rest[1..].trim_start();
        if !rest.starts_with('[') {
            return None;
        }
        let open = args.len() - rest.len() + 1;
        let close = closing_paren(args, open)?;
        return Some((open, close));
    }
    None
}

fn strings_in(list: &str) -> Vec<String> {
    list.split(',').map(|s| s.trim().trim_matches('"').to_owned()).filter(|s| !s.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: CallKind, module: &str, name: &str) -> LedgerEntry {
        LedgerEntry {
            kind,
            library: module.split('.').next().unwrap().to_owned(),
            module: module.to_owned(),
            name: name.to_owned(),
            arity: Some(1),
            args: "(f64,)".into(),
            returns: "Value".into(),
        }
    }

    #[test]
    fn entries_round_trip_through_the_format() {
        let e = entry(CallKind::Method, "collections", "deque.append");
        let text = format!("{}\n{}\n", header_line(), entry_line(&e));
        assert_eq!(parse(&text, "l").unwrap(), vec![e]);
        assert_eq!(parse("", "l").unwrap(), vec![]);
    }

    #[test]
    fn corrupt_ledgers_name_the_line() {
        let err = parse("{\"snakebridge_ledger\":1}\n{\"kind\":\"call\"}\n", "x.jsonl").unwrap_err();
        assert!(matches!(err, LedgerError::Corrupt { line: 2, .. }), "{err}");
        assert!(err.to_string().contains("x.jsonl is corrupt at line 2"), "{err}");
        let err = parse("garbage\n", "x").unwrap_err();
        assert!(err.to_string().contains("expected the header"), "{err}");
        let err = parse("{\"snakebridge_ledger\":9}\n", "x").unwrap_err();
        assert!(err.to_string().contains("format version 9"), "{err}");
        let err = read(Path::new("/nonexistent/ledger.jsonl")).unwrap_err();
        assert!(matches!(err, LedgerError::Missing { .. }) && err.to_string().contains(LEDGER_ENV), "{err}");
    }

    #[test]
    fn proposals_group_by_module_and_bind_classes_for_methods() {
        let entries = [
            entry(CallKind::Call, "json", "dumps"),
            entry(CallKind::Inline, "json", "loads"),
            entry(CallKind::Call, "json", "dumps"),
            entry(CallKind::Method, "collections", "deque.append"),
            entry(CallKind::Attr, "collections", "deque.maxlen"),
            entry(CallKind::Inline, "builtins", "len"),
            entry(CallKind::Call, "os.path", "_private"),
        ];
        let got = propose(&entries);
        assert_eq!(
            got,
            vec![
                Proposal { module: "collections".into(), include: vec!["deque".into()] },
                Proposal { module: "json".into(), include: vec!["dumps".into(), "loads".into()] },
            ]
        );
    }

    #[test]
    fn apply_adds_only_missing_names_and_keeps_the_rest() {
        let src = "#[python_module(\"json\", include = [\"dumps\"])]\nmod json {}\n\
                   #[python_module(\"math\", include = [\n    \"sqrt\",\n])]\nmod math {}\n\
                   #[python_module(\"os\")]\nmod os {}\n";
        let proposals = [
            Proposal { module: "json".into(), include: vec!["dumps".into(), "loads".into()] },
            Proposal { module: "math".into(), include: vec!["floor".into(), "sqrt".into()] },
            Proposal { module: "os".into(), include: vec!["getcwd".into()] },
            Proposal { module: "re".into(), include: vec!["sub".into()] },
        ];
        let applied = apply(src, &proposals);
        assert!(applied.text.contains("include = [\"dumps\", \"loads\"]"), "{}", applied.text);
        assert!(applied.text.contains("\"sqrt\", \"floor\"\n])]"), "{}", applied.text);
        assert!(applied.text.contains("#[python_module(\"os\")]"), "{}", applied.text);
        assert_eq!(applied.found, vec!["json", "math", "os"]);
        assert_eq!(applied.added.len(), 2);
        assert_eq!(apply(&applied.text, &proposals).added, vec![], "applying twice adds nothing");
    }

    #[test]
    fn short_type_names_drop_paths() {
        assert_eq!(short_type_name("alloc::string::String"), "String");
        assert_eq!(short_type_name("(f64, &alloc::vec::Vec<i64>)"), "(f64, &Vec<i64>)");
        assert_eq!(short_type_name("snakebridge_runtime::call::args::Args"), "Args");
    }
}
