//! Recording dynamic calls in the call ledger, for `cargo snakebridge promote`.
//!
//! Off by default: `SNAKEBRIDGE_LEDGER=<path>` or [`RuntimeConfig::ledger`] turns it on. The
//! file's format and what is proposed from it live in `snakebridge_meta::ledger`, which the CLI
//! reads with. Each distinct call (kind, module, name, arity, Rust types) is appended once; the
//! dynamic doors check one atomic when recording is off.
//!
//! [`RuntimeConfig::ledger`]: crate::RuntimeConfig::ledger

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use snakebridge_meta::ledger::{self, CallKind, LedgerEntry, LEDGER_ENV};

use crate::call::IntoArgs;
use crate::locks::Mutex;

static ON: AtomicBool = AtomicBool::new(false);

struct Writer {
    path: PathBuf,
    file: File,
    seen: HashSet<LedgerEntry>,
}

static WRITER: Mutex<Option<Writer>> = Mutex::new(None);

/// Opens the ledger the environment (`var` reads it) or `configured` names; called once, as
/// the interpreter starts. Errs when an existing file is not a ledger (it is never appended to
/// then) or the file cannot be opened.
pub(crate) fn configure(configured: Option<&Path>, var: impl Fn(&str) -> Option<String>) -> Result<(), String> {
    let path = match var(LEDGER_ENV).filter(|v| !v.trim().is_empty()) {
        Some(p) => PathBuf::from(p),
        None => match configured {
            Some(p) => p.to_owned(),
            None => return Ok(()),
        },
    };
    let writer = open(&path)?;
    *WRITER.lock() = Some(writer);
    ON.store(true, Ordering::Relaxed);
    Ok(())
}

fn open(path: &Path) -> Result<Writer, String> {
    let seen = match ledger::read(path) {
        Ok(entries) => entries.into_iter().collect(),
        Err(ledger::LedgerError::Missing { .. }) => HashSet::new(),
        Err(e) => return Err(format!("{e} (set by {LEDGER_ENV} or RuntimeConfig::ledger)")),
    };
    let mut file = OpenOptions::new().create(true).append(true).open(path).map_err(|e| {
        format!("cannot open the call ledger {}: {e} (set by {LEDGER_ENV} or RuntimeConfig::ledger)", path.display())
    })?;
    let empty = file.metadata().map(|m| m.len() == 0).unwrap_or(true);
    if empty {
        writeln!(file, "{}", ledger::header_line())
            .map_err(|e| format!("cannot write the call ledger {}: {e}", path.display()))?;
    }
    Ok(Writer { path: path.to_owned(), file, seen })
}

/// Whether dynamic calls are being recorded.
#[inline(always)]
pub(crate) fn on() -> bool {
    // `--cfg snakebridge_without_checks` compiles the check out, only to measure what it costs
    // when off (docs/performance.md, "What switched-off features cost").
    !cfg!(snakebridge_without_checks) && ON.load(Ordering::Relaxed)
}

/// Records one dynamic call: `R` is the Rust type of its result, `args` its arguments
/// (`None` for an attribute read or a `python!` callee, whose arguments are Python objects).
#[cold]
#[inline(never)]
pub(crate) fn record<R: ?Sized>(kind: CallKind, module: &str, name: &str, args: Option<&impl IntoArgs>) {
    let (arity, arg_types) = match args {
        Some(a) => (a.arity(), ledger::short_type_name(type_of(a))),
        None => (None, String::new()),
    };
    let library = module.split('.').next().unwrap_or(module).to_owned();
    let entry = LedgerEntry {
        kind,
        library,
        module: module.to_owned(),
        name: name.to_owned(),
        arity,
        args: arg_types,
        returns: ledger::short_type_name(std::any::type_name::<R>()),
    };
    let mut guard = WRITER.lock();
    let Some(writer) = guard.as_mut() else { return };
    if writer.seen.contains(&entry) {
        return;
    }
    let line = ledger::entry_line(&entry);
    if let Err(e) = writeln!(writer.file, "{line}") {
        // A full disk must not fail the program's calls: recording stops, once, loudly.
        tracing::warn!(path = %writer.path.display(), "snakebridge: cannot write the call ledger ({e}); recording stops");
        ON.store(false, Ordering::Relaxed);
        return;
    }
    writer.seen.insert(entry);
}

fn type_of<A: ?Sized>(_: &A) -> &'static str {
    std::any::type_name::<A>()
}

/// The path dynamic calls are recorded in, if recording is on.
pub fn ledger_path() -> Option<PathBuf> {
    WRITER.lock().as_ref().map(|w| w.path.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_corrupt_ledger_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calls.jsonl");
        std::fs::write(&path, "not a ledger\n").unwrap();
        let err = open(&path).err().unwrap();
        assert!(err.contains("corrupt at line 1") && err.contains(LEDGER_ENV), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "not a ledger\n");
    }

    #[test]
    fn a_new_ledger_gets_its_header_and_an_old_one_its_entries_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calls.jsonl");
        let mut writer = open(&path).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), format!("{}\n", ledger::header_line()));
        let entry = LedgerEntry {
            kind: CallKind::Call,
            library: "json".into(),
            module: "json".into(),
            name: "dumps".into(),
            arity: Some(1),
            args: "(Vec<i64>,)".into(),
            returns: "Value".into(),
        };
        writeln!(writer.file, "{}", ledger::entry_line(&entry)).unwrap();
        drop(writer);
        assert!(open(&path).unwrap().seen.contains(&entry));
        let err = open(dir.path()).err().unwrap();
        assert!(err.contains("cannot read the call ledger"), "{err}");
    }
}
