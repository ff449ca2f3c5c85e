//! `cargo snakebridge prepare [--check]`: make each covered package's `.snakebridge/` exactly
//! the manifests its `#[python_module]`s use (found by `cargo check`, [`crate::live`]): missing
//! ones are created (by the expansions themselves), orphans removed, and every manifest
//! re-introspected from the configuration stored in it. With `--check`, write nothing and exit
//! 1 when one is missing, orphaned, stale, corrupt or cannot be regenerated (for CI).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use snakebridge_introspect::manifest::{prepare, Mode, Status, DIR_NAME};
use snakebridge_introspect::stamp;

use crate::cli::PrepareArgs;
use crate::live;
use crate::output::Output;
use crate::workspace::Selection;

pub fn run(selection: &Selection, cli: &PrepareArgs, out: Output) -> u8 {
    let before: Vec<BTreeSet<PathBuf>> =
        selection.members.iter().map(|m| manifests_in(&dir_of(&m.manifest_path))).collect();
    let live = match live::collect(selection, cli.check, out) {
        Ok(live) => live,
        Err(e) => {
            eprintln!("error: cannot run cargo check to find the #[python_module]s in use: {e}");
            return 1;
        }
    };
    let mut failed = !live.complete;
    let mut missing = 0;
    for (member, before) in selection.members.iter().zip(before) {
        if selection.members.len() > 1 {
            out.say(format!("── {} ({})", member.name, member.manifest_path.display()));
        }
        let root = dir_of(&member.manifest_path);
        let dir = canonical(&root.join(DIR_NAME));
        let used: BTreeSet<PathBuf> = live
            .manifests
            .iter()
            .filter(|p| p.parent().map(canonical).as_deref() == Some(dir.as_path()))
            .map(|p| root.join(DIR_NAME).join(file_name(p)))
            .collect();
        let now = manifests_in(&root);
        for path in &used {
            let name = file_name(path);
            match (before.contains(path), now.contains(path)) {
                (false, true) => out.ok(format!("{name} created")),
                (_, false) if cli.check => {
                    failed = true;
                    missing += 1;
                    out.bad(format!("{name} is missing: a #[python_module] uses it; run `cargo snakebridge prepare` and commit the result"));
                }
                (_, false) => {
                    failed = true;
                    out.bad(format!("{name} could not be created; build the crate to see the introspection error"));
                }
                _ => {}
            }
        }
        if live.complete {
            for orphan in now.difference(&used) {
                let name = file_name(orphan);
                if cli.check {
                    failed = true;
                    out.bad(format!("{name} is an orphan: no #[python_module] uses it; run `cargo snakebridge prepare` to remove it"));
                } else {
                    match std::fs::remove_file(orphan) {
                        Ok(()) => {
                            let _ = std::fs::remove_file(stamp::path_for(orphan));
                            out.ok(format!("{name} removed: no #[python_module] uses it"));
                        }
                        Err(e) => {
                            failed = true;
                            out.bad(format!("cannot remove the orphan {name}: {e}"));
                        }
                    }
                }
            }
        }
        failed |= refresh(&root, cli.check, out);
    }
    // With --check, the expansions of missing manifests fail the check (offline): that is
    // what was reported above. Any other failure is the build's own.
    if !live.complete && missing == 0 {
        out.bad(format!(
            "cargo check failed, so the #[python_module]s in use are not all known and no orphan was looked for:\n    {}\n  fix the build, then run `cargo snakebridge prepare` again",
            live.failure
        ));
    }
    u8::from(failed)
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// Re-introspects the manifests in `root/.snakebridge/`; true when one failed.
fn refresh(root: &Path, check: bool, out: Output) -> bool {
    let mode = Mode::from_env(root, |name| std::env::var(name).ok());
    if out.verbose() {
        eprintln!("introspecting with {} (timeout {} ms)", mode.python.executable.display(), mode.timeout.as_millis());
    }
    let entries = prepare(root, &mode, check);
    if entries.is_empty() {
        out.say(format!("no manifests in {}: no #[python_module] in use", root.join(DIR_NAME).display()));
        return false;
    }
    let mut failed = false;
    for entry in &entries {
        let name = file_name(&entry.path);
        match &entry.status {
            Status::Fresh => out.ok(format!("{name} is up to date")),
            Status::Updated => out.ok(format!("{name} regenerated")),
            Status::Stale(reason) => {
                failed = true;
                let why = reason
                    .as_ref()
                    .map(|r| r.describe())
                    .unwrap_or_else(|| "differs from what introspection gives now".into());
                out.bad(format!("{name} is stale: it {why}; run `cargo snakebridge prepare` and commit the result"));
            }
            Status::Failed(e) => {
                failed = true;
                out.bad(format!("{name}: {e}"));
            }
        }
    }
    failed
}

fn dir_of(manifest_path: &Path) -> PathBuf {
    manifest_path.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The manifest files (`*.json`) in `root/.snakebridge/`.
fn manifests_in(root: &Path) -> BTreeSet<PathBuf> {
    std::fs::read_dir(root.join(DIR_NAME))
        .map(|entries| {
            entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect()
        })
        .unwrap_or_default()
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}
