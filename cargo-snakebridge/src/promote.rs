//! `cargo snakebridge promote [--file LEDGER] [--write]`: reads the call ledger a run of the
//! program recorded (`SNAKEBRIDGE_LEDGER`) and proposes the `include = [...]` entries that make
//! its dynamic calls generated ones; with `--write`, adds them to the `#[python_module]`
//! attributes in the crate's sources. The proposal and the edit are
//! `snakebridge_meta::ledger`'s; this file only finds the files and reports.

use std::path::{Path, PathBuf};

use snakebridge_env::ProjectConfig;
use snakebridge_meta::ledger::{self, Proposal, LEDGER_ENV};

use crate::cli::PromoteArgs;
use crate::output::Output;

pub fn run(project: &ProjectConfig, cli: &PromoteArgs, out: Output) -> u8 {
    let Some(path) = cli.file.clone().or_else(|| std::env::var_os(LEDGER_ENV).map(PathBuf::from)) else {
        eprintln!("error: which ledger? pass --file P or set {LEDGER_ENV} (the file the program recorded into)");
        return 2;
    };
    let entries = match ledger::read(&path) {
        Ok(entries) => entries,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let proposals = ledger::propose(&entries);
    if proposals.is_empty() {
        out.say(format!("the ledger {} records no dynamic call to promote", path.display()));
        return 0;
    }
    let mut found: Vec<String> = Vec::new();
    for file in sources(&project.root) {
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        let applied = ledger::apply(&text, &proposals);
        found.extend(applied.found.iter().cloned());
        let shown = file.strip_prefix(&project.root).unwrap_or(&file).display().to_string();
        for (module, names) in &applied.added {
            let verb = if cli.write { "added to" } else { "would add to" };
            println!("{verb} #[python_module(\"{module}\")] in {shown}: {}", quoted(names));
        }
        if cli.write && !applied.added.is_empty() {
            if let Err(e) = std::fs::write(&file, &applied.text) {
                eprintln!("error: cannot write {shown}: {e}");
                return 1;
            }
        }
    }
    for p in proposals.iter().filter(|p| !found.contains(&p.module)) {
        println!("no #[python_module(\"{}\")] in this crate; add:\n{}", p.module, snippet(p));
    }
    if !cli.write {
        out.say("(nothing written: pass --write to add the entries, then rebuild)");
    }
    0
}

fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
}

fn snippet(p: &Proposal) -> String {
    let ident = p.module.replace('.', "_");
    format!(
        "    #[snakebridge::python_module(\"{}\", include = [{}])]\n    mod {ident} {{}}",
        p.module,
        quoted(&p.include)
    )
}

/// The crate's Rust sources: `src/`, `examples/`, `tests/`, `benches/`.
fn sources(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = ["src", "examples", "tests", "benches"].iter().map(|d| root.join(d)).collect();
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
