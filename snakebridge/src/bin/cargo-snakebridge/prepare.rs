//! `cargo snakebridge prepare [--check] [--verbose]`: re-introspect every manifest in the
//! crate's `.snakebridge/` from the configuration stored in it; with `--check`, write nothing
//! and exit 1 when one is stale, corrupt or cannot be regenerated (for CI).

use snakebridge::env::ProjectConfig;
use snakebridge_introspect::manifest::{prepare, Mode, Status, DIR_NAME};

use crate::args::Cli;

pub fn run(project: &ProjectConfig, cli: &Cli) -> u8 {
    let mode = Mode::from_env(&project.root, |name| std::env::var(name).ok());
    if cli.verbose {
        eprintln!("introspecting with {} (timeout {} ms)", mode.python.executable.display(), mode.timeout.as_millis());
    }
    let entries = prepare(&project.root, &mode, cli.check);
    if entries.is_empty() {
        println!(
            "no manifests in {}; build the crate once (with the project's Python available) to create them",
            project.root.join(DIR_NAME).display()
        );
        return 0;
    }
    let mut failed = false;
    for entry in &entries {
        let name = entry.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        match &entry.status {
            Status::Fresh => println!("✓ {name} is up to date"),
            Status::Updated => println!("✓ {name} regenerated"),
            Status::Stale(reason) => {
                failed = true;
                let why = reason
                    .as_ref()
                    .map(|r| r.describe())
                    .unwrap_or_else(|| "differs from what introspection gives now".into());
                println!("✗ {name} is stale: it {why}; run `cargo snakebridge prepare` and commit the result");
            }
            Status::Failed(e) => {
                failed = true;
                println!("✗ {name}: {e}");
            }
        }
    }
    u8::from(failed)
}
