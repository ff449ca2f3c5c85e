//! The live set of manifests: `cargo check` of the packages covered, with
//! `SNAKEBRIDGE_PREPARE_RECORD` naming a file that every `#[python_module]` expansion appends
//! its manifest's path to (`snakebridge_introspect::manifest::live`).
//!
//! It runs in its own target directory (`<target>/snakebridge-prepare`), so that the user's
//! builds keep their cache, and `cargo clean -p` of the packages covered there first makes
//! rustc expand their macros again (cargo would otherwise reuse an earlier check's result).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use snakebridge_introspect::manifest::live::{read_record, RECORD_ENV};

use crate::output::Output;
use crate::workspace::Selection;

/// What the check found.
#[derive(Debug)]
pub struct LiveSet {
    /// Every manifest path an expansion used.
    pub manifests: BTreeSet<PathBuf>,
    /// Whether `cargo check` succeeded (when it did not, some crates may not have expanded,
    /// so the set may be short and orphans are not decided).
    pub complete: bool,
    /// The end of cargo's output when it failed.
    pub failure: String,
}

/// Runs `cargo check --all-targets` of the selection; `offline` sets `SNAKEBRIDGE_OFFLINE=1`
/// so that nothing is introspected or written (`prepare --check`).
pub fn collect(selection: &Selection, offline: bool, out: Output) -> std::io::Result<LiveSet> {
    let target = selection.target_directory.join("snakebridge-prepare");
    std::fs::create_dir_all(&target)?;
    let record = target.join(format!("live-{}.txt", std::process::id()));
    let _ = std::fs::remove_file(&record);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let packages: Vec<String> = selection.members.iter().flat_map(|m| ["-p".to_string(), m.name.clone()]).collect();

    let mut clean = Command::new(&cargo);
    clean.arg("clean").arg("--manifest-path").arg(&selection.workspace_manifest).arg("--target-dir").arg(&target);
    clean.args(&packages);
    let cleaned = clean.output()?;
    if !cleaned.status.success() && out.verbose() {
        eprintln!("note: cargo clean: {}", String::from_utf8_lossy(&cleaned.stderr).trim());
    }

    let mut check = Command::new(&cargo);
    check
        .args(["check", "--all-targets", "--message-format", "short", "--manifest-path"])
        .arg(&selection.workspace_manifest)
        .arg("--target-dir")
        .arg(&target)
        .args(&packages)
        .env(RECORD_ENV, &record);
    if offline {
        check.env("SNAKEBRIDGE_OFFLINE", "1");
    }
    if out.verbose() {
        eprintln!("finding the #[python_module]s in use: cargo check --all-targets {}", packages.join(" "));
    }
    let result = check.output()?;
    let manifests = read_record(&record);
    let _ = std::fs::remove_file(&record);
    let stderr = String::from_utf8_lossy(&result.stderr);
    if out.verbosity >= 2 {
        eprintln!("{stderr}");
    }
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
    let failure = lines[lines.len().saturating_sub(8)..].join("\n    ");
    Ok(LiveSet { manifests, complete: result.status.success(), failure })
}
