//! `cargo snakebridge prepare [--check]`: re-introspect every manifest in the crate's
//! `.snakebridge/` from the configuration stored in it; with `--check`, write nothing and exit
//! 1 when one is stale, corrupt or cannot be regenerated (for CI). At a workspace root it runs
//! for every member that uses snakebridge (`workspace::select`).

use snakebridge_env::ProjectConfig;
use snakebridge_introspect::manifest::{prepare, Mode, Status, DIR_NAME};

use crate::cli::PrepareArgs;
use crate::output::Output;

pub fn run(project: &ProjectConfig, cli: &PrepareArgs, out: Output) -> u8 {
    let mode = Mode::from_env(&project.root, |name| std::env::var(name).ok());
    if out.verbose() {
        eprintln!("introspecting with {} (timeout {} ms)", mode.python.executable.display(), mode.timeout.as_millis());
    }
    let entries = prepare(&project.root, &mode, cli.check);
    if entries.is_empty() {
        out.say(format!(
            "no manifests in {}; build the crate once (with the project's Python available) to create them",
            project.root.join(DIR_NAME).display()
        ));
        return 0;
    }
    let mut failed = false;
    for entry in &entries {
        let name = entry.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
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
    u8::from(failed)
}
