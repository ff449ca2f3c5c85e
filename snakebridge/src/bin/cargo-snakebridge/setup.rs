//! `cargo snakebridge setup [--check] [--upgrade] [--verbose] [--no-lock] [--python P]`.

use snakebridge::env::{setup, Progress, ProjectConfig, SetupOptions};

use crate::args::Cli;

pub fn run(project: &ProjectConfig, cli: &Cli) -> u8 {
    let requirements = project.requirements();
    if requirements.is_empty() && cli.verbose {
        eprintln!(
            "note: {} declares no Python packages in [package.metadata.snakebridge.python_deps]",
            project.manifest_path.display()
        );
    }
    if project.effective_strict() && !cli.check {
        eprintln!("error: strict mode is on (SNAKEBRIDGE_STRICT or `strict = true`): nothing is installed; run `cargo snakebridge setup --check` to see what is missing, or turn strict mode off to install");
        return 1;
    }
    let options = SetupOptions {
        check: cli.check,
        upgrade: cli.upgrade,
        write_lock: !cli.check && !cli.no_lock,
        python: cli.python.clone(),
        installer: None,
        progress: Progress { verbose: cli.verbose, quiet: false },
    };
    match setup(project, &options) {
        Ok(report) if cli.check => {
            if report.venv_missing {
                println!("✗ no venv at {}", report.venv.display());
            }
            if report.missing.is_empty() {
                println!("✓ all {} declared package(s) are installed in {}", requirements.len(), report.venv.display());
                0
            } else {
                println!("✗ missing: {}", report.missing.join(", "));
                println!("  run `cargo snakebridge setup` to install them");
                1
            }
        }
        Ok(report) => {
            if report.created {
                println!("✓ created the venv {}", report.venv.display());
            }
            if !report.installed.is_empty() {
                println!("✓ installed {} with {}", report.installed.join(", "), report.installer.unwrap_or("pip"));
            }
            println!("✓ environment ready: {} declared package(s) in {}", requirements.len(), report.venv.display());
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}
