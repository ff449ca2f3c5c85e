//! `cargo snakebridge setup [--check] [--upgrade] [--no-lock] [--python P]`.

use snakebridge_env::{setup, Progress, ProjectConfig, SetupOptions};

use crate::cli::SetupArgs;
use crate::output::Output;

pub fn run(project: &ProjectConfig, cli: &SetupArgs, out: Output) -> u8 {
    let requirements = project.requirements();
    if requirements.is_empty() && out.verbose() {
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
        progress: Progress { verbose: out.verbose(), quiet: out.quiet() },
    };
    match setup(project, &options) {
        Ok(report) if cli.check => {
            if report.venv_missing {
                out.bad(format!("no venv at {}", report.venv.display()));
            }
            if report.missing.is_empty() {
                out.ok(format!(
                    "all {} declared package(s) are installed in {}",
                    requirements.len(),
                    report.venv.display()
                ));
                0
            } else {
                out.bad(format!("missing: {}", report.missing.join(", ")));
                println!("  run `cargo snakebridge setup` to install them");
                1
            }
        }
        Ok(report) => {
            if report.created {
                out.ok(format!("created the venv {}", report.venv.display()));
            }
            if !report.installed.is_empty() {
                out.ok(format!("installed {} with {}", report.installed.join(", "), report.installer.unwrap_or("pip")));
            }
            out.ok(format!(
                "environment ready: {} declared package(s) in {}",
                requirements.len(),
                report.venv.display()
            ));
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}
