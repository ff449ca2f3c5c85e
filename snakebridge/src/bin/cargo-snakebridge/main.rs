//! `cargo snakebridge`: provision and check the Python side of a snakebridge project.
//!
//! Exit codes: 0 success (or compatible), 1 something is missing, incompatible or failed,
//! 2 the command line was wrong.

mod args;
mod doctor;
mod prepare;
mod promote;
mod setup;
mod verify;

use std::process::ExitCode;

use snakebridge::env::ProjectConfig;

fn main() -> ExitCode {
    let cli = match args::parse(std::env::args().skip(1).collect()) {
        Ok(cli) => cli,
        Err(message) => {
            eprintln!("error: {message}\n\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };
    if cli.version {
        println!("cargo-snakebridge {}", snakebridge::version());
        return ExitCode::SUCCESS;
    }
    if cli.help || cli.command.is_empty() {
        print!("{}", args::USAGE);
        return if cli.help { ExitCode::SUCCESS } else { ExitCode::from(2) };
    }
    let project = match &cli.manifest_path {
        Some(path) => ProjectConfig::load(path),
        None => std::env::current_dir()
            .map_err(|e| snakebridge::Error::Interpreter { message: e.to_string() })
            .and_then(ProjectConfig::discover),
    };
    let project = match project {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let code = match cli.command.as_str() {
        "setup" => setup::run(&project, &cli),
        "verify" => verify::run(&project, &cli),
        "doctor" => doctor::run(&project),
        "prepare" => prepare::run(&project, &cli),
        "promote" => promote::run(&project, &cli),
        _ => unreachable!("args::parse accepts only known commands"),
    };
    ExitCode::from(code)
}
